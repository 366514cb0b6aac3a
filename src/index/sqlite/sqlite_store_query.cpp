// SqliteStore::query: the filter as one SELECT per partition file, run on
// statements each partition keeps prepared between queries.
#include <algorithm>

#include "index/json_strings.h"
#include "index/partition_name.h"
#include "index/sqlite/sqlite_store.h"
#include "util/json_writer.h"
#include "util/sha256.h"

namespace dbtrail::index::sqlite {

namespace {

// Distinct filter shapes a partition keeps statements for; past it they are
// all dropped and prepared again as needed (a bound, not a tuning knob).
constexpr size_t kMaxQueriesPerPartition = 16;

// The SELECT for a filter: `plain` for format 2 files, `hashed` for format 1
// files, which index the key's hash, not the key. Parameters are numbered so
// each filter binds the same numbers whatever else it holds.
struct QuerySql {
  std::string plain;
  std::string hashed;
};

QuerySql query_sql(const QueryFilter& f) {
  std::string sql =
      "SELECT event_id, binlog_file, start_pos, end_pos, event_timestamp, gtid, connection_id, "
      "schema_name, table_name, event_type, pk_values, changed_columns, row_before, row_after, "
      "schema_version FROM binlog_events WHERE event_id <= ?1 AND schema_name = ?2 AND "
      "table_name = ?3";
  if (f.pk) sql += " AND pk_values = ?5";
  if (f.type) sql += " AND event_type = ?6";
  if (f.gtid) sql += " AND gtid = ?7";
  if (f.since) sql += " AND event_timestamp >= ?8";
  if (f.until) sql += " AND event_timestamp <= ?9";
  if (f.changed_column) {
    sql += " AND EXISTS (SELECT 1 FROM json_each(changed_columns) WHERE json_each.value = ?10)";
  }
  if (f.column_eq) {
    // A value matches in either image: the row had it before or has it after.
    sql +=
        " AND (CAST(json_extract(row_after, ?11) AS TEXT) = ?12 OR "
        "CAST(json_extract(row_before, ?11) AS TEXT) = ?12)";
  }
  sql += f.newest_first ? " ORDER BY event_id DESC" : " ORDER BY event_id ASC";
  sql += " LIMIT ?13";
  QuerySql out{sql, sql};
  if (f.pk) out.hashed.replace(out.hashed.find(" AND pk_values = ?5"), 0, " AND pk_hash = ?4");
  return out;
}

void bind_filter(Stmt& st, const QueryFilter& f, int64_t mark, bool hashed, size_t limit) {
  st.bind(1, mark);
  st.bind(2, std::string_view(f.schema));
  st.bind(3, std::string_view(f.table));
  if (f.pk) {
    if (hashed) st.bind(4, std::string_view(sha256_hex(*f.pk)));
    st.bind(5, std::string_view(*f.pk));
  }
  if (f.type) st.bind(6, int64_t(*f.type));
  if (f.gtid) st.bind(7, std::string_view(*f.gtid));
  if (f.since) st.bind(8, *f.since);
  if (f.until) st.bind(9, *f.until);
  if (f.changed_column) st.bind(10, std::string_view(*f.changed_column));
  if (f.column_eq) {
    std::string path = "$.";
    JsonWriter::append_escaped(path, f.column_eq->first);
    st.bind(11, std::string_view(path));
    st.bind(12, std::string_view(f.column_eq->second));
  }
  st.bind(13, int64_t(limit));
}

ChangeRecord read_change(const Stmt& st) {
  ChangeRecord c;
  c.event_id = uint64_t(st.col_int(0));
  c.binlog_file = st.col_text(1);
  c.start_pos = uint64_t(st.col_int(2));
  c.end_pos = uint64_t(st.col_int(3));
  c.event_time = st.col_int(4);
  c.gtid = st.col_text(5);
  if (!st.col_null(6)) c.connection_id = uint64_t(st.col_int(6));
  c.schema = st.col_text(7);
  c.table = st.col_text(8);
  c.type = static_cast<ChangeType>(st.col_int(9));
  c.pk_values = st.col_text(10);
  if (!st.col_null(11)) parse_json_string_array(st.col_text(11), c.changed_columns);
  if (!st.col_null(12)) c.row_before = st.col_text(12);
  if (!st.col_null(13)) c.row_after = st.col_text(13);
  c.schema_version = uint32_t(st.col_int(14));
  return c;
}

// A kept statement must not hold its read transaction (nor its bindings)
// past its query, whichever way the query ends: the writer's checkpoints
// wait for readers.
struct ResetWhenDone {
  Stmt& st;
  ~ResetWhenDone() { st.reset(); }
};

}  // namespace

void SqliteStore::forget_unlisted(const std::vector<PartitionFile>& listed) {
  for (auto it = open_.begin(); it != open_.end();) {
    bool found = std::any_of(listed.begin(), listed.end(),
                             [&](const PartitionFile& f) { return f.name == it->first; });
    it = found ? std::next(it) : close_partition(it);
  }
}

Result<std::vector<ChangeRecord>> SqliteStore::query(const QueryFilter& f) {
  auto mark = committed_mark();
  if (!mark.ok()) return mark.error();
  auto parts = list_partition_files(dir_);
  forget_unlisted(parts);
  auto skip = partitions_without_key(f);  // after the mark: see sqlite_store_filters.cpp
  if (!skip.ok()) return skip.error();
  if (f.newest_first) std::reverse(parts.begin(), parts.end());
  const QuerySql sql = query_sql(f);

  std::vector<ChangeRecord> out;
  for (const auto& [start, name, inode] : parts) {
    if (out.size() >= f.limit) break;
    if (f.since && start + kPartitionSeconds <= *f.since) continue;
    if (f.until && start > *f.until) continue;
    if (std::find(skip->begin(), skip->end(), name) != skip->end()) continue;
    auto p = partition(name, false, inode);
    if (!p.ok()) return p.error();
    Partition& part = *p.value();
    const std::string& text = part.with_pk_hash ? sql.hashed : sql.plain;
    auto kept = part.queries.find(text);
    if (kept == part.queries.end()) {
      if (part.queries.size() >= kMaxQueriesPerPartition) part.queries.clear();
      // A pre-created partition no one wrote to has no table yet only if it
      // was made by a foreign tool; ours always carry the schema.
      auto st = part.db.prepare(text);
      if (!st.ok()) return st.error();
      kept = part.queries.emplace(text, std::move(st.value())).first;
    }
    Stmt& st = kept->second;
    ResetWhenDone done{st};
    bind_filter(st, f, mark.value(), part.with_pk_hash, f.limit - out.size());
    for (;;) {
      auto r = st.step();
      if (!r.ok()) return r.error();
      if (!r.value()) break;
      out.push_back(read_change(st));
    }
  }
  return out;
}

}  // namespace dbtrail::index::sqlite
