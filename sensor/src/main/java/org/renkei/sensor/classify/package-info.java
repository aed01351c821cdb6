/**
 * Classifying decoded packets: the darknet packet class
 * ({@link org.renkei.sensor.classify.PacketClass}: probes, backscatter,
 * spoofed/invalid) and scanner fingerprints (Mirai, Masscan, ZMap before 4.1,
 * large-scale scanners). The fingerprint rules and the list of UDP services whose
 * replies count as backscatter are versioned data in {@code fingerprints.json}, because
 * scanners change; {@link org.renkei.sensor.classify.PacketClassifier} compiles them
 * into primitive arrays so classification allocates nothing.
 */
package org.renkei.sensor.classify;
