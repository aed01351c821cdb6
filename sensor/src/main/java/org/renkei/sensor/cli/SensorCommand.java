package org.renkei.sensor.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Live mode (placeholder until the spool and sender land). */
@Command(name = "sensor", mixinStandardHelpOptions = true, description = "Live mode: read a pcap stream and report to a Renkei center.")
public final class SensorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("sensor: live mode is not available in this build");
        return 2;
    }
}
