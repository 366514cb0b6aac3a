#!/usr/bin/env bash
# Network vs file: `dbtrail binlog dump` (replication protocol, decoded) against
# `dbtrail binlog decode` of the same server's files, on the 1,000,000-row-event
# workload of bench/gen_workload.sql. Checks the two outputs are byte-identical,
# then prints wall time, row events/s and peak RSS of each. See bench/README.md.
#   bench/dump_bench.sh          (about 1 minute)
# Knobs: RUNS (default 3), SKIP_BUILD=1, KEEP_BENCH_DIR=1, DBTRAIL=path.
RUNS=${RUNS:-3}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_dir dbtrail-dump-bench
bench_sandbox
bench_generate

# The password goes through the environment, never the command line.
export DBTRAIL_SOURCE_PASSWORD
DBTRAIL_SOURCE_PASSWORD=$(cat "$SANDBOX_PASSWORD_FILE")
DSN="$SANDBOX_USER@tcp(127.0.0.1:$SANDBOX_PORT)/"
mapfile -t FILES <"$SANDBOX_BINLOG_DIR/mysql-bin.index"

"$DBTRAIL" binlog decode "${FILES[@]}" >"$BENCH_DIR/files.jsonl"
"$DBTRAIL" binlog dump --source-dsn "$DSN" --server-id 4001 >"$BENCH_DIR/dump.jsonl"
ROWS=$(wc -l <"$BENCH_DIR/files.jsonl")
if cmp -s "$BENCH_DIR/files.jsonl" "$BENCH_DIR/dump.jsonl"; then
  say "outputs identical: $ROWS row events"
else
  echo "bench: binlog dump and binlog decode outputs DIFFER (kept in $BENCH_DIR)" >&2
  KEEP_BENCH_DIR=1
  exit 1
fi

measure() { # name command...
  local name=$1 best="" rss=""
  shift
  for ((i = 0; i < RUNS; i++)); do
    local out
    out=$( { /usr/bin/time -f '%e %M' "$@" >/dev/null; } 2>&1 | tail -n 1)
    local t=${out% *} m=${out#* }
    if [[ -z $best ]] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    rss=$m
  done
  awk -v n="$name" -v t="$best" -v r="$ROWS" -v m="$rss" \
    'BEGIN{printf "%-8s best %.2f s  %8.0f row events/s  peak RSS %.0f MiB\n", n, t, r / t, m / 1024}'
}
measure decode "$DBTRAIL" binlog decode "${FILES[@]}"
measure dump "$DBTRAIL" binlog dump --source-dsn "$DSN" --server-id 4001
