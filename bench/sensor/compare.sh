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

measure() { # name, command...: prints "wall_seconds maxRSS_KB cpu_seconds"
  local name=$1; shift
  local out="${TMPDIR:-/tmp}/renkei-compare-$name.time"
  /usr/bin/time -o "$out" -f "%e %M %U %S" "$@" > /dev/null 2>&1
  read -r wall rss user sys < "$out"
  echo "$wall $rss $(echo "$user + $sys" | bc -l)"
}
have_time() { [ -x /usr/bin/time ] || { echo "compare: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }; }
have_time
echo "capture: $FILE ($N packets, $(du -h "$FILE" | cut -f1)); load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
read -r T_PCAP M_PCAP C_PCAP < <(measure tcpdump tcpdump -r "$FILE" -w /dev/null)
read -r T_OURS M_OURS C_OURS < <(measure analyze "${SENSOR[@]}" analyze "$FILE" --json)
if [ "${TSHARK:-1}" != 0 ]; then
  read -r T_TSHARK M_TSHARK C_TSHARK < <(measure tshark tshark -r "$FILE" -T fields -e ip.src -e ip.dst -e tcp.dstport)
fi
pps() { echo "$N / $1" | bc -l; }
row() { printf "%-46s %8.2f s wall %12.0f pkt/s  %8.2f s CPU %12.0f pkt/CPU-s %7d MB\n" "$1" "$2" "$(pps "$2")" "$3" "$(pps "$3")" $(($4 / 1024)); }
row "tcpdump -r FILE -w /dev/null" "$T_PCAP" "$C_PCAP" "$M_PCAP"
[ -n "${T_TSHARK:-}" ] && row "tshark -T fields -e ip.src -e ip.dst -e tcp.dstport" "$T_TSHARK" "$C_TSHARK" "$M_TSHARK"
row "renkei-sensor analyze FILE --json" "$T_OURS" "$C_OURS" "$M_OURS"
printf "ours / libpcap bare read: %.2f (wall)  %.2f (CPU)\n" "$(echo "$T_PCAP / $T_OURS" | bc -l)" "$(echo "$C_PCAP / $C_OURS" | bc -l)"
[ -n "${T_TSHARK:-}" ] && printf "ours / tshark:            %.1f x (wall)  %.1f x (CPU)\n" "$(echo "$T_TSHARK / $T_OURS" | bc -l)" "$(echo "$C_TSHARK / $C_OURS" | bc -l)"
echo "(our CPU time includes JVM start-up, JIT and GC threads; wall time on a shared machine includes waiting for a core)"
exit 0
