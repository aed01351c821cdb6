/**
 * The packet pipeline and what it reports: {@link org.renkei.sensor.report.CaptureAnalyzer}
 * runs decode → classify → fingerprint → scan/DoS detection → counters for each packet
 * (allocation-free), and builds the {@link org.renkei.sensor.report.AnalysisReport} that
 * {@code analyze} prints as text or JSON.
 */
package org.renkei.sensor.report;
