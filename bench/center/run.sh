#!/usr/bin/env bash
# Runs the center benchmarks end to end and prints a results table:
#   ingest     TAXII POST throughput into the embedded store
#   get        wrk: TAXII GET of 100-object pages with a type filter, 50 connections, on a store of --store-size
#   latency    POST -> visible on SSE and through TAXII GET
#   pg         TAXII POST throughput into the machine's PostgreSQL (127.0.0.1:5432, a throwaway database)
# It starts its own servers on free loopback ports with fresh data in a temp dir,
# and stops and removes everything on exit. See bench/center/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ONLY="ingest,get,latency,pg"
STORE_SIZE=1000000
INGEST_COUNT=200000
PG_COUNT=200000
BATCH=5000
CONNECTIONS=4
WRK_DURATION=30s
# one wrk thread keeps 50 connections busy; on 2 cores a second one mostly takes CPU from the server
WRK_THREADS=${WRK_THREADS:-1}
LATENCY_COUNT=500
PROFILE=""
PG_STATEMENTS=""
PG_HOST=127.0.0.1
PG_PORT=5432
WARM=""

usage() {
  cat <<USAGE
usage: bench/center/run.sh [options]
  --only LIST          benchmarks to run, comma-separated: ingest,get,latency,pg (default: all)
  --store-size N       objects in the store for the GET test (default 1000000; e.g. 100000 for a quick run)
  --ingest-count N     objects in the measured embedded ingest (default 200000)
  --pg-count N         objects in the measured PostgreSQL ingest (default 200000)
  --batch N            objects per TAXII envelope (default 5000)
  --connections N      concurrent POST connections (default 4)
  --wrk-duration D     wrk duration (default 30s)
  --latency-count N    single-object POSTs in the latency test (default 500)
  --profile            record JFR on the servers; recordings land in bench/results/
  --pg-statements      log every statement of the embedded PostgreSQL with its duration
                       (log_min_duration_statement=0) and print the time per statement kind
  --warm               after the embedded ingest, a second one of the same size in the same server JVM
                       (JIT-compiled, caches filled): the steady state of a running center
  --quick              --store-size 100000 --ingest-count 50000 --pg-count 50000 --wrk-duration 10s --latency-count 200
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --store-size) STORE_SIZE="$2"; shift 2 ;;
    --ingest-count) INGEST_COUNT="$2"; shift 2 ;;
    --pg-count) PG_COUNT="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --wrk-duration) WRK_DURATION="$2"; shift 2 ;;
    --latency-count) LATENCY_COUNT="$2"; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --pg-statements) PG_STATEMENTS=1; shift ;;
    --warm) WARM=1; shift ;;
    --quick) STORE_SIZE=100000; INGEST_COUNT=50000; PG_COUNT=50000; WRK_DURATION=10s; LATENCY_COUNT=200; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

thousands() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
say() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ] || [ "$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')" -lt 25 ] 2>/dev/null; then
  for j in /usr/lib/jvm/*25* /usr/lib/jvm/*; do [ -x "$j/bin/javac" ] && "$j/bin/java" -version 2>&1 | grep -q 'version "2[5-9]' && { JAVA_HOME="$j"; break; }; done
fi
export JAVA_HOME
[ -x "${JAVA_HOME:-}/bin/javac" ] || die "no JDK 25 found under /usr/lib/jvm; set JAVA_HOME"
for t in curl jq; do command -v "$t" >/dev/null || die "$t is needed (apt-get install -y $t)"; done
wants get && { command -v wrk >/dev/null || die "wrk is needed for the GET test (apt-get install -y wrk)"; }
wants pg && { command -v psql >/dev/null || die "psql is needed for the PostgreSQL test (apt-get install -y postgresql-client)"; }

WORK="$(mktemp -d /tmp/renkei-bench.XXXXXX)"
RESULTS_DIR="$ROOT/bench/results"
mkdir -p "$RESULTS_DIR"
STAMP="$(date -u +%Y-%m-%dT%H%MZ)"
REPORT="$RESULTS_DIR/center-$STAMP.md"
ADMIN_TOKEN="bench-admin-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SERVER_PID=""
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system clock ticks of a process
PG_DB=""
declare -a ROWS=()

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$SERVER_PID" 2>/dev/null && { echo "run.sh: server $SERVER_PID did not stop; killing it" >&2; kill -KILL "$SERVER_PID" 2>/dev/null || true; }
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  local rc=$?
  stop_server
  if [ -n "$PG_DB" ]; then
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -qAt -c "drop database if exists \"$PG_DB\" with (force)" >/dev/null 2>&1 || true
  fi
  if [ $rc -ne 0 ] && [ -d "$WORK" ]; then
    mkdir -p "$RESULTS_DIR/failed-$STAMP"; cp "$WORK"/*.log "$RESULTS_DIR/failed-$STAMP/" 2>/dev/null || true
    echo "run.sh: failed (exit $rc); server logs kept in $RESULTS_DIR/failed-$STAMP" >&2
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # a free loopback TCP port, from the kernel
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# --- build -------------------------------------------------------------------
say "building the center (if sources changed) and the benchmark clients"
(cd "$ROOT" && ./renkei build >/dev/null)
mkdir -p "$WORK/classes"
CP="$ROOT/center/target/renkei.jar:$ROOT/center/target/lib/*"
"$JAVA_HOME/bin/javac" -nowarn -d "$WORK/classes" -cp "$CP" "$ROOT"/center/src/test/java/org/renkei/bench/*.java
# The clients share the cores with the server: C1 only (-XX:TieredStopAtLevel=1), since their work is
# copying bytes to sockets and C2 compiling HttpClient's code cost more CPU than it saved in a short run.
bench_java() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx3g -cp "$WORK/classes:$CP" "$@"; }

# --- server ------------------------------------------------------------------
# start_server LABEL [serve options...]: a fresh center on a free port; sets BASE
start_server() {
  local label="$1"; shift
  local port dbport opts=""
  port=$(free_port); dbport=$(free_port); DBPORT=$dbport
  [ -n "$PROFILE" ] && opts="-XX:StartFlightRecording=filename=$RESULTS_DIR/center-$STAMP-$label.jfr,settings=profile,dumponexit=true"
  say "starting the center ($label) on 127.0.0.1:$port"
  (cd "$WORK" && RENKEI_ADMIN_TOKEN="$ADMIN_TOKEN" RENKEI_DB_EMBEDDED_PORT="$dbport" RENKEI_JAVA_OPTS="$opts ${RENKEI_JAVA_OPTS:-}" \
     exec "$ROOT/renkei" serve --host 127.0.0.1 --port "$port" --data "$WORK/data-$label" "$@" >"$WORK/server-$label.log" 2>&1) &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "$BASE/health" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -30 "$WORK/server-$label.log" >&2; die "the center ($label) exited during start"; }
    sleep 0.5
  done
  tail -30 "$WORK/server-$label.log" >&2; die "the center ($label) did not answer /health within 120 s"
}

# pg_statements_on / pg_statements_report: with --pg-statements, the embedded PostgreSQL logs
# every statement's duration; the report sums them per statement (first 60 characters).
pg_statements_on() {
  [ -n "$PG_STATEMENTS" ] || return 0
  psql -h 127.0.0.1 -p "$DBPORT" -U postgres -d renkei -qAt \
    -c "alter system set log_min_duration_statement = 0" -c "select pg_reload_conf()" >/dev/null
}
pg_statements_report() { # label
  [ -n "$PG_STATEMENTS" ] || return 0
  local log; log=$(find "$WORK/data-$1" -maxdepth 1 -name 'postgres*.log' | head -1)
  [ -n "$log" ] || { echo "  (no embedded PostgreSQL log found)" >&2; return 0; }
  cp "$log" "$RESULTS_DIR/center-$STAMP-$1-postgres.log"
  say "PostgreSQL time per statement ($1; full log in bench/results/center-$STAMP-$1-postgres.log)"
  python3 - "$log" <<'PY' >&2
import re, sys, collections
tot = collections.Counter(); cnt = collections.Counter(); cur = None
for line in open(sys.argv[1], errors='replace'):
    m = re.search(r'duration: ([0-9.]+) ms\s+(?:statement|execute [^:]*|bind [^:]*|parse [^:]*): (.*)', line)
    if m:
        key = ' '.join(m.group(2).split())[:60]
        kind = 'bind' if ' bind ' in line else 'parse' if ' parse ' in line else 'exec'
        tot[(kind, key)] += float(m.group(1)); cnt[(kind, key)] += 1
all_ms = sum(tot.values())
for (kind, key), ms in tot.most_common(25):
    print(f"  {ms/1000:8.2f} s {100*ms/max(all_ms,1):5.1f}% {cnt[(kind,key)]:7d}x  {kind:5s} {key}")
PY
}

# setup_member: a member and its token; sets MEMBER_ID, TOKEN, COLLECTION
setup_member() {
  MEMBER_ID=$(curl -fsS -X POST "$BASE/api/v1/members" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"Bench Bank","type":"operator","sector":"finance"}' | jq -r .id)
  TOKEN=$(curl -fsS -X POST "$BASE/api/v1/members/$MEMBER_ID/tokens" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d '{"role":"member"}' | jq -r .token)
  [ -n "$MEMBER_ID" ] && [ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "could not create the benchmark member and token"
  # The community collection takes TLP:CLEAR/GREEN only; while the server does not
  # recognise the TLP marking it refuses GREEN indicators there: then use the member's own collection.
  local probe st
  probe='{"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-000000000001","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '"'"'192.0.2.1'"'"']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00.000Z","object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}]}'
  st=$(curl -fsS -X POST "$BASE/taxii2/api1/collections/community/objects/" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/taxii+json;version=2.1' -H 'Accept: application/taxii+json;version=2.1' -d "$probe" | jq -r .id)
  sleep 0.5
  if [ "$(curl -fsS "$BASE/taxii2/api1/status/$st/" -H "Authorization: Bearer $TOKEN" | jq -r .failure_count)" = 0 ]; then
    COLLECTION=community
  else
    COLLECTION="member-$MEMBER_ID"
    echo "  note: the community collection refused a TLP:GREEN indicator; posting to and reading from $COLLECTION" >&2
  fi
  echo "  member $MEMBER_ID, collection $COLLECTION" >&2
}

# result LINE_PREFIX FILE KEY: a value from a RESULT line
result() { { grep "^RESULT $1 " "$2" || true; } | tr " " "\n" | sed -n "s/^$3=//p" | tail -1; }

# cpu_split PID [DB]: CPU seconds used so far by the server PID and its descendants, split into
# the JVM ("java") and the embedded PostgreSQL ("postgres", its exited children included), plus,
# with DB, the backends of an external PostgreSQL serving that database (exited ones are lost:
# the pool keeps its connections for the whole run).
cpu_split() {
  python3 - "$@" <<'PY'
import os, sys
hz = os.sysconf('SC_CLK_TCK'); root = int(sys.argv[1]); db = sys.argv[2] if len(sys.argv) > 2 else None
kids, cpu, comm, cmd = {}, {}, {}, {}
for p in filter(str.isdigit, os.listdir('/proc')):
    try:
        s = open(f'/proc/{p}/stat').read(); c = open(f'/proc/{p}/cmdline', 'rb').read().decode(errors='replace')
    except OSError:
        continue
    f = s[s.rindex(')') + 2:].split(); p = int(p)
    kids.setdefault(int(f[1]), []).append(p)
    cpu[p] = [int(x) / hz for x in f[11:15]]; comm[p] = s[s.index('(') + 1:s.rindex(')')]; cmd[p] = c
out = {'java': 0.0, 'postgres': 0.0, 'other': 0.0}
pg = {}
jvms = []
todo = [root]
while todo:
    p = todo.pop(); todo += kids.get(p, [])
    if p not in cpu: continue
    u, s_, cu, cs = cpu[p]
    kind = 'java' if comm[p] == 'java' else 'postgres' if comm[p] in ('postgres', 'unshare') or 'postgres' in cmd[p] else 'other'
    out[kind] += u + s_
    if kind == 'java': jvms.append(p)
    if kind == 'postgres':
        out[kind] += cu + cs   # backends that exited
        title = cmd[p].replace('\0', ' ')
        role = ('autovacuum' if 'autovacuum' in title else 'walwriter' if 'walwriter' in title else
                'checkpointer' if 'checkpointer' in title or 'background writer' in title else
                'backends' if '(' in title else 'postmaster')
        pg[role] = pg.get(role, 0) + u + s_
        if cu + cs: pg['exited'] = pg.get('exited', 0) + cu + cs
if db:
    out['postgres'] += sum(sum(cpu[p][:2]) for p in cpu if comm[p] == 'postgres' and f' {db} ' in cmd[p].replace('\0', ' '))
# the JVM's threads by kind: compilers and GC are the JVM's own overhead, the rest is the application
jit = gc = 0.0
for p in jvms:
    try:
        tasks = os.listdir(f'/proc/{p}/task')
    except OSError:
        continue
    for t in tasks:
        try:
            s = open(f'/proc/{p}/task/{t}/stat').read()
        except OSError:
            continue
        name = s[s.index('(') + 1:s.rindex(')')]; f = s[s.rindex(')') + 2:].split()
        used = (int(f[11]) + int(f[12])) / hz
        if 'Compiler' in name: jit += used
        elif name.startswith(('G1 ', 'GC ', 'VM Thread')): gc += used
print(f"{out['java']:.2f} {out['postgres']:.2f} {jit:.2f} {gc:.2f} " + ','.join(f'{k}={v:.2f}' for k, v in sorted(pg.items())))
PY
}

run_ingest() { # label count seed first
  local label="$1" count="$2" seed="$3" first="${4:-0}" before after
  before=$(cpu_split "$SERVER_PID" ${PG_DB:-})
  local walb; walb=$(wal_stats)
  bench_java org.renkei.bench.IngestBench --base "$BASE" --token "$TOKEN" --collection "$COLLECTION" --count "$count" \
    --batch "$BATCH" --connections "$CONNECTIONS" --seed "$seed" --first "$first" --label "$label" | tee "$WORK/$label.out"
  after=$(cpu_split "$SERVER_PID" ${PG_DB:-})
  # CPU per object is what a busy 2-core machine cannot blur: report it next to the rate
  CPU_NOTE=$(python3 -c '
import sys
def parse(a):
    f = a.split()
    return list(map(float, f[:4])), dict((k, float(v)) for k, v in (x.split("=") for x in (f[4].split(",") if len(f) > 4 else [])))
((jb, pb, cb, gb), kb), ((ja, pa, ca, ga), ka) = parse(sys.argv[1]), parse(sys.argv[2]); c = float(sys.argv[3] or 0); n = int(sys.argv[4])
j, p = ja - jb, pa - pb
split = ", ".join(f"{k} {1e6*(v-kb.get(k,0))/n:.0f}" for k, v in sorted(ka.items()) if v - kb.get(k, 0) > 0.005)
print(f"CPU per 1,000 objects: server JVM {1e6*j/n:.0f} ms (of which JIT {1e6*(ca-cb)/n:.0f}, GC {1e6*(ga-gb)/n:.0f}), "
      f"PostgreSQL {1e6*p/n:.0f} ms" + (f" ({split})" if split else "") + f", client {1e6*c/n:.0f} ms")' \
    "$before" "$after" "$(result "$label" "$WORK/$label.out" client_cpu_s)" "$count")
  echo "  $label: $CPU_NOTE; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  [ -z "$walb" ] || python3 -c '
import sys
b, a = (list(map(float, x.split("|"))) for x in sys.argv[1:3]); n = int(sys.argv[3])
print(f"  WAL: {(a[2]-b[2])/n:,.0f} bytes per object, {(a[1]-b[1])/n:.2f} full-page images per object, {a[3]-b[3]:.0f} checkpoints")' \
    "$walb" "$(wal_stats)" "$count" >&2
}

# latency_cpu BEFORE AFTER LABEL...: the server's CPU per posted object over a latency pass (JVM and
# embedded PostgreSQL) and the load: wall-clock latencies on a shared machine follow the load, this less so
latency_cpu() {
  local b="$1" a="$2"; shift 2
  python3 -c '
import sys
b, a, n = sys.argv[1].split(), sys.argv[2].split(), int(sys.argv[3])
print(f"  latency {sys.argv[4]}: server CPU per object: JVM {1e3*(float(a[0])-float(b[0]))/n:.2f} ms (JIT {1e3*(float(a[2])-float(b[2]))/n:.2f}, GC {1e3*(float(a[3])-float(b[3]))/n:.2f}), "
      f"PostgreSQL {1e3*(float(a[1])-float(b[1]))/n:.2f} ms; load {sys.argv[5]}")' "$b" "$a" "$LATENCY_COUNT" "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

# wal_stats: records|full-page images|bytes|checkpoints of the embedded PostgreSQL (empty for an external one)
wal_stats() {
  [ -z "${PG_DB:-}" ] || return 0
  psql -h 127.0.0.1 -p "$DBPORT" -U postgres -d renkei -qAt -c \
    "select w.wal_records, w.wal_fpi, w.wal_bytes, c.num_timed + c.num_requested from pg_stat_wal w, pg_stat_checkpointer c" 2>/dev/null || true
}

# --- what else runs here -----------------------------------------------------
MACHINE="$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB RAM, $(uname -r); load before start: $(cut -d' ' -f1-3 /proc/loadavg)"
OTHERS="$(ps -eo pcpu,comm --sort=-pcpu | awk 'NR>1 && $1>5 {printf "%s(%s%%) ", $2, $1}')"
say "machine: $MACHINE; busy processes: ${OTHERS:-none}"

# --- embedded store: ingest, load, GET, latency ------------------------------
if wants ingest || wants get || wants latency; then
  start_server embedded
  pg_statements_on
  setup_member
  loaded=0
  if wants ingest; then
    say "ingest into the embedded store: $INGEST_COUNT indicators, envelopes of $BATCH, $CONNECTIONS connections"
    run_ingest ingest-embedded "$INGEST_COUNT" 1
    r=$(result ingest-embedded "$WORK/ingest-embedded.out" rate)
    ROWS+=("| ingest, embedded PostgreSQL | $(thousands "$INGEST_COUNT") indicators, TAXII POST, envelopes of $BATCH, $CONNECTIONS connections | **$(thousands "$r") objects/s** (durable: first POST → last status complete); $CPU_NOTE | ≥ 20,000/s |")
    loaded=$INGEST_COUNT
    if [ -n "$WARM" ]; then
      say "warm ingest: another $INGEST_COUNT indicators into the same server JVM"
      run_ingest ingest-warm "$INGEST_COUNT" 4
      r=$(result ingest-warm "$WORK/ingest-warm.out" rate)
      ROWS+=("| ingest, embedded PostgreSQL, warm (second run, same JVM) | $(thousands "$INGEST_COUNT") more indicators onto $(thousands "$INGEST_COUNT"), same path | **$(thousands "$r") objects/s**; $CPU_NOTE | ≥ 20,000/s |")
      loaded=$((loaded + INGEST_COUNT))
    fi
  fi
  if wants get; then
    if [ "$loaded" -lt "$STORE_SIZE" ]; then
      rest=$((STORE_SIZE - loaded))
      say "loading the store to $STORE_SIZE objects through the same TAXII POST path ($rest more)"
      run_ingest load-embedded "$rest" 2
      r=$(result load-embedded "$WORK/load-embedded.out" rate)
      ROWS+=("| load to $(thousands "$STORE_SIZE"), embedded | $(thousands "$rest") more indicators, same path, built on the fly | $(thousands "$r") objects/s | — |")
    fi
    # A server in steady state has planner statistics for its table; right after a bulk
    # load it may not (autovacuum analyzes within a minute or two), and the GET plan is
    # then far worse. Wait for autoanalyze, bounded, and say how long it took.
    waited=0; analyzed=no
    while [ $waited -lt 150 ]; do
      stale=$(psql -h 127.0.0.1 -p "$DBPORT" -U postgres -d renkei -qAt -c \
        "select coalesce(n_mod_since_analyze, 0) > 0.1 * greatest(n_live_tup, 1) or last_autoanalyze is null from pg_stat_user_tables where relname = 'stix_object'" 2>/dev/null || echo t)
      [ "$stale" = f ] && { analyzed=yes; break; }
      [ $waited = 0 ] && echo "  waiting for autovacuum to analyze stix_object (at most 150 s)..." >&2
      sleep 5; waited=$((waited + 5))
    done
    echo "  autoanalyze done: $analyzed (waited $waited s)" >&2
    URL="$BASE/taxii2/api1/collections/$COLLECTION/objects/?match%5Btype%5D=indicator&limit=100"
    n=$(curl -fsS "$URL" -H "Authorization: Bearer $TOKEN" -H 'Accept: application/taxii+json;version=2.1' | jq '.objects | length')
    [ "$n" = 100 ] || die "the GET page has $n objects, not 100"
    say "GET warm-up (5 s), then wrk -t"$WRK_THREADS" -c50 -d$WRK_DURATION --latency on $URL"
    wrk -t"$WRK_THREADS" -c50 -d5s -H "Authorization: Bearer $TOKEN" -H 'Accept: application/taxii+json;version=2.1' "$URL" >/dev/null
    # one run as wrk sends by default, one with the Accept-Encoding that HTTP libraries such as
    # Python's requests (taxii2-client) send: the server keeps each cached page gzipped too
    for encoding in identity gzip; do
      cpu_before=$(cpu_ticks "$SERVER_PID")
      wrk -t"$WRK_THREADS" -c50 -d"$WRK_DURATION" --latency -H "Authorization: Bearer $TOKEN" -H 'Accept: application/taxii+json;version=2.1' \
        -H "Accept-Encoding: $encoding" "$URL" | tee "$WORK/wrk.out" >&2
      cpu_after=$(cpu_ticks "$SERVER_PID")
      requests=$(awk '/requests in/{print $1}' "$WORK/wrk.out")
      # the server JVM's CPU (user + system) per request: steadier than wall-clock figures on a shared machine
      cpu_us=$(( (cpu_after - cpu_before) * 1000000 / $(getconf CLK_TCK) / (requests > 0 ? requests : 1) ))
      say "Accept-Encoding: $encoding: server JVM CPU per request: ${cpu_us} µs"
      rps=$(awk '/^Requests\/sec/{print $2}' "$WORK/wrk.out")
      pct() { awk -v p="$1" '$1==p{print $2}' "$WORK/wrk.out"; }
      non2xx=$(awk '/Non-2xx/{print $NF}' "$WORK/wrk.out"); non2xx=${non2xx:-0}
      ROWS+=("| TAXII GET, 100-object page, match[type]=indicator, Accept-Encoding: $encoding | wrk -t$WRK_THREADS -c50 -d$WRK_DURATION on $(thousands "$STORE_SIZE") objects (non-2xx: $non2xx; autoanalyzed: $analyzed after ${waited}s) | **$rps req/s**; p50 $(pct 50%), p90 $(pct 90%), p99 $(pct 99%); server JVM CPU $cpu_us µs/request | ≥ 5,000 req/s, p99 < 20 ms |")
    done
  fi
  if wants latency; then
    STORED=$(psql -h 127.0.0.1 -p "$DBPORT" -U postgres -d renkei -qAt -c "select count(*) from stix_object")
    say "latency: $LATENCY_COUNT single-object POSTs, one every 20 ms, watched on SSE and TAXII GET"
    before=$(cpu_split "$SERVER_PID")
    bench_java org.renkei.bench.LatencyBench --base "$BASE" --token "$TOKEN" --collection "$COLLECTION" \
      --count "$LATENCY_COUNT" --interval-ms 20 --mode sse --seed 7 --label latency | tee "$WORK/latency.out"
    latency_cpu "$before" "$(cpu_split "$SERVER_PID")" pass 1
    say "latency, second pass: the same, each object also polled through TAXII GET match[id] every 5 ms"
    before=$(cpu_split "$SERVER_PID")
    bench_java org.renkei.bench.LatencyBench --base "$BASE" --token "$TOKEN" --collection "$COLLECTION" \
      --count "$LATENCY_COUNT" --interval-ms 20 --mode taxii --seed 8 --label latency2 | tee -a "$WORK/latency.out"
    latency_cpu "$before" "$(cpu_split "$SERVER_PID")" pass 2
    f="$WORK/latency.out"
    lrow() { # label what target
      ROWS+=("| latency: POST → $2 | $(result "$1" "$f" seen)/$LATENCY_COUNT objects, one every 20 ms, store of $(thousands "$STORED") | p50 $(result "$1" "$f" p50_ms) ms, p90 $(result "$1" "$f" p90_ms) ms, p99 **$(result "$1" "$f" p99_ms) ms**, max $(result "$1" "$f" max_ms) ms | $3 |")
    }
    lrow latency_sse "event on SSE (pass 1)" "p99 < 100 ms"
    lrow latency_post "202 answer (pass 1)" "—"
    lrow latency2_taxii "visible in TAXII GET match[id] (pass 2, polled every 5 ms)" "p99 < 100 ms"
    lrow latency2_sse "event on SSE (pass 2, under the polling load)" "—"
  fi
  say "stopping the embedded center"
  stop_server
  pg_statements_report embedded
fi

# --- external PostgreSQL -----------------------------------------------------
if wants pg; then
  PG_DB="renkei_bench_$(date +%s)_$$"
  say "creating the throwaway database $PG_DB on $PG_HOST:$PG_PORT"
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -qAt -c "create database \"$PG_DB\"" >/dev/null
  start_server pg --db "jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB" --db-user postgres
  setup_member
  say "ingest into PostgreSQL at $PG_HOST:$PG_PORT: $PG_COUNT indicators, envelopes of $BATCH, $CONNECTIONS connections"
  run_ingest ingest-pg "$PG_COUNT" 3
  r=$(result ingest-pg "$WORK/ingest-pg.out" rate)
  ROWS+=("| ingest, PostgreSQL $(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -qAt -c 'show server_version' | cut -d' ' -f1) at $PG_HOST:$PG_PORT | $(thousands "$PG_COUNT") indicators, TAXII POST, envelopes of $BATCH, $CONNECTIONS connections | **$(thousands "$r") objects/s**; $CPU_NOTE | ≥ 10,000/s |")
  stop_server
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -qAt -c "drop database if exists \"$PG_DB\" with (force)" >/dev/null
  PG_DB=""
fi

# --- report ------------------------------------------------------------------
{
  echo "# Center benchmarks, $STAMP"
  echo
  echo "Commit $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- center/src/main || echo ' (with uncommitted changes)'); $MACHINE."
  echo "Busy processes at start: ${OTHERS:-none}. Collection: $COLLECTION. Client and server share the machine."
  echo
  echo "| benchmark | setup | result | target |"
  echo "|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$REPORT"
say "results (also in $REPORT)"
cat "$REPORT"
