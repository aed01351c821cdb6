#!/usr/bin/env bash
# Side by side on one generated darknet capture (60-byte TCP SYNs from SOURCES distinct sources):
#   libpcap's bare read      tcpdump -r FILE -w /dev/null        (no decoding)
#   tshark field extraction  tshark -r FILE -T fields -e ip.src -e ip.dst -e tcp.dstport
#   our full analysis        renkei analyze FILE --json  (decode, classify, fingerprints,
#                            scan + DoS detection, report; JVM start-up included)
# and prints packets/s, peak memory, and our speed as ratios of theirs.
#
# Usage: bench/sensor/compare.sh [PACKETS]   (default 20000000, about 1.5 GB in $TMPDIR)
# Environment:
#   SOURCES=N          distinct sources (default 1000000)
#   TSHARK_PACKETS=N   tshark reads the first N packets of the same stream (default 3000000;
#                      "all" = the whole file). tshark keeps ~1.6 KB per packet (4.8 GB on 3 M
#                      packets measured here), so the whole 20 M-packet file does not fit in this
#                      machine's memory; its packets/s on the prefix is what the ratio uses, and
#                      the output says so. TSHARK=0 skips tshark.
#   AOT=0              run the JVM without the AOT cache (JDK 25, JEPs 483/514/515: loaded and
#                      linked classes and method profiles) that ./renkei makes once per build and
#                      uses for analyze/sensor/synth.
#   ROUNDS=N           rounds of tcpdump, analyze and ./renkei analyze (default 3; the order rotates
#                      each round so that no command always runs first); each row is the median
#                      round, and every round's figure is printed. Before them one analyze run is
#                      timed on its own and reported apart: see "first run" below.
#
# Why rounds, and the first run apart: single runs here swung by ±30 %, and the first run of a
# large analyze after an idle pause was ~1.5 s slower than the next, in system time (2.4-3.5 s
# against 0.7-1.2 s): this VM's kernel reports freed memory to the host (free page reporting,
# page_reporting_order=11 on the kernel command line), so a process that takes a GiB soon after
# another freed it gets memory the host still backs, while one after a pause makes the host fault
# it in again. The direct row used to run first and pay that; the ./renkei row after it did not
# (round 6 of docs/sensor.md).
# "renkei analyze" runs what ./renkei runs (its jar, JVM options and AOT cache; ./renkei builds
# the jar and the cache first if needed); a second row times ./renkei itself, whose JDK lookup
# and staleness checks add their own start-up.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
N="${1:-20000000}"
SOURCES="${SOURCES:-1000000}"
[ "$SOURCES" -le "$N" ] || SOURCES=$N
TSHARK_N="${TSHARK_PACKETS:-3000000}"
[ "$TSHARK_N" = all ] || [ "$TSHARK_N" -lt "$N" ] || TSHARK_N=all
[ "$TSHARK_N" = all ] || [ "$TSHARK_N" -ge "$SOURCES" ] || TSHARK_N=$SOURCES # a prefix only while it has every source (same generator state)
TMP="${TMPDIR:-/tmp}"
FILE="$TMP/renkei-compare-$N-$SOURCES.pcap"
cd "$ROOT"
for tool in tcpdump tshark bc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
    else echo "compare: $tool is missing: apt-get install $tool" >&2; exit 1; fi
  fi
done
[ -x /usr/bin/time ] || { echo "compare: /usr/bin/time is missing: apt-get install time" >&2; exit 1; }

export RENKEI_AOT="${AOT:-1}"
./renkei analyze --help >/dev/null # builds the jar and makes the AOT cache if either is missing or stale
JAR="$ROOT/center/target/renkei.jar"
# What ./renkei execs for analyze (keep in step with the launcher): the serial collector (the sensor
# allocates next to nothing on the heap) and its AOT cache.
JVM=("$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC)
AOT_CACHE="$ROOT/center/target/renkei-sensor-$(basename "$(readlink -f "$JAVA_HOME")").aot"
if [ "$RENKEI_AOT" != 0 ]; then
  [ -f "$AOT_CACHE" ] || { echo "compare: ./renkei made no AOT cache ($AOT_CACHE)" >&2; exit 1; }
  JVM+=(-XX:AOTCache="$AOT_CACHE" -Xlog:aot=off -Xlog:cds=off)
fi
SENSOR=("${JVM[@]}" -jar "$JAR")
synth() { # packets, file
  [ -f "$2" ] || "${SENSOR[@]}" synth --out "$2" --syn-workload "$1" --sources "$SOURCES" >/dev/null 2>&1
}
synth "$N" "$FILE"
cat "$FILE" > /dev/null # into the page cache

measure() { # name, command...: prints "wall_seconds maxRSS_KB cpu_seconds"; stdout goes to $TMP/renkei-compare-NAME.out
  local name=$1; shift
  local t="$TMP/renkei-compare-$name.time"
  /usr/bin/time -o "$t" -f "%e %M %U %S" "$@" > "$TMP/renkei-compare-$name.out" 2>/dev/null
  read -r wall rss user sys < "$t"
  echo "$wall $rss $(echo "$user + $sys" | bc -l)"
}
echo "capture: $FILE ($N packets from $SOURCES sources, $(du -h "$FILE" | cut -f1)); load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
ROUNDS="${ROUNDS:-3}"
# The first run, on its own and reported apart (see the header).
read -r T_FIRST M_FIRST C_FIRST < <(measure first "${SENSOR[@]}" analyze "$FILE" --json)
declare -a W_PCAP W_OURS W_LAUNCH
for ((r = 0; r < ROUNDS; r++)); do
  cmds=(tcpdump analyze launcher)
  for ((k = 0; k < 3; k++)); do
    case ${cmds[$(((r + k) % 3))]} in
      tcpdump) read -r w m c < <(measure tcpdump tcpdump -r "$FILE" -w /dev/null); W_PCAP+=("$w $c $m") ;;
      analyze) read -r w m c < <(measure analyze "${SENSOR[@]}" analyze "$FILE" --json); W_OURS+=("$w $c $m")
        cmp -s "$TMP/renkei-compare-first.out" "$TMP/renkei-compare-analyze.out" || echo "compare: analyze printed another report than its first run" >&2 ;;
      launcher) read -r w m c < <(measure launcher ./renkei analyze "$FILE" --json); W_LAUNCH+=("$w $c $m")
        cmp -s "$TMP/renkei-compare-first.out" "$TMP/renkei-compare-launcher.out" || echo "compare: ./renkei analyze printed another report than the same JVM run directly" >&2 ;;
    esac
  done
done
median() { # "wall cpu rss" lines -> the line of the median wall time
  printf '%s\n' "$@" | sort -n -k1,1 | sed -n "$(( ($# + 1) / 2 ))p"
}
walls() { local x out=""; for x in "$@"; do out+="${x%% *} "; done; echo "${out% }"; }
read -r T_PCAP C_PCAP M_PCAP < <(median "${W_PCAP[@]}")
read -r T_OURS C_OURS M_OURS < <(median "${W_OURS[@]}")
read -r T_LAUNCH C_LAUNCH M_LAUNCH < <(median "${W_LAUNCH[@]}")
DROPPED=$(sed -n 's/.*"scan_keys_dropped" : \([0-9]*\).*/\1/p' "$TMP/renkei-compare-first.out")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "${TSHARK:-1}" != 0 ]; then
  TFILE="$FILE"; TN=$N
  if [ "$TSHARK_N" != all ]; then TFILE="$TMP/renkei-compare-$TSHARK_N-$SOURCES.pcap"; TN=$TSHARK_N; synth "$TSHARK_N" "$TFILE"; cat "$TFILE" > /dev/null; fi
  read -r T_TSHARK M_TSHARK C_TSHARK < <(measure tshark tshark -r "$TFILE" -T fields -e ip.src -e ip.dst -e tcp.dstport)
  rm -f "$TMP/renkei-compare-tshark.out"
fi
pps() { echo "$1 / $2" | bc -l; }
row() { # label, packets, wall, cpu, rss_kb
  printf "%-52s %9d pkts %8.2f s wall %12.0f pkt/s  %8.2f s CPU %12.0f pkt/CPU-s %7d MB\n" "$1" "$2" "$3" "$(pps "$2" "$3")" "$4" "$(pps "$2" "$4")" $(($5 / 1024))
}
echo "median of $ROUNDS rounds (wall times of every round in brackets); load average after the rounds: $LOAD_AFTER"
row "tcpdump -r FILE -w /dev/null" "$N" "$T_PCAP" "$C_PCAP" "$M_PCAP"; echo "    [$(walls "${W_PCAP[@]}")]"
[ -n "${T_TSHARK:-}" ] && row "tshark -T fields -e ip.src -e ip.dst -e tcp.dstport" "$TN" "$T_TSHARK" "$C_TSHARK" "$M_TSHARK"
row "renkei analyze FILE --json" "$N" "$T_OURS" "$C_OURS" "$M_OURS"; echo "    [$(walls "${W_OURS[@]}")]"
row "./renkei analyze FILE --json (launcher's JDK lookup too)" "$N" "$T_LAUNCH" "$C_LAUNCH" "$M_LAUNCH"; echo "    [$(walls "${W_LAUNCH[@]}")]"
row "first run: renkei analyze, before the rounds" "$N" "$T_FIRST" "$C_FIRST" "$M_FIRST"
printf "ours / libpcap bare read: %.2f (wall)  %.2f (CPU); through ./renkei %.2f (wall); first run %.2f (wall)\n" "$(echo "$T_PCAP / $T_OURS" | bc -l)" \
  "$(echo "$C_PCAP / $C_OURS" | bc -l)" "$(echo "$T_PCAP / $T_LAUNCH" | bc -l)" "$(echo "$T_PCAP / $T_FIRST" | bc -l)"
if [ -n "${T_TSHARK:-}" ]; then
  # packets/s against packets/s, since tshark may have read only a prefix
  printf "ours / tshark:            %.1f x (wall)  %.1f x (CPU)%s\n" "$(echo "($N / $T_OURS) / ($TN / $T_TSHARK)" | bc -l)" \
    "$(echo "($N / $C_OURS) / ($TN / $C_TSHARK)" | bc -l)" "$([ "$TN" != "$N" ] && echo "   (tshark on the first $TN packets of the same stream: packets/s compared)")"
fi
echo "state keys dropped at --max-state-entries: ${DROPPED:-?}"
echo "(our CPU time includes JVM start-up, JIT and GC threads$([ "${AOT:-1}" != 0 ] && echo ", with the AOT cache"); wall time on a shared machine includes waiting for a core)"
exit 0
