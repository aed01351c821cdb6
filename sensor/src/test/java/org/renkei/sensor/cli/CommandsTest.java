package org.renkei.sensor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.renkei.sensor.observe.Json;

import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

class CommandsTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            CommandLine cl = new CommandLine(new SensorMain());
            cl.setOut(new PrintWriter(out));
            int code = cl.execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void synthThenAnalyzeAsJson() throws Exception {
        Path pcap = dir.resolve("s.pcap");
        assertThat(run("synth", "--out", pcap.toString(), "--seed", "3").code()).isZero();
        assertThat(Files.exists(Path.of(pcap + ".labels.json"))).isTrue();
        Run r = run("analyze", pcap.toString(), "--json");
        assertThat(r.code()).isZero();
        JsonNode report = Json.MAPPER.readTree(r.out());
        assertThat(report.get("packets").asLong()).isGreaterThan(10_000);
        assertThat(report.get("campaigns").size()).isPositive();
        assertThat(report.get("dos_attacks").size()).isPositive();
        assertThat(report.get("fingerprints").toString()).contains("mirai", "masscan", "zmap", "large-scale-scanner");
        assertThat(report.get("malformed_records_skipped").toString()).contains("truncated_record");
    }

    /**
     * The table and the reader read memory by absolute address through a segment made with a
     * restricted method; where native access is denied they fall back to their own segments, and
     * the report must not change.
     */
    @Test
    void theReportIsTheSameWhereNativeAccessIsDenied() throws Exception {
        Path pcap = dir.resolve("s.pcap");
        assertThat(run("synth", "--out", pcap.toString(), "--seed", "5").code()).isZero();
        String inProcess = run("analyze", pcap.toString(), "--json").out();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "--illegal-native-access=deny", "-cp", System.getProperty("java.class.path"),
                SensorMain.class.getName(), "analyze", pcap.toString(), "--json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String denied = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(Json.MAPPER.readTree(denied)).isEqualTo(Json.MAPPER.readTree(inProcess));
    }

    @Test
    void textReportNamesEverySection() throws Exception {
        Path pcap = dir.resolve("s.pcap");
        run("synth", "--out", pcap.toString());
        String out = run("analyze", pcap.toString()).out();
        assertThat(out).contains("Packets:", "Time span:", "Protocols:", "Top TCP ports:", "Top sources:", "Fingerprints:",
                "Scan campaigns:", "DoS victims:", "Malformed records skipped:");
    }

    @Test
    void aStateBoundTooSmallForTheCaptureIsReportedWithWhatItCost() throws Exception {
        Path pcap = dir.resolve("s.pcap");
        run("synth", "--out", pcap.toString(), "--seed", "3");
        Run r = run("analyze", pcap.toString(), "--max-state-entries", "2000");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("State bound reached \\(2,000 scan entries\\): [1-9][0-9,]* entries ended early to make room,"
                + " least recently seen first \\([0-9,]+ with activity missing from the top sources\\); 0 scan and 0 DoS keys dropped\\."
                + " Raise --max-state-entries\\.");
        JsonNode state = Json.MAPPER.readTree(run("analyze", pcap.toString(), "--max-state-entries", "2000", "--json").out()).get("state");
        assertThat(state.get("scan_entries_evicted").asLong()).isPositive();
        assertThat(state.get("scan_keys_dropped").asLong()).isZero();
        assertThat(run("analyze", pcap.toString()).out()).doesNotContain("State bound reached");
    }

    @Test
    void unreadableInputGivesAOneLineErrorAndNonZeroExit() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a capture");
        Run r = run("analyze", text.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown magic number").doesNotContain("Exception").doesNotContain("\tat ");
        Run missing = run("analyze", dir.resolve("nope.pcap").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
    }

    @Test
    void sensorRefusesToStartWithoutAToken() {
        Run r = run("sensor", "--center", "http://127.0.0.1:9", "--token", "");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no token");
    }

    @Test
    void sensorRefusesMoreThanFiftyThousandSourcesPerBatch() {
        Run r = run("sensor", "--center", "http://127.0.0.1:9", "--token", "t", "--max-sources", "50001",
                "--spool", dir.resolve("spool").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--max-sources").contains("50,000").contains("50,001");
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void pacedSynthWritesPpsTimesSecondsPacketsOnTheInjectedClock() throws Exception {
        Path pcap = dir.resolve("paced.pcap");
        SynthCommand synth = new SynthCommand();
        FakeClock clock = new FakeClock();
        synth.clock = clock;
        int code = new CommandLine(synth).execute("--paced", "2000", "--seconds", "3", "--sources", "50", "--out", pcap.toString());
        assertThat(code).isZero();
        try (var reader = org.renkei.sensor.pcap.CaptureReader.open(pcap)) {
            var r = new org.renkei.sensor.pcap.PacketRecord();
            long n = 0;
            while (reader.next(r)) n++;
            assertThat(n).isEqualTo(6000);
        }
        // Three seconds of the clock passed, all of it in the writer's sleeps: the pacing used this clock.
        assertThat(clock.now).isBetween(3_000_000_000L, 3_000_000_000L + org.renkei.sensor.synth.PacedSynStream.TICK_NANOS);
        assertThat(clock.slept).isEqualTo(clock.now);
    }

    @Test
    void pacedSynthGoesToStandardOutputOnlyWithPaced() {
        Run r = run("synth", "--out", "-");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--paced");
    }

    /** A clock that only moves when the writer sleeps. */
    static final class FakeClock implements org.renkei.sensor.synth.PacedSynStream.Clock {
        long now, slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long epochNanos() {
            return 1_800_000_000_000_000_000L;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
            slept += nanos;
        }
    }

    @Test
    void commandClassesHavePublicNoArgConstructorsForTheCentersCli() throws Exception {
        for (Class<?> c : new Class<?>[] {AnalyzeCommand.class, SynthCommand.class, SensorCommand.class}) {
            assertThat(c.getConstructor().newInstance()).isInstanceOf(java.util.concurrent.Callable.class);
            assertThat(c.getAnnotation(CommandLine.Command.class)).isNotNull();
        }
    }
}
