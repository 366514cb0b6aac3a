#!/usr/bin/env bash
# Replication lag and memory of `dbtrail stream` under a sysbench oltp_write_only
# load on a private MariaDB. See bench/README.md.
#   bench/stream_bench.sh     build, prepare 4 x 100,000 rows, 60 s of load (about 2-3 minutes)
#
# Lag is measured with probes, not binlog timestamps (1 s resolution): every
# PROBE_MS a side loop inserts (seq, UNIX_TIMESTAMP(NOW(6))) into probe.probe;
# a watcher looks the next probe up in the index (`dbtrail query --pk`) and,
# the first time it is visible, records lag = time the lookup returned - ts. So each
# lag is an upper bound, off by at most one poll (the mean poll time is printed).
# Memory: VmRSS and VmHWM of the stream process sampled every 0.5 s.
#
# Knobs: DURATION (s, default 60), THREADS (default 4), RATE (sysbench --rate,
# default 0 = unlimited), TABLES (4), TABLE_SIZE (100000), PROBE_MS (150),
# STREAM_ARGS (extra `dbtrail stream` flags, e.g. "--batch-size 500"),
# SKIP_BUILD=1, KEEP_BENCH_DIR=1, DBTRAIL=path.
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DURATION=${DURATION:-60}
THREADS=${THREADS:-4}
RATE=${RATE:-0}
TABLES=${TABLES:-4}
TABLE_SIZE=${TABLE_SIZE:-100000}
PROBE_MS=${PROBE_MS:-150}
STREAM_ARGS=${STREAM_ARGS:-}
command -v sysbench >/dev/null || { echo "bench: sysbench missing (scripts/setup.sh)" >&2; exit 1; }

DIR=$(mktemp -d /tmp/dbtrail-stream-bench.XXXXXX)
IDX=$DIR/index
BG_PIDS=()
cleanup() {
  local p
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  bash "$ROOT/scripts/sandbox.sh" stop "$DIR" 2>/dev/null || true
  if [[ -n "${KEEP_BENCH_DIR:-}" ]]; then say "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting a private MariaDB in $DIR"
SANDBOX_OWNER_PID=$$ bash scripts/sandbox.sh start "$DIR" >/dev/null
# shellcheck disable=SC1091
source "$DIR/env"
root_sql() { mariadb --no-defaults --socket="$SANDBOX_SOCKET" -uroot --batch --skip-column-names "$@"; }

root_sql -e "CREATE DATABASE sbtest; CREATE DATABASE probe;
  CREATE TABLE probe.probe (seq INT NOT NULL PRIMARY KEY, ts DECIMAL(17,6) NOT NULL)"
SB=(sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1
  --mysql-port="$SANDBOX_PORT" --mysql-user="$SANDBOX_ADMIN_USER"
  --mysql-password="$(cat "$SANDBOX_ADMIN_PASSWORD_FILE")" --mysql-db=sbtest
  --tables="$TABLES" --table-size="$TABLE_SIZE" --mysql-ignore-errors=1213,1205)
say "sysbench prepare: $TABLES tables x $TABLE_SIZE rows"
"${SB[@]}" prepare </dev/null >"$DIR/prepare.log"

# The stream starts at the first byte of a fresh binlog file, so the binlog
# rows it must index are exactly those of the files from START_FILE on.
root_sql -e "FLUSH BINARY LOGS"
START_FILE=$(tail -n 1 "$SANDBOX_BINLOG_DIR/mysql-bin.index")
START_FILE=${START_FILE##*/}

export DBTRAIL_SOURCE_PASSWORD
DBTRAIL_SOURCE_PASSWORD=$(cat "$SANDBOX_PASSWORD_FILE")
"$DBTRAIL" init --index "sqlite:$IDX" >/dev/null
# shellcheck disable=SC2086  # STREAM_ARGS is a list of flags
"$DBTRAIL" stream --source-dsn "$SANDBOX_USER@tcp(127.0.0.1:$SANDBOX_PORT)/" \
  --index "sqlite:$IDX" --server-id 4242 --start-file "$START_FILE" --start-pos 4 \
  $STREAM_ARGS </dev/null 2>"$DIR/stream.log" &
STREAM_PID=$!
BG_PIDS+=("$STREAM_PID")
say "dbtrail stream running (pid $STREAM_PID) from $START_FILE:4"

# Memory sampler: "seconds-since-start VmRSS-kB VmHWM-kB" every 0.5 s.
(
  t0=$EPOCHREALTIME
  while [[ -r /proc/$STREAM_PID/status ]]; do
    awk -v t="$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')" \
      '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { if (r) print t, r, h }' \
      "/proc/$STREAM_PID/status" 2>/dev/null || true
    sleep 0.5
  done
) >"$DIR/rss.txt" &
BG_PIDS+=($!)

# Probe writer: one client session, one INSERT every PROBE_MS until the stop
# file appears; each row carries the source's clock at insert time.
probe_sleep=$(awk -v ms="$PROBE_MS" 'BEGIN { printf "%.3f", ms / 1000 }')
(
  i=0
  while [[ ! -e $DIR/stop-probes ]]; do
    i=$((i + 1))
    echo "INSERT INTO probe.probe VALUES ($i, UNIX_TIMESTAMP(NOW(6)));"
    sleep "$probe_sleep"
  done
  echo "INSERT INTO probe.probe VALUES (1000000000, UNIX_TIMESTAMP(NOW(6)));"  # end marker
) | root_sql &
BG_PIDS+=($!)

# Watcher: looks up the next probe by primary key (a lookup's cost does not
# grow with the index, unlike a scan of the probe table) and appends
# "seq ts visible" when it is there; probes commit in seq order, so the next
# one is the only one to wait for. Once probes have stopped it also looks for
# the end marker, and ends when that shows.
(
  next=1 polls=0 poll_us=0
  probe_row() {
    "$DBTRAIL" query --index "sqlite:$IDX" --schema probe --table probe --pk "$1" \
      --format json </dev/null 2>/dev/null |
      sed -n 's/.*"after":{"seq":\([0-9]*\),"ts":"\{0,1\}\([0-9.]*\).*/\1 \2/p'
  }
  while :; do
    t1=$EPOCHREALTIME
    row=$(probe_row "$next")
    t2=$EPOCHREALTIME
    polls=$((polls + 1))
    poll_us=$((poll_us + ${t2/./} - ${t1/./}))
    if [[ -n $row ]]; then
      echo "$row $t2" >>"$DIR/probes.txt"
      ((next == 1000000000)) && break
      next=$((next + 1))
      continue
    fi
    [[ -e $DIR/stop-probes ]] && next=1000000000
    sleep 0.02
  done
  echo "$polls $poll_us" >"$DIR/polls.txt"
) &
WATCHER_PID=$!
BG_PIDS+=("$WATCHER_PID")

sleep 2  # a few idle probes first: the stream is up and the watcher sees rows
say "sysbench oltp_write_only: $THREADS threads, ${DURATION} s, --rate=$RATE"
LOAD_START=$EPOCHREALTIME
"${SB[@]}" --threads="$THREADS" --time="$DURATION" --rate="$RATE" --report-interval=10 run \
  </dev/null >"$DIR/run.log"
LOAD_END=$EPOCHREALTIME
touch "$DIR/stop-probes"
say "load done; waiting for the end marker probe to reach the index"
for ((i = 0; i < 600; i++)); do  # up to 60 s
  kill -0 "$WATCHER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$WATCHER_PID" 2>/dev/null; then
  echo "bench: the end marker probe did not reach the index within 60 s" >&2
  exit 1
fi
wait "$WATCHER_PID" || true

kill -TERM "$STREAM_PID"
if ! wait "$STREAM_PID"; then
  echo "bench: dbtrail stream exited with an error:" >&2
  tail -n 20 "$DIR/stream.log" >&2
  exit 1
fi
sleep 0.6  # the sampler's last line

# Sanity: every row event of the binlog since START_FILE is in the index.
root_sql -e "FLUSH BINARY LOGS"
FILES=()
while read -r f; do
  [[ ${f##*/} < $START_FILE ]] || FILES+=("$SANDBOX_BINLOG_DIR/${f##*/}")
done <"$SANDBOX_BINLOG_DIR/mysql-bin.index"
binlog_rows=$("$DBTRAIL" binlog decode "${FILES[@]}" </dev/null | wc -l)
index_rows=$("$DBTRAIL" status --index "sqlite:$IDX" </dev/null | awk '/^total:/ { print $4 }')
stream_line=$(grep 'rows in' "$DIR/stream.log" | tail -n 1)

tps=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$DIR/run.log")
rps=$(sed -n 's/.*queries: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' "$DIR/run.log")

# Lag over the probes inserted while the load ran, less its last 10 s: with no
# traffic, a partial batch waits for the --checkpoint interval (10 s), before
# the load as after it. Those last probes show in the per-window line below.
awk -v start="$LOAD_START" -v end="$LOAD_END" \
  '$1 < 1000000000 && $2 >= start && $2 <= end - 10 { printf "%.6f\n", $3 - $2 }' \
  "$DIR/probes.txt" | sort -g >"$DIR/lags.txt"
read -r polls poll_us <"$DIR/polls.txt"
# Mean and max lag per 10 s of load: a lag that grows means the stream fell behind.
lag_windows=$(awk -v start="$LOAD_START" -v end="$LOAD_END" '
  $1 < 1000000000 && $2 >= start && $2 <= end {
    w = int(($2 - start) / 10); n[w]++; sum[w] += $3 - $2
    if ($3 - $2 > mx[w]) mx[w] = $3 - $2; if (w > last) last = w
  }
  END { for (w = 0; w <= last; w++) if (n[w]) printf " %d-%ds:%.0f/%.0f", w * 10, w * 10 + 10, sum[w] / n[w] * 1000, mx[w] * 1000 }' \
  "$DIR/probes.txt")

printf '\nload: sysbench oltp_write_only, %s threads, %s s, rate %s, %s tables x %s rows; %s cores, load average %s\n' \
  "$THREADS" "$DURATION" "$RATE" "$TABLES" "$TABLE_SIZE" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'sysbench: %s tps, %s queries/s\n' "${tps:-?}" "${rps:-?}"
awk -v polls="$polls" -v us="$poll_us" '
  { a[NR] = $1 }
  function pct(p,  i) { i = int(p * NR + 0.999999); if (i < 1) i = 1; return a[i] }
  END {
    if (NR == 0) { print "lag: no probes"; exit 1 }
    printf "lag over %d probes (load minus its last 10 s): p50 %.0f ms  p99 %.0f ms  max %.0f ms  (poll resolution ~%.0f ms)\n",
      NR, pct(0.50) * 1000, pct(0.99) * 1000, a[NR] * 1000, us / polls / 1000
  }' "$DIR/lags.txt"
echo "lag over time, mean/max ms per 10 s of load:$lag_windows"
awk '
  { t[NR] = $1; r[NR] = $2; if ($3 > h) h = $3 }
  END {
    q = int(NR / 4); if (q < 1) { print "rss: too few samples"; exit }
    for (i = 1; i <= q; i++) first += r[i]
    for (i = NR - q + 1; i <= NR; i++) last += r[i]
    lo = hi = r[NR - q + 1]
    for (i = NR - q + 1; i <= NR; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
    printf "stream RSS: peak (VmHWM) %.1f MiB; mean first quarter %.1f MiB, last quarter %.1f MiB (min %.1f, max %.1f); %d samples over %.0f s\n",
      h / 1024, first / q / 1024, last / q / 1024, lo / 1024, hi / 1024, NR, t[NR]
    printf "stream RSS over time (MiB):"
    for (i = 1; i <= NR; i += int(NR / 10) > 0 ? int(NR / 10) : 1) printf " %.0fs:%.1f", t[i], r[i] / 1024
    printf "\n"
  }' "$DIR/rss.txt"
printf 'rows: binlog %s, index %s  (%s)\n' "$binlog_rows" "$index_rows" "${stream_line#dbtrail stream: }"
if [[ $binlog_rows != "$index_rows" ]]; then
  echo "bench: the index holds $index_rows rows but the binlog has $binlog_rows" >&2
  exit 1
fi
echo "rows: index and binlog agree"
