package org.renkei.cli;

import java.util.List;

/** The sensor module's commands (analyze, sensor, synth), registered as subcommands of renkei. */
final class SensorCommands {
    private SensorCommands() {
    }

    static List<Object> all() {
        return List.of();
    }
}
