package org.renkei.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What to put in front of {@code initdb} and {@code postgres} so that they run.
 *
 * <p>PostgreSQL refuses to run as root (uid 0), and this center runs as root on its own machines
 * and in CI. Rather than requiring a system account and {@code chown}, we run the server in a
 * user namespace ({@code unshare --user}) where our uid 0 is mapped to an ordinary uid. Inside,
 * PostgreSQL sees itself as that uid and the data dir (owned by our real root) as owned by it;
 * outside, every file it writes is still owned by root, and we can still signal it. The inner uid
 * must exist in {@code /etc/passwd} because initdb looks its own name up; we use {@code nobody}.
 * The network namespace is shared, so the server listens on the host's loopback as usual.
 */
record LaunchPrefix(List<String> words) {
    LaunchPrefix {
        words = List.copyOf(words);
    }

    static LaunchPrefix forCurrentUser() {
        if (effectiveUid() != 0) {
            return new LaunchPrefix(List.of());
        }
        Path unshare = locateUnshare(System.getenv("PATH"));
        int inner = nobodyUid(Path.of("/etc/passwd"));
        return new LaunchPrefix(List.of(unshare.toString(), "--user",
                "--map-user=" + inner, "--map-group=" + inner));
    }

    List<String> command(List<String> program) {
        var command = new ArrayList<String>(words);
        command.addAll(program);
        return command;
    }

    /**
     * {@link #command} for the long-running server, in a session of its own where util-linux's
     * {@code setsid} is on PATH: Ctrl-C in a terminal signals the whole foreground process group, and
     * the server, in it, went down at once (fast shutdown) under the center's open connections, which
     * then logged them broken; the center's shutdown stops it after closing them. A child of the JVM
     * is no process group leader, so setsid execs without forking: the launched pid is the server's.
     */
    List<String> serverCommand(List<String> program) {
        List<String> command = command(program);
        Optional<Path> setsid = onPath("setsid", System.getenv("PATH"));
        if (setsid.isPresent()) command.addFirst(setsid.get().toString());
        return command;
    }

    boolean usesUserNamespace() {
        return !words.isEmpty();
    }

    static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    static Path locateUnshare(String pathVariable) {
        return onPath("unshare", pathVariable).orElseThrow(() -> new StoreException("running as root, and PostgreSQL refuses to run as root: the embedded store runs "
                + "it in a user namespace with `unshare --user`, but `unshare` was not found on PATH (" + pathVariable
                + "). Install util-linux (apt-get install util-linux), run the center as a non-root user, "
                + "or use --db to point at an external PostgreSQL"));
    }

    /** The executable {@code name} in the first directory of {@code pathVariable} that has one. */
    static Optional<Path> onPath(String name, String pathVariable) {
        if (pathVariable == null) return Optional.empty();
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    static int nobodyUid(Path passwd) {
        try {
            for (String line : Files.readAllLines(passwd)) {
                String[] fields = line.split(":");
                if (fields.length > 2 && fields[0].equals("nobody")) {
                    return Integer.parseInt(fields[2]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to the conventional value
        }
        return 65534;
    }
}
