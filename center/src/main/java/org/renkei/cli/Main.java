package org.renkei.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code renkei} command. */
@Command(name = "renkei", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Renkei: a cyber information sharing center (STIX 2.1 / TAXII 2.1 hub, darknet sensor, "
                + "protective feeds).", ""},
        subcommands = {ServeCommand.class, DemoCommand.class},
        footer = {"", "Run 'renkei COMMAND --help' for the options of a command."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Helidon logs through java.util.logging: route it to SLF4J so there is one log format
        java.util.logging.LogManager.getLogManager().reset();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (Object sub : SensorCommands.all()) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler((e, cmd, parse) -> {
            cmd.getErr().println("renkei: " + messageOf(e));
            return 1;
        });
        return cl;
    }

    /** An error message a user can act on, without a stack trace. */
    static String messageOf(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"renkei " + (v == null ? "(development build)" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
