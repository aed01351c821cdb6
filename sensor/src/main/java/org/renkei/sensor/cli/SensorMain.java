package org.renkei.sensor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code renkei-sensor}: the sensor on its own, without the center. */
@Command(name = "renkei-sensor", mixinStandardHelpOptions = true, version = "renkei-sensor 0.1.0",
        description = "Darknet sensor: analyse captures, generate test traffic, or run live and report to a Renkei center.",
        subcommands = {AnalyzeCommand.class, SynthCommand.class, SensorCommand.class, CommandLine.HelpCommand.class})
public final class SensorMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SensorMain()).execute(args));
    }
}
