#!/usr/bin/env bash
# A synthetic embedded index for timing `dbtrail query --pk` in seconds rather
# than query_bench.sh's 7 minutes (no MariaDB, no binlog): 24 hourly partition
# files written with the sqlite3 shell exactly as SqliteStore lays them out
# (format 2, 64 KiB pages, WAL), PER_HOUR INSERT events per hour on
# bench.simple (keys 1..24*PER_HOUR) plus an UPDATE of every 10th key of the
# previous hour, and meta.db's committed mark. See bench/README.md.
#   bench/query_small_index.sh DIR [PER_HOUR]     default 100000: 2.63M events, ~490 MiB
# Knobs: SKIP_BUILD=1, DBTRAIL=path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DIR=${1:?usage: bench/query_small_index.sh DIR [PER_HOUR]}
N=${2:-100000}
command -v sqlite3 >/dev/null || { echo "bench: the sqlite3 shell is missing (scripts/setup.sh)" >&2; exit 1; }
[[ ! -e $DIR ]] || { echo "bench: $DIR exists; give a new directory" >&2; exit 1; }

"$DBTRAIL" init --index "sqlite:$DIR" >/dev/null
base=1767225600  # 2026-01-01T00:00:00Z
for h in $(seq 0 23); do
  # Event ids: hour h holds h*2N+1 .. h*2N+N (inserts), then its updates.
  sqlite3 "$DIR/$(printf 'p_20260101%02d.db' "$h")" >/dev/null <<SQL
PRAGMA page_size=65536;
PRAGMA journal_mode=WAL;
CREATE TABLE binlog_events(
  event_id INTEGER PRIMARY KEY, binlog_file TEXT NOT NULL, start_pos INTEGER NOT NULL,
  end_pos INTEGER NOT NULL, event_timestamp INTEGER NOT NULL, gtid TEXT, connection_id INTEGER,
  schema_name TEXT NOT NULL, table_name TEXT NOT NULL, event_type INTEGER NOT NULL,
  pk_values TEXT NOT NULL, changed_columns TEXT, row_before TEXT, row_after TEXT,
  schema_version INTEGER NOT NULL);
CREATE INDEX idx_pk ON binlog_events(schema_name, table_name, pk_values);
CREATE INDEX idx_time ON binlog_events(event_timestamp);
CREATE INDEX idx_gtid ON binlog_events(gtid);
PRAGMA user_version = 2;
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < $N)
INSERT INTO binlog_events
SELECT $h * 2 * $N + i + 1, 'mysql-bin.000001', 4 + i * 100, 4 + i * 100 + 90,
       $base + $h * 3600 + i * 3600 / $N, '0-1-' || ($h * 2 * $N + i + 1), 5, 'bench', 'simple', 1,
       $h * $N + i + 1, NULL, NULL,
       json_object('id', $h * $N + i + 1, 'v', ($h * $N + i + 1) % 1000, 's', 'row-' || ($h * $N + i + 1)), 1
FROM s;
WITH RECURSIVE s(i) AS (SELECT 9 UNION ALL SELECT i + 10 FROM s WHERE i + 10 < $N)
INSERT INTO binlog_events
SELECT $h * 2 * $N + $N + i + 1, 'mysql-bin.000001', 4 + i * 100, 4 + i * 100 + 90,
       $base + $h * 3600 + i * 3600 / $N, '0-1-' || ($h * 2 * $N + $N + i + 1), 5, 'bench', 'simple', 2,
       ($h - 1) * $N + i + 1, '["v"]',
       json_object('id', ($h - 1) * $N + i + 1, 'v', (($h - 1) * $N + i + 1) % 1000, 's', 'row-' || (($h - 1) * $N + i + 1)),
       json_object('id', ($h - 1) * $N + i + 1, 'v', (($h - 1) * $N + i + 1) % 1000 + 1, 's', 'row-' || (($h - 1) * $N + i + 1)), 1
FROM s WHERE $h > 0;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
done
sqlite3 "$DIR/meta.db" "UPDATE batch_state SET committed_event_id = 48 * $N WHERE id = 1"
say "index: $(du -sh "$DIR" | cut -f1) in $DIR; keys 1..$((24 * N)) on bench.simple"
say "every 10th key below $((23 * N)) has 2 changes, the others 1; $((24 * N + 1)) is missing"
