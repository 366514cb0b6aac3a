#!/usr/bin/env bash
# Decode throughput: `dbtrail binlog decode` against `mariadb-binlog -vv` on the
# same 1,000,000-row-event binlog (bench/gen_workload.sql). See bench/README.md.
#   bench/decode_bench.sh             build, generate, time (about 3-5 minutes)
# dbtrail is timed twice: --threads 1 and the default (one thread per core).
# Knobs: RUNS (default 5), SKIP_BUILD=1, KEEP_BENCH_DIR=1, DBTRAIL=path,
# BENCH_FILE=path (time a binlog kept from an earlier run; no server, no generation).
RUNS=${RUNS:-5}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v mariadb-binlog >/dev/null || { echo "bench: mariadb-binlog missing (scripts/setup.sh)" >&2; exit 1; }

bench_dir dbtrail-bench
bench_binlog
size=$FILE_SIZE

rows=$("$DBTRAIL" binlog decode "$FILE" </dev/null | wc -l)
ref_rows=$(mariadb-binlog --base64-output=decode-rows -vv "$FILE" </dev/null |
  grep -cE '^### (INSERT INTO|UPDATE|DELETE FROM) ')
say "row events: dbtrail printed $rows lines, mariadb-binlog shows $ref_rows rows"
if [[ $rows != "$ref_rows" ]]; then
  say "WARNING: the two tools disagree on the number of row events"
fi

if cmp -s <("$DBTRAIL" binlog decode --threads 1 "$FILE" </dev/null) \
  <("$DBTRAIL" binlog decode "$FILE" </dev/null); then
  say "output: --threads 1 and the default are byte-identical"
else
  say "WARNING: --threads 1 and the default print different output"
fi

DBT1_CMD="$DBTRAIL binlog decode --threads 1 $FILE"
DBTN_CMD="$DBTRAIL binlog decode $FILE"
REF_CMD="mariadb-binlog --base64-output=decode-rows -vv $FILE"
cores=$(nproc)
threads=$((cores < 8 ? cores : 8))  # the CLI default: one per core, at most 8

if command -v hyperfine >/dev/null; then
  json=$BENCH_DIR/hyperfine.json
  hyperfine --runs "$RUNS" --warmup 1 --style basic --export-json "$json" \
    --command-name "dbtrail --threads 1" "$DBT1_CMD > /dev/null" \
    --command-name "dbtrail (default threads)" "$DBTN_CMD > /dev/null" \
    --command-name mariadb-binlog "$REF_CMD > /dev/null" </dev/null >&2
  mapfile -t medians < <(grep -o '"median": *[0-9.eE+-]*' "$json" | sed 's/.*: *//')
  dbt1_median=${medians[0]}
  dbtn_median=${medians[1]}
  ref_median=${medians[2]}
else
  say "hyperfine missing: timing with a plain loop"
  time_runs() {
    local i t
    bash -c "$1 > /dev/null" </dev/null  # warm-up
    for ((i = 0; i < RUNS; i++)); do
      t=$(date +%s%N)
      bash -c "$1 > /dev/null" </dev/null
      awk -v ns="$(($(date +%s%N) - t))" 'BEGIN { printf "%.6f\n", ns / 1e9 }'
    done | median_of
  }
  dbt1_median=$(time_runs "$DBT1_CMD")
  dbtn_median=$(time_runs "$DBTN_CMD")
  ref_median=$(time_runs "$REF_CMD")
fi

awk -v d1="$dbt1_median" -v dn="$dbtn_median" -v r="$ref_median" -v n="$rows" \
    -v mib="$((size / 1048576))" -v cores="$cores" -v threads="$threads" 'BEGIN {
  printf "\nbinlog: %d MiB, %d row events; %d cores\n", mib, n, cores
  printf "dbtrail --threads 1             median %8.3f s   %12.0f row events/s   %7.1f MiB/s   %6.2fx mariadb-binlog\n", d1, n / d1, mib / d1, r / d1
  printf "dbtrail (default: %2d threads)   median %8.3f s   %12.0f row events/s   %7.1f MiB/s   %6.2fx mariadb-binlog\n", threads, dn, n / dn, mib / dn, r / dn
  printf "mariadb-binlog -vv (reference)  median %8.3f s   %12.0f row events/s   %7.1f MiB/s\n", r, n / r, mib / r
  printf "threads speed-up: %.2fx\n", d1 / dn
}'
