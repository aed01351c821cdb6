/**
 * Detecting what darknet traffic means over time: scan campaigns
 * ({@link org.renkei.sensor.detect.ScanDetector}: a source reaching N distinct
 * darknet addresses on one port/protocol before going quiet for the expiry window)
 * and DoS attacks against third parties inferred from backscatter
 * ({@link org.renkei.sensor.detect.DosDetector}, corsaro3's thresholds).
 *
 * <p>State lives in {@link org.renkei.sensor.detect.SlotTable}: an off-heap
 * open-addressing table keyed by primitive addresses (an IPv4 int or the two longs of
 * an IPv6 address, plus protocol and port), with a fixed capacity chosen at start, so
 * memory is bounded and the Java heap stays flat however many sources a telescope sees.
 * Entries expire by capture time; when the scan table is full, the least recently seen
 * quarter of its entries is ended early to make room (counted), rather than growing.
 */
package org.renkei.sensor.detect;
