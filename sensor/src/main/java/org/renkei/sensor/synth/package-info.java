/**
 * A traffic generator for ground truth: builds packets by hand
 * ({@link org.renkei.sensor.synth.PacketBuilder}) and writes captures with a known mix
 * of darknet traffic and the labels of every packet and actor
 * ({@link org.renkei.sensor.synth.TrafficSynthesizer}).
 */
package org.renkei.sensor.synth;
