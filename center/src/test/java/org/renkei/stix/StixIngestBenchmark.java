package org.renkei.stix;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse + validate throughput of a TAXII envelope of 10,000 indicators, the ingest path's
 * STIX cost. Scores are objects per second (one operation = one object).
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -B -q -pl sensor,center test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp center/target/test-classes:center/target/classes:$(cat center/target/cp.txt) \
 *     org.openjdk.jmh.Main StixIngestBenchmark -t 1
 * java -cp (same) org.renkei.stix.StixIngestThroughput 40    # objects per CPU-second
 * </pre>
 * On a shared machine prefer the second: wall-clock scores there move with other load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StixIngestBenchmark {

    static final int OBJECTS = 10_000;

    byte[] envelope;
    StixEnvelope parsed;

    @Setup
    public void buildEnvelope() {
        StringBuilder body = new StringBuilder(OBJECTS * 600).append("{\"objects\":[");
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < OBJECTS; i++) {
            if (i > 0) body.append(',');
            String pattern = switch (i % 4) {
                case 0 -> "[ipv4-addr:value = '" + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "']";
                case 1 -> "[domain-name:value = 'host" + i + ".example.com']";
                case 2 -> "[url:value = 'http://bad" + i + ".example/path?q=1']";
                default -> "[file:hashes.'SHA-256' = '" + "%064x".formatted(new java.math.BigInteger(256, random)) + "']";
            };
            body.append("{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--").append(new UUID(random.nextLong(), random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L))
                    .append("\",\"created\":\"2024-05-01T10:00:00.000Z\",\"modified\":\"2024-05-01T10:00:00.000Z\"")
                    .append(",\"created_by_ref\":\"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff\"")
                    .append(",\"name\":\"Indicator ").append(i).append("\",\"indicator_types\":[\"malicious-activity\"]")
                    .append(",\"pattern\":\"").append(pattern.replace("\\", "\\\\").replace("\"", "\\\"")).append('"')
                    .append(",\"pattern_type\":\"stix\",\"valid_from\":\"2024-05-01T10:00:00Z\",\"confidence\":75")
                    .append(",\"object_marking_refs\":[\"").append(Tlp.GREEN.markingDefinitionId()).append("\"]}");
        }
        envelope = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        parsed = StixJson.withDefaultLimits().parseEnvelope(envelope);
        for (StixObject o : parsed.objects()) {
            if (!StixValidator.standard().isValid(o)) throw new IllegalStateException(StixValidator.standard().validate(o).toString());
        }
    }

    @Benchmark
    @OperationsPerInvocation(OBJECTS)
    public void parseAndValidate(Blackhole sink) {
        StixEnvelope envelope = StixJson.withDefaultLimits().parseEnvelope(this.envelope);
        for (StixObject object : envelope.objects()) sink.consume(StixValidator.standard().validate(object));
    }

    @Benchmark
    @OperationsPerInvocation(OBJECTS)
    public StixEnvelope parseOnly() {
        return StixJson.withDefaultLimits().parseEnvelope(envelope);
    }

    @Benchmark
    @OperationsPerInvocation(OBJECTS)
    public void validateOnly(Blackhole sink) {
        for (StixObject object : parsed.objects()) sink.consume(StixValidator.standard().validate(object));
    }

    @Benchmark
    @OperationsPerInvocation(OBJECTS)
    public void normalizePatterns(Blackhole sink) {
        for (StixObject object : parsed.objects()) {
            sink.consume(org.renkei.stix.pattern.StixPattern.normalize(object.stringProperty("pattern").orElseThrow()));
        }
    }
}
