#!/usr/bin/env bash
# Before/after on a loaded machine: the pipeline of an older build (its classes directory,
# e.g. a copy of sensor/target/classes taken before a change) against the current tree's,
# interleaved pass by pass in one JVM (org.renkei.sensor.bench.AbBenchmark).
# Usage: bench/sensor/ab.sh OLD_CLASSES_DIR [ROUNDS=16] [SOURCES=1000000] [decode-thread]
# With decode-thread the passes run analyze's two-thread path, and the process's CPU time and the
# wall time per pass are reported too (the consumer thread's CPU time alone says little there).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
OLD="$(cd "$1" && pwd)"; ROUNDS="${2:-16}"; SOURCES="${3:-1000000}"; MODE="${4:-}"
cd "$ROOT"
mvn -B -q -pl sensor test-compile dependency:build-classpath -Dmdep.outputFile="$ROOT/sensor/target/bench.classpath" -Dmdep.includeScope=test >/dev/null
CP="sensor/target/test-classes:sensor/target/classes:$(cat sensor/target/bench.classpath)"
CAPTURE="/tmp/renkei-bench-2000000-$SOURCES.pcap"
# CpuTimeBenchmark with 1 pass writes the capture if it is missing.
[ -f "$CAPTURE" ] || "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir=/tmp -cp "$CP" org.renkei.sensor.bench.CpuTimeBenchmark 1 "$SOURCES" >/dev/null
echo "load before: $(cat /proc/loadavg)"
# The serial collector, as ./renkei runs analyze and sensor (its cheaper write barrier: +1-2 % over G1, round 8).
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Dlibs="$(cat sensor/target/bench.classpath)" -cp sensor/target/test-classes \
  org.renkei.sensor.bench.AbBenchmark "$ROUNDS" "$CAPTURE" "$OLD" "$ROOT/sensor/target/classes" $MODE
echo "load after: $(cat /proc/loadavg)"
echo "A = $OLD, B = this tree"
