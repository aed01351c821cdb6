package org.renkei.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The launcher's serve/demo start-up cache is only as good as its training run: the hidden
 * {@code aot-train} command must ingest through TAXII end to end (two members, envelopes over several
 * connections, statuses polled to complete, pages read) and clean up its throwaway store.
 */
class TrainCommandTest {
    @Test
    void aShortTrainingIngestSucceedsAndLeavesNothingBehind() throws Exception {
        long before = leftovers();
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("aot-train", "--objects", "2000", "--batch", "500");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void itIsNotListedAmongTheCommands() {
        StringWriter out = new StringWriter();
        Main.commandLine().usage(new PrintWriter(out));
        assertThat(out.toString()).contains("serve").doesNotContain("aot-train");
    }

    private static long leftovers() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("renkei-aot-train")).count();
        }
    }
}
