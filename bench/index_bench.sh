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
# TARGETS="sqlite mysql" (which indexes to time),
# INDEX_SERVER_CNF (the index server's extra my.cnf lines, ';'-separated;
# default: no binary log, 2 GiB buffer pool, 1 GiB redo log; see bench/README.md).
RUNS=${RUNS:-3}
TARGETS=${TARGETS:-sqlite mysql}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v mariadb-binlog >/dev/null || { echo "bench: mariadb-binlog missing (scripts/setup.sh)" >&2; exit 1; }

INDEX_SERVER_CNF=${INDEX_SERVER_CNF-skip-log-bin;innodb-buffer-pool-size=2G;innodb-log-file-size=1G}

bench_dir dbtrail-index-bench
bench_binlog
INDEX_SERVER=""
stop_index_server() {
  if [[ -n $INDEX_SERVER ]]; then bash "$ROOT/scripts/sandbox.sh" stop "$INDEX_SERVER" 2>/dev/null || true; fi
  bench_cleanup
}
if [[ $TARGETS == *mysql* ]]; then
  # The index lives on its own server, set up as a DBA would set up an index
  # host (bench/README.md), not on the server whose binlog is indexed.
  INDEX_SERVER=$BENCH_DIR/index-server
  trap stop_index_server EXIT
  say "starting the index server in $INDEX_SERVER ($INDEX_SERVER_CNF)"
  SANDBOX_EXTRA_CNF=$INDEX_SERVER_CNF SANDBOX_OWNER_PID=$$ \
    bash scripts/sandbox.sh start "$INDEX_SERVER" >/dev/null
  # shellcheck disable=SC1091
  source "$INDEX_SERVER/env"
fi

ROWS=$("$DBTRAIL" binlog decode "$FILE" </dev/null | wc -l)
say "row events: $ROWS"
IDX=$BENCH_DIR/index
if [[ $TARGETS == *mysql* ]]; then
  ADMIN_PW=$(cat "$SANDBOX_ADMIN_PASSWORD_FILE")
  MYSQL_INDEX="mysql://$SANDBOX_ADMIN_USER:$ADMIN_PW@127.0.0.1:$SANDBOX_PORT/dbtrail_bench_index"
fi
sql() { mariadb --no-defaults --socket="$SANDBOX_SOCKET" -uroot -N -e "$1"; }

# CPU time (user+sys clock ticks) the index server has used so far.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SANDBOX_PID/stat"; }

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
    c0=$(server_ticks)
    timed mysql bash -c index_mysql
    awk -v a="$c0" -v b="$(server_ticks)" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.2f\n", (b - a) / hz }' >>"$BENCH_DIR/server.times"
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
if [[ $TARGETS == *mysql* ]]; then
  awk -v n="$ROWS" -v c="$(median_of <"$BENCH_DIR/server.times")" 'BEGIN {
    printf "  (index server CPU for the mysql:// run: median %.2f s, %.0f row events/s)\n", c, n / c
  }'
fi
awk -v n="$ROWS" -v w="$peer_wall" -v c="$(median_col peer 2)" 'BEGIN {
  printf "mariadb-binlog -vv      median %7.2f s wall %10.0f row events/s   CPU %6.2f s\n", w, n / w, c
}'
