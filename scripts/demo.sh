#!/usr/bin/env bash
# Quick start: watch dbtrail turn a live MariaDB binlog into JSON row changes.
#   scripts/demo.sh            (Ctrl-C to stop early)
# It installs what is missing (scripts/setup.sh), builds build/dbtrail, starts
# a private MariaDB in a temporary directory (removed on exit), creates
# demo.orders, runs `dbtrail binlog decode --follow` on its binlog, and writes
# INSERT/UPDATE/DELETE statements about once a second.
#
# Knobs: DEMO_SECONDS (default 20), SKIP_SETUP=1, SKIP_BUILD=1, KEEP_DEMO_DIR=1,
# DBTRAIL=path (another binary).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
SECONDS_TO_RUN=${DEMO_SECONDS:-20}
DBTRAIL=${DBTRAIL:-$ROOT/build/dbtrail}

if [[ -t 2 ]]; then
  say() { printf '\033[1;34m-- %s\033[0m\n' "$*" >&2; }
else
  say() { printf -- '-- %s\n' "$*" >&2; }
fi

if [[ -z "${SKIP_SETUP:-}" ]]; then
  say "checking packages (scripts/setup.sh)"
  bash scripts/setup.sh </dev/null
fi
if [[ -z "${SKIP_BUILD:-}" ]]; then
  say "building build/dbtrail (scripts/build.sh --target dbtrail)"
  bash scripts/build.sh --target dbtrail </dev/null
fi
[[ -x $DBTRAIL ]] || { echo "demo: $DBTRAIL is missing; run scripts/build.sh" >&2; exit 1; }

DIR=$(mktemp -d /tmp/dbtrail-demo.XXXXXX)
DECODER_PID=""
cleanup() {
  trap - EXIT INT TERM
  if [[ -n $DECODER_PID ]] && kill -0 "$DECODER_PID" 2>/dev/null; then
    kill "$DECODER_PID" 2>/dev/null || true
    wait "$DECODER_PID" 2>/dev/null || true
  fi
  bash "$ROOT/scripts/sandbox.sh" stop "$DIR" 2>/dev/null || true
  if [[ -n "${KEEP_DEMO_DIR:-}" ]]; then
    say "kept $DIR"
  else
    rm -rf "$DIR"
  fi
}
trap cleanup EXIT
trap 'echo >&2; say "interrupted"; exit 130' INT TERM

say "starting a private MariaDB in $DIR"
SANDBOX_OWNER_PID=$$ bash scripts/sandbox.sh start "$DIR" >/dev/null
# shellcheck disable=SC1091
source "$DIR/env"
sql() {
  mariadb --no-defaults --default-character-set=utf8mb4 --socket="$SANDBOX_SOCKET" -uroot \
    --batch --skip-column-names demo -e "$1" </dev/null
}
mariadb --no-defaults --socket="$SANDBOX_SOCKET" -uroot -e "CREATE DATABASE demo" </dev/null
sql "CREATE TABLE orders (
       id INT AUTO_INCREMENT PRIMARY KEY,
       customer VARCHAR(50) NOT NULL,
       amount DECIMAL(10,2) NOT NULL,
       status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
       note TEXT NULL,
       updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
     ) DEFAULT CHARSET=utf8mb4"

FOLLOW=0
if "$DBTRAIL" binlog decode --help 2>&1 </dev/null | grep -q -- '--follow'; then FOLLOW=1; fi

say "binlog: $SANDBOX_FIRST_BINLOG"
if ((FOLLOW)); then
  say "running: build/dbtrail binlog decode --follow $SANDBOX_FIRST_BINLOG"
  "$DBTRAIL" binlog decode --follow "$SANDBOX_FIRST_BINLOG" </dev/null &
  DECODER_PID=$!
else
  say "this build has no --follow yet: the changes are decoded once at the end"
fi
say "writing changes for ${SECONDS_TO_RUN}s (Ctrl-C stops)"

customers=("Ada" "Grace" "Linus" "Zoë" "José" "Søren" "李雷" "Ömer")
end=$((SECONDS + SECONDS_TO_RUN))
i=0
while ((SECONDS < end)); do
  i=$((i + 1))
  c=${customers[$((RANDOM % ${#customers[@]}))]}
  amount="$((RANDOM % 500)).$((RANDOM % 90 + 10))"
  say "INSERT order for $c ($amount)"
  sql "INSERT INTO orders (customer, amount, note) VALUES ('$c', $amount, 'order #$i')"
  if ((i % 2 == 0)); then
    say "UPDATE: pay the oldest new order"
    sql "UPDATE orders SET status = 'paid', amount = amount + 1 WHERE status = 'new' ORDER BY id LIMIT 1"
  fi
  if ((i % 3 == 0)); then
    say "UPDATE + DELETE in one transaction"
    sql "START TRANSACTION;
         UPDATE orders SET status = 'shipped' WHERE status = 'paid' ORDER BY id LIMIT 1;
         DELETE FROM orders WHERE status = 'shipped' ORDER BY id LIMIT 1;
         COMMIT"
  fi
  sleep 1
done

if ((FOLLOW)); then
  sleep 1  # let the follower print the last events
else
  say "decoding: build/dbtrail binlog decode $(tr '\n' ' ' <"$SANDBOX_BINLOG_DIR/mysql-bin.index")"
  mapfile -t files <"$SANDBOX_BINLOG_DIR/mysql-bin.index"
  "$DBTRAIL" binlog decode "${files[@]}" </dev/null
fi
say "done: $(sql 'SELECT COUNT(*) FROM orders') orders left; the sandbox is stopped on exit"
