package org.renkei.cli;

import java.util.List;
import org.renkei.sensor.cli.AnalyzeCommand;
import org.renkei.sensor.cli.SensorCommand;
import org.renkei.sensor.cli.SynthCommand;

/** The sensor module's commands (analyze, sensor, synth), registered as subcommands of renkei. */
final class SensorCommands {
    private SensorCommands() {
    }

    static List<Object> all() {
        return List.of(new AnalyzeCommand(), new SensorCommand(), new SynthCommand());
    }
}
