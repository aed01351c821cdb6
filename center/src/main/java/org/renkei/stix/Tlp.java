package org.renkei.stix;

/** Placeholder until the stix package lands (replaced by its full version). */
public enum Tlp {
    CLEAR, GREEN, AMBER, AMBER_STRICT, RED
}
