#!/usr/bin/env bash
# Runs the sensor's JMH benchmarks (decode + classify + aggregate on 60-byte SYNs from
# a million sources). Extra arguments go to JMH, e.g. "PipelineBenchmark.fullPipeline -wi 2 -i 3".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
mvn -B -q -pl sensor test-compile dependency:build-classpath -Dmdep.outputFile="$ROOT/sensor/target/bench.classpath" -Dmdep.includeScope=test >/dev/null
CP="sensor/target/test-classes:sensor/target/classes:$(cat sensor/target/bench.classpath)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.renkei.sensor.bench.BenchMain "${@:-org.renkei.sensor.bench.PipelineBenchmark}"
