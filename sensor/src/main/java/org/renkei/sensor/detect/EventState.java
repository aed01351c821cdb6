package org.renkei.sensor.detect;

/** Whether a detection event reports an ongoing episode (first crossing of the thresholds) or its end. */
public enum EventState { STARTED, ENDED }
