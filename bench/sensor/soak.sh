#!/usr/bin/env bash
# Soak test of live mode: a real center (embedded store) with a sensor token, and
#   renkei synth --paced PPS --out - | renkei sensor --center URL --token T
# with the sensor JVM at -Xmx512m and GC logging. Every --every minutes it records the
# sensor's heap after a full GC (jcmd GC.run, then GC.heap_info), the largest heap after a
# young GC in the window (GC log), RSS, CPU% of the sensor, packets, batches cut / stored /
# left in the spool; at the end it prints the table and writes bench/results/soak-<time>.md.
#
#   bench/sensor/soak.sh [--minutes 60] [--pps 100000] [--sources 100000] [--every 10]
#
# The run uses a copy of the built jars (center/target), so rebuilding the tree meanwhile
# cannot disturb it. Needs a JDK 25 (found as ./renkei finds it), curl, python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MINUTES=60 PPS=100000 SOURCES=100000 EVERY=10 INTERVAL=60
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --pps) PPS=$2; shift 2 ;;
    --sources) SOURCES=$2; shift 2 ;;
    --every) EVERY=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "soak: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$EVERY" -le "$MINUTES" ] || EVERY=$MINUTES

"$ROOT/renkei" build >/dev/null
JAVA=""
for j in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*/bin/java; do
  [ -x "$j" ] || continue
  v=$("$j" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  if [ "${v:-0}" -ge 25 ]; then JAVA=$j; break; fi
done
[ -n "$JAVA" ] || { echo "soak: no JDK 25 found" >&2; exit 1; }
JCMD="$(dirname "$JAVA")/jcmd"

STAMP=$(date -u +%Y%m%d-%H%M%S)
RUN=$(mktemp -d "/tmp/renkei-soak-$STAMP.XXXX")
mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/soak-$STAMP.md"
cp -r "$ROOT/center/target/renkei.jar" "$ROOT/center/target/lib" "$RUN/"
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- sensor center || echo "+changes")

CENTER_PID="" SENSOR_PID="" SYNTH_PID=""
cleanup() {
  for p in $SYNTH_PID $SENSOR_PID $CENTER_PID; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# --- the center -------------------------------------------------------------------------
ADMIN="rk_soak_$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32)"
RENKEI_ADMIN_TOKEN=$ADMIN "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -jar "$RUN/renkei.jar" \
  serve --port 0 --data "$RUN/data" >"$RUN/center.log" 2>&1 &
CENTER_PID=$!
URL=""
for _ in $(seq 180); do
  URL=$(sed -n 's/.*center listening on \(http:[^ ]*\).*/\1/p' "$RUN/center.log" | head -n1)
  [ -n "$URL" ] && break
  kill -0 "$CENTER_PID" 2>/dev/null || { cat "$RUN/center.log" >&2; echo "soak: the center did not start" >&2; exit 1; }
  sleep 1
done
[ -n "$URL" ] || { echo "soak: the center did not start in 3 minutes (see $RUN/center.log)" >&2; exit 1; }
api() { curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/$1" -d "$2"; }
MEMBER=$(api members '{"name":"Soak sensor operator","type":"isp"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
TOKEN=$(api "members/$MEMBER/tokens" '{"role":"sensor"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# Observation batches the center stored (201) and acknowledged as duplicates (200): its own
# request counters, less the two POSTs above (member, token).
center_answers() {
  curl -s "$URL/metrics" | awk -v want="$1" '
    /^renkei_http_requests_seconds_count\{area="rest",method="POST",status="/ {
      split($0, a, "status=\""); split(a[2], b, "\""); if (b[1] == want) n += $2 }
    END { printf "%d", n }'
}
SETUP=$(center_answers 201)
echo "soak: center $URL (pid $CENTER_PID), run directory $RUN"

# --- the sensor, fed by the paced generator --------------------------------------------------
SECONDS_TOTAL=$((MINUTES * 60))
{
  "$JAVA" -XX:+UseSerialGC -Xmx256m -jar "$RUN/renkei.jar" synth --paced "$PPS" --seconds "$SECONDS_TOTAL" \
    --sources "$SOURCES" --out - 2>"$RUN/synth.log" &
  echo $! >"$RUN/synth.pid"
  wait
} | "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -Xmx512m -Xlog:gc:file="$RUN/sensor-gc.log":uptime,level \
      -jar "$RUN/renkei.jar" sensor --center "$URL" --token "$TOKEN" --interval "$INTERVAL" --spool "$RUN/spool" \
      --sensor-id soak -v 2>"$RUN/sensor.log" &
SENSOR_PID=$!
for _ in $(seq 50); do [ -s "$RUN/synth.pid" ] && break; sleep 0.1; done
SYNTH_PID=$(cat "$RUN/synth.pid")
echo "soak: synth --paced $PPS --seconds $SECONDS_TOTAL --sources $SOURCES (pid $SYNTH_PID) | sensor (pid $SENSOR_PID, -Xmx512m)"
echo "soak: $MINUTES minutes; a row every $EVERY minutes, progress every 30 s"
set +e # from here on a failed measurement must not end the run

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
last_cut() { grep 'cut interval' "$RUN/sensor.log" | tail -n1 || true; }
field() { sed -n "s/.*total \([0-9]*\) packets, \([0-9]*\) batches cut, \([0-9]*\) sent.*/\\$1/p" <<<"$2"; }
spooled() { find "$RUN/spool" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l; }
# Largest heap after a young GC (MB) in GC log lines after line $1.
young_max() { tail -n +"$(($1 + 1))" "$RUN/sensor-gc.log" 2>/dev/null | grep 'Pause Young' \
  | sed -n 's/.*->\([0-9]*\)M(.*/\1/p' | sort -n | tail -n1 || true; }

ROWS=()
header="| minute | heap after full GC (MB) | max heap after young GC (MB) | young GCs | RSS (MB) | sensor CPU % | packets | batches cut | stored | duplicates | left in spool | load (1 min) |"
START=$(date +%s)
win_start=$START win_ticks=$(ticks "$SENSOR_PID") win_line=0
next_row=$((START + EVERY * 60))
row() { # $1 = minute label
  local now t young yc heap cut
  now=$(date +%s)
  t=$(ticks "$SENSOR_PID")
  young=$(young_max "$win_line")
  yc=$(tail -n +"$((win_line + 1))" "$RUN/sensor-gc.log" 2>/dev/null | grep -c 'Pause Young' || true)
  heap="-"
  if kill -0 "$SENSOR_PID" 2>/dev/null && "$JCMD" "$SENSOR_PID" GC.run >/dev/null 2>&1; then
    heap=$("$JCMD" "$SENSOR_PID" GC.heap_info 2>/dev/null | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n1)
    heap=$(awk -v k="$heap" 'BEGIN { printf "%.1f", k / 1024 }')
  fi
  cut=$(last_cut)
  ROWS+=("| $1 | $heap | ${young:--} | $yc | $(rss_mb "$SENSOR_PID") | $(awk -v d=$((t - win_ticks)) -v s=$((now - win_start)) -v hz="$HZ" 'BEGIN { printf "%.0f", (s > 0 ? 100 * d / hz / s : 0) }') | $(field 1 "$cut") | $(field 2 "$cut") | $(($(center_answers 201) - SETUP)) | $(center_answers 200) | $(spooled) | $(cut -d' ' -f1 /proc/loadavg) |")
  # the full GC of this row is not part of the next window
  win_start=$now win_ticks=$(ticks "$SENSOR_PID") win_line=$(wc -l <"$RUN/sensor-gc.log" 2>/dev/null || echo 0)
  echo "$header"; echo "|---|---|---|---|---|---|---|---|---|---|---|---|"; printf '%s\n' "${ROWS[@]}"
}

while kill -0 "$SENSOR_PID" 2>/dev/null; do
  sleep 30
  now=$(date +%s)
  cut=$(last_cut)
  printf 'soak: %3d/%d min  packets %s  batches cut %s  sent %s  spool %s  RSS %s MB  load %s\n' $(((now - START) / 60)) "$MINUTES" \
    "$(field 1 "$cut")" "$(field 2 "$cut")" "$(field 3 "$cut")" "$(spooled)" "$(rss_mb "$SENSOR_PID")" "$(cut -d' ' -f1 /proc/loadavg)"
  if [ "$now" -ge "$next_row" ] && kill -0 "$SYNTH_PID" 2>/dev/null; then
    row $(((now - START) / 60))
    next_row=$((next_row + EVERY * 60))
  fi
done
wait "$SENSOR_PID" && SENSOR_EXIT=0 || SENSOR_EXIT=$?
END=$(date +%s)
# final row: after end of input, the drain and exit (no JVM left to ask for its heap)
cut=$(last_cut)
young=$(young_max "$win_line")
ROWS+=("| end ($(((END - START) / 60)) min) | - | ${young:--} | - | - | - | $(field 1 "$cut") | $(field 2 "$cut") | $(($(center_answers 201) - SETUP)) | $(center_answers 200) | $(spooled) | $(cut -d' ' -f1 /proc/loadavg) |")
FULL=$(grep -c 'Pause Full' "$RUN/sensor-gc.log" || true)
YOUNG=$(grep -c 'Pause Young' "$RUN/sensor-gc.log" || true)
{
  echo "# Sensor soak $STAMP"
  echo
  echo "\`bench/sensor/soak.sh --minutes $MINUTES --pps $PPS --sources $SOURCES --every $EVERY\` (commit $COMMIT),"
  echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -r), $("$JAVA" -version 2>&1 | head -n1)."
  echo "Sensor: \`-Xmx512m -XX:+UseG1GC\`, \`--interval $INTERVAL\`; generator: $PPS packets/s of 60-byte SYNs, $SOURCES sources each scanning one port."
  echo "Heap after full GC: \`jcmd GC.run\` then \`GC.heap_info\` (used); young figures from \`-Xlog:gc\`."
  echo "Started $(date -u -d @"$START" +%FT%TZ), ended $(date -u -d @"$END" +%FT%TZ); sensor exit code $SENSOR_EXIT."
  echo
  echo "$header"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "GC over the run: $YOUNG young pauses, $FULL full (the full ones are this script's \`GC.run\`)."
  echo
  echo "Sensor's last lines:"
  echo '```'
  tail -n 4 "$RUN/sensor.log"
  tail -n 1 "$RUN/synth.log"
  echo '```'
} >"$OUT"
echo
cat "$OUT"
echo
echo "soak: written to $OUT (logs in $RUN)"
