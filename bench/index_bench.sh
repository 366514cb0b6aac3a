#!/usr/bin/env bash
# Index throughput: `dbtrail init` + `dbtrail index` of the 1,000,000-row-event
# binlog (bench/gen_workload.sql) into the embedded SQLite index (sqlite:DIR)
# and into an index database on a private MariaDB (mysql://), timed in the
# same run as the peer `mariadb-binlog -vv FILE > /dev/null`. See bench/README.md.
#   bench/index_bench.sh              build, generate, time (about 5 minutes)
# Prints per target the median wall time, median CPU time (user+sys of the
# dbtrail process), row events/s, the ratio against mariadb-binlog and the
# index size per row event.
# Knobs: RUNS (default 3), SKIP_BUILD=1, KEEP_BENCH_DIR=1, DBTRAIL=path,
# BENCH_FILE=path (a binlog kept by an earlier KEEP_BENCH_DIR=1 run: no
# generation; a private MariaDB is still started for the mysql:// index),
# TARGETS="sqlite mysql" (which indexes to time).
RUNS=${RUNS:-3}
TARGETS=${TARGETS:-sqlite mysql}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v mariadb-binlog >/dev/null || { echo "bench: mariadb-binlog missing (scripts/setup.sh)" >&2; exit 1; }

bench_dir dbtrail-index-bench
bench_binlog
if [[ $TARGETS == *mysql* && -z $BENCH_SANDBOX ]]; then bench_sandbox; fi

ROWS=$("$DBTRAIL" binlog decode "$FILE" </dev/null | wc -l)
say "row events: $ROWS"
IDX=$BENCH_DIR/index
if [[ $TARGETS == *mysql* ]]; then
  ADMIN_PW=$(cat "$SANDBOX_ADMIN_PASSWORD_FILE")
  MYSQL_INDEX="mysql://$SANDBOX_ADMIN_USER:$ADMIN_PW@127.0.0.1:$SANDBOX_PORT/dbtrail_bench_index"
fi
sql() { mariadb --no-defaults --socket="$SANDBOX_SOCKET" -uroot -N -e "$1"; }

# One timed command: appends "wall cpu" (seconds) to $BENCH_DIR/$1.times.
timed() {
  local name=$1
  shift
  /usr/bin/time -o "$BENCH_DIR/$name.time" -f '%e %U %S' "$@" >/dev/null 2>"$BENCH_DIR/$name.err" </dev/null ||
    { cat "$BENCH_DIR/$name.err" >&2; echo "bench: $name failed" >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$BENCH_DIR/$name.time" >>"$BENCH_DIR/$name.times"
}

index_sqlite() { "$DBTRAIL" init --index "sqlite:$IDX" && "$DBTRAIL" index --index "sqlite:$IDX" --files "$FILE"; }
index_mysql() { "$DBTRAIL" init --index "$MYSQL_INDEX" && "$DBTRAIL" index --index "$MYSQL_INDEX" --files "$FILE"; }
export -f index_sqlite index_mysql
export DBTRAIL IDX FILE MYSQL_INDEX

say "warm-up: mariadb-binlog (loads the file into the page cache)"
mariadb-binlog --base64-output=decode-rows -vv "$FILE" >/dev/null </dev/null
for ((i = 1; i <= RUNS; i++)); do
  say "run $i/$RUNS"
  timed peer mariadb-binlog --base64-output=decode-rows -vv "$FILE"
  if [[ $TARGETS == *sqlite* ]]; then
    rm -rf "$IDX"
    timed sqlite bash -c index_sqlite
  fi
  if [[ $TARGETS == *mysql* ]]; then
    sql "DROP DATABASE IF EXISTS dbtrail_bench_index"
    timed mysql bash -c index_mysql
  fi
done

median_col() { awk -v c="$2" '{print $c}' "$BENCH_DIR/$1.times" | median_of; }
bytes_sqlite() { du -sb "$IDX" | awk '{print $1}'; }
bytes_mysql() {
  sql "FLUSH TABLES" >/dev/null
  du -sb "$SANDBOX_DATADIR/dbtrail_bench_index" | awk '{print $1}'
}

peer_wall=$(median_col peer 1)
printf '\nbinlog: %d MiB, %d row events; %d cores; %d runs each\n' \
  "$((FILE_SIZE / 1048576))" "$ROWS" "$(nproc)" "$RUNS"
for t in $TARGETS; do
  awk -v n="$ROWS" -v t="$t" -v w="$(median_col "$t" 1)" -v c="$(median_col "$t" 2)" \
      -v p="$peer_wall" -v b="$(bytes_"$t")" 'BEGIN {
    printf "dbtrail index %-7s median %7.2f s wall %10.0f row events/s   CPU %6.2f s (%8.0f/s)   %5.2fx mariadb-binlog   %6.0f B/event\n",
      t, w, n / w, c, n / c, p / w, b / n
  }'
done
awk -v n="$ROWS" -v w="$peer_wall" -v c="$(median_col peer 2)" 'BEGIN {
  printf "mariadb-binlog -vv      median %7.2f s wall %10.0f row events/s   CPU %6.2f s\n", w, n / w, c
}'
