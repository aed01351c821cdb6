#!/usr/bin/env bash
# Side by side on one generated darknet capture (60-byte TCP SYNs, 2 M distinct sources):
#   libpcap's bare read      tcpdump -r FILE -w /dev/null        (no decoding)
#   tshark field extraction  tshark -r FILE -T fields -e ip.src -e ip.dst -e tcp.dstport
#   our full analysis        renkei-sensor analyze FILE --json  (decode, classify, fingerprints,
#                            scan + DoS detection, report; JVM start-up included)
# and prints packets/s, peak memory, and our speed as ratios of theirs.
# Usage: bench/sensor/compare.sh [PACKETS]   (default 3000000; TSHARK=0 skips tshark)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
N="${1:-3000000}"
FILE="${TMPDIR:-/tmp}/renkei-compare-$N.pcap"
cd "$ROOT"
for tool in tcpdump tshark; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    else echo "compare: $tool is missing: apt-get install $tool" >&2; exit 1; fi
  fi
done
mvn -B -q -pl sensor compile dependency:build-classpath -Dmdep.outputFile="$ROOT/sensor/target/run.classpath" -Dmdep.includeScope=runtime >/dev/null
CP="$ROOT/sensor/target/classes:$(cat "$ROOT/sensor/target/run.classpath")"
SENSOR=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$CP" org.renkei.sensor.cli.SensorMain)
[ -f "$FILE" ] || "${SENSOR[@]}" synth --out "$FILE" --syn-workload "$N" --sources 2000000
cat "$FILE" > /dev/null # into the page cache

measure() { # name, command...: prints "seconds maxRSS_KB"
  local name=$1; shift
  local t0 t1 rss
  t0=$(date +%s.%N)
  rss=$( { /usr/bin/time -f "%M" "$@" > /dev/null 2>/dev/null; } 2>&1 | tail -n1 )
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $rss"
}
have_time() { [ -x /usr/bin/time ] || { echo "compare: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }; }
have_time
echo "capture: $FILE ($N packets, $(du -h "$FILE" | cut -f1)); load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
read -r T_PCAP M_PCAP < <(measure tcpdump tcpdump -r "$FILE" -w /dev/null)
read -r T_OURS M_OURS < <(measure analyze "${SENSOR[@]}" analyze "$FILE" --json)
if [ "${TSHARK:-1}" != 0 ]; then
  read -r T_TSHARK M_TSHARK < <(measure tshark tshark -r "$FILE" -T fields -e ip.src -e ip.dst -e tcp.dstport)
fi
pps() { echo "$N / $1" | bc -l; }
printf "%-34s %10.2f s %14.0f packets/s %8d MB\n" "tcpdump -r FILE -w /dev/null" "$T_PCAP" "$(pps "$T_PCAP")" $((M_PCAP / 1024))
[ -n "${T_TSHARK:-}" ] && printf "%-34s %10.2f s %14.0f packets/s %8d MB\n" "tshark -T fields (ip.src ip.dst tcp.dstport)" "$T_TSHARK" "$(pps "$T_TSHARK")" $((M_TSHARK / 1024))
printf "%-34s %10.2f s %14.0f packets/s %8d MB\n" "renkei-sensor analyze --json" "$T_OURS" "$(pps "$T_OURS")" $((M_OURS / 1024))
printf "ours / libpcap bare read: %.2f\n" "$(echo "$T_PCAP / $T_OURS" | bc -l)"
[ -n "${T_TSHARK:-}" ] && printf "ours / tshark:            %.1f x\n" "$(echo "$T_TSHARK / $T_OURS" | bc -l)"
exit 0
