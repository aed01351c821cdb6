/**
 * The sensor's command line: picocli command classes the center's {@code renkei} CLI
 * registers as its own subcommands ({@link org.renkei.sensor.cli.AnalyzeCommand},
 * {@link org.renkei.sensor.cli.SynthCommand}, {@link org.renkei.sensor.cli.SensorCommand}),
 * and {@link org.renkei.sensor.cli.SensorMain} to run the sensor alone as
 * {@code renkei-sensor}.
 */
package org.renkei.sensor.cli;
