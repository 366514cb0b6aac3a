# Sourced by the bench scripts: the preamble they share. Not run on its own.
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Sets ROOT (the repo, also the working directory) and DBTRAIL, builds
# build/dbtrail unless SKIP_BUILD=1, and offers:
#   say MSG...                  progress line on stderr
#   median_of                   median of the numbers on stdin
#   bench_dir PREFIX            BENCH_DIR=/tmp/PREFIX.XXXXXX, removed on exit (KEEP_BENCH_DIR=1 keeps it)
#   bench_sandbox               private MariaDB in $BENCH_DIR, stopped on exit; sources its env
#   bench_generate              bench/gen_workload.sql into it; FILE=the binlog holding the rows
#   bench_binlog                FILE=$BENCH_FILE if set, else bench_sandbox + bench_generate
# FILE_SIZE is set with FILE.
# shellcheck shell=bash
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
DBTRAIL=${DBTRAIL:-$ROOT/build/dbtrail}

say() { printf -- '-- %s\n' "$*" >&2; }

median_of() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

if [[ -z "${SKIP_BUILD:-}" ]]; then
  say "building build/dbtrail (RelWithDebInfo)"
  bash scripts/build.sh --target dbtrail </dev/null >&2
fi
[[ -x $DBTRAIL ]] || { echo "bench: $DBTRAIL is missing; run scripts/build.sh" >&2; exit 1; }

BENCH_SANDBOX=""
bench_cleanup() {
  if [[ -n $BENCH_SANDBOX ]]; then bash "$ROOT/scripts/sandbox.sh" stop "$BENCH_SANDBOX" 2>/dev/null || true; fi
  if [[ -n "${BENCH_DIR:-}" ]]; then
    if [[ -n "${KEEP_BENCH_DIR:-}" ]]; then say "kept $BENCH_DIR"; else rm -rf "$BENCH_DIR"; fi
  fi
}

bench_dir() {
  BENCH_DIR=$(mktemp -d "/tmp/$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_sandbox() {
  say "starting a private MariaDB in $BENCH_DIR"
  BENCH_SANDBOX=$BENCH_DIR
  MAX_BINLOG_SIZE=1073741824 SANDBOX_OWNER_PID=$$ bash scripts/sandbox.sh start "$BENCH_DIR" >/dev/null
  # shellcheck disable=SC1091
  source "$BENCH_DIR/env"
}

bench_generate() {
  say "generating the workload (bench/gen_workload.sql)"
  local t0=$SECONDS
  mariadb --no-defaults --default-character-set=utf8mb4 --socket="$SANDBOX_SOCKET" -uroot \
    <"$ROOT/bench/gen_workload.sql" >/dev/null
  say "generated in $((SECONDS - t0)) s"
  # The workload ends with FLUSH BINARY LOGS, so the largest file is the closed
  # one holding every row event (max_binlog_size is 1 GiB).
  FILE=$(ls -S "$SANDBOX_BINLOG_DIR"/mysql-bin.[0-9]* | head -n 1)
  FILE_SIZE=$(stat -c %s "$FILE")
  say "binlog: $FILE ($((FILE_SIZE / 1048576)) MiB)"
}

bench_binlog() {
  if [[ -n "${BENCH_FILE:-}" ]]; then
    FILE=$BENCH_FILE
    [[ -f $FILE ]] || { echo "bench: BENCH_FILE $FILE is missing" >&2; exit 1; }
    FILE_SIZE=$(stat -c %s "$FILE")
    say "binlog: $FILE ($((FILE_SIZE / 1048576)) MiB), from BENCH_FILE"
  else
    bench_sandbox
    bench_generate
  fi
}
