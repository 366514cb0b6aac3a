#!/usr/bin/env bash
# Point lookups: `dbtrail query --pk` on an index of 10,000,000 row events in 24
# hourly partitions (bench/query_workload.sql). See bench/README.md.
#   bench/query_bench.sh      build, generate + index once (about 5-10 minutes), time
# The index is kept in BENCH_INDEX (default /tmp/dbtrail-query-bench.index) and
# reused by later runs; REBUILD=1 builds it again.
# Knobs: RUNS (default 50), SKIP_BUILD=1, DBTRAIL=path, BENCH_INDEX=dir, REBUILD=1,
# BASELINE=path (another dbtrail binary timed on the middle key in the same run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
RUNS=${RUNS:-50}
DBTRAIL=${DBTRAIL:-$ROOT/build/dbtrail}
BENCH_INDEX=${BENCH_INDEX:-/tmp/dbtrail-query-bench.index}
EXPECTED_EVENTS=10000000
say() { printf -- '-- %s\n' "$*" >&2; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
  say "building build/dbtrail (RelWithDebInfo)"
  bash scripts/build.sh --target dbtrail </dev/null >&2
fi
[[ -x $DBTRAIL ]] || { echo "bench: $DBTRAIL is missing; run scripts/build.sh" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (scripts/setup.sh)" >&2; exit 1; }

# The "total: N partitions, E events, B bytes" line of `dbtrail status`.
index_events() {
  "$DBTRAIL" status --index "sqlite:$BENCH_INDEX" </dev/null | awk '/^total:/ { print $4 }'
}

DIR=$(mktemp -d /tmp/dbtrail-query-bench.XXXXXX)
cleanup() {
  bash "$ROOT/scripts/sandbox.sh" stop "$DIR" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The marker is written only after a complete, counted build.
if [[ -n "${REBUILD:-}" || ! -f $BENCH_INDEX/.query-bench-complete ]]; then
  rm -rf "$BENCH_INDEX"
  say "starting a private MariaDB in $DIR"
  MAX_BINLOG_SIZE=1073741824 SANDBOX_OWNER_PID=$$ bash scripts/sandbox.sh start "$DIR" >/dev/null
  # shellcheck disable=SC1091
  source "$DIR/env"
  say "generating 10,000,000 row events (bench/query_workload.sql)"
  t0=$SECONDS
  mariadb --no-defaults --socket="$SANDBOX_SOCKET" -uroot <bench/query_workload.sql >/dev/null
  say "generated in $((SECONDS - t0)) s: $(du -sh "$SANDBOX_BINLOG_DIR" | cut -f1) of binlog"
  bash scripts/sandbox.sh stop "$DIR" 2>/dev/null

  "$DBTRAIL" init --index "sqlite:$BENCH_INDEX" >/dev/null
  say "indexing with dbtrail index --all"
  t0=$SECONDS
  "$DBTRAIL" index --index "sqlite:$BENCH_INDEX" --all "$SANDBOX_BINLOG_DIR" </dev/null >&2
  secs=$((SECONDS - t0))
  say "indexed in $secs s ($((EXPECTED_EVENTS / (secs > 0 ? secs : 1))) events/s)"
  rm -rf "$SANDBOX_BINLOG_DIR"  # 1+ GB no longer needed
  events=$(index_events)
  if [[ $events != "$EXPECTED_EVENTS" ]]; then
    echo "bench: the index holds $events events, expected $EXPECTED_EVENTS (left in $BENCH_INDEX)" >&2
    exit 1
  fi
  echo "$events" >"$BENCH_INDEX/.query-bench-complete"
else
  say "reusing the index in $BENCH_INDEX (REBUILD=1 to build it again)"
fi

# `dbtrail status` counts every partition (tens of seconds): the count is kept.
events=$(cat "$BENCH_INDEX/.query-bench-complete")
parts=$(find "$BENCH_INDEX" -maxdepth 1 -name 'p_*.db' | wc -l)
size=$(du -sb "$BENCH_INDEX" | cut -f1)
say "index: $events events in $parts partitions, $((size / 1048576)) MiB"

# name|table|pk|expected number of changes
KEYS=(
  "first|simple|1|1"
  "middle|simple|4500000|2"
  "last|simple|9000000|2"
  "missing|simple|9000001|0"
  "composite|pair|500|50|1"
)
cmds=()
names=()
for k in "${KEYS[@]}"; do
  IFS='|' read -r name table rest <<<"$k"
  want=${rest##*|}
  pk=${rest%|*}
  args=(query --index "sqlite:$BENCH_INDEX" --schema bench --table "$table" --pk "$pk" --format json)
  got=$("$DBTRAIL" "${args[@]}" </dev/null | wc -l)
  if [[ $got != "$want" ]]; then
    echo "bench: --pk '$pk' on $table found $got changes, expected $want" >&2
    exit 1
  fi
  names+=("$name")
  cmds+=(--command-name "$name (--pk '$pk', $want changes)" "$DBTRAIL ${args[*]}")
done
say "every key finds its expected number of changes"
# The floor: starting the binary and exiting, no index opened.
names+=("process start")
cmds+=(--command-name "process start (dbtrail --version)" "$DBTRAIL --version")
# Peers in the same run: the machine's floor for any process, and Debian's
# sqlite3 shell finding the middle key in the one partition file that holds
# its first change (it is told the file: no meta.db, no key filter, one file).
peer_sql="SELECT * FROM binlog_events WHERE schema_name='bench' AND table_name='simple' AND pk_values='4500000'"
peer_file=
for f in "$BENCH_INDEX"/p_*.db; do
  if [[ $(sqlite3 -readonly "$f" "SELECT count(*) FROM (${peer_sql})") != 0 ]]; then
    peer_file=$f
    break
  fi
done
[[ -n $peer_file ]] || { echo "bench: no partition holds key 4500000" >&2; exit 1; }
# BASELINE=path/to/another/dbtrail: the middle key with that binary too
# (an earlier build), in the same hyperfine run.
if [[ -n ${BASELINE:-} ]]; then
  names+=("baseline middle")
  cmds+=(--command-name "baseline: $BASELINE, middle key"
    "$BASELINE query --index sqlite:$BENCH_INDEX --schema bench --table simple --pk 4500000 --format json")
fi
names+=("peer sqlite3" "peer true")
cmds+=(--command-name "peer: sqlite3 -json on $(basename "$peer_file")"
  "sqlite3 -readonly -json $peer_file \"$peer_sql\""
  --command-name "peer: /bin/true" "/bin/true")

json=$DIR/hyperfine.json
hyperfine -N --warmup 3 --runs "$RUNS" --style basic --export-json "$json" "${cmds[@]}" \
  </dev/null >&2
json_field() { grep -o "\"$1\": *[0-9.eE+-]*" "$json" | sed 's/.*: *//'; }
mapfile -t medians < <(json_field median)
mapfile -t users < <(json_field user)
mapfile -t systems < <(json_field system)

printf '\nindex: %s events, %s hourly partitions, %s MiB (%s)\n' "$events" "$parts" \
  "$((size / 1048576))" "$BENCH_INDEX"
over=0
declare -A median_of
for i in "${!names[@]}"; do
  ms=$(awk -v s="${medians[$i]}" 'BEGIN { printf "%.2f", s * 1000 }')
  cpu=$(awk -v u="${users[$i]}" -v s="${systems[$i]}" 'BEGIN { printf "%.2f", (u + s) * 1000 }')
  median_of[${names[$i]}]=$ms
  case ${names[$i]} in
    "process start") label="dbtrail --version (floor)" ;;
    "peer sqlite3") label="sqlite3 shell, one file" ;;
    "peer true") label="/bin/true" ;;
    "baseline middle") label="BASELINE query --pk middle" ;;
    *)
      label="dbtrail query --pk ${names[$i]}"
      awk -v m="$ms" 'BEGIN { exit !(m >= 5) }' && over=1
      ;;
  esac
  printf '%-30s median %7s ms   cpu (user+sys, mean) %7s ms\n' "$label" "$ms" "$cpu"
done
ratio() { awk -v a="${median_of[$1]}" -v b="${median_of[$2]}" 'BEGIN { printf "%.2f", a / b }'; }
printf 'ratios of medians: middle / sqlite3 shell %sx, middle / --version %sx, --version / /bin/true %sx\n' \
  "$(ratio middle "peer sqlite3")" "$(ratio middle "process start")" "$(ratio "process start" "peer true")"
if [[ -n ${BASELINE:-} ]]; then
  printf 'ratio of medians: middle / BASELINE middle %sx\n' "$(ratio middle "baseline middle")"
fi
if ((over)); then echo "target: median under 5 ms: MISSED"; else echo "target: median under 5 ms: met"; fi
