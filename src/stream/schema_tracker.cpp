#include "stream/schema_tracker.h"

#include <cstdio>
#include <ctime>

#include "schema/ddl.h"
#include "schema/snapshot_taker.h"
#include "util/crash_point.h"

namespace dbtrail::stream {

Result<std::unique_ptr<SchemaTracker>> SchemaTracker::load(index::Store& store,
                                                           mysql::Connection* live) {
  auto stored = store.schema_snapshots();
  if (!stored.ok()) return stored.error();
  std::unique_ptr<SchemaTracker> t(new SchemaTracker(store, live));
  for (auto& s : stored.value()) {
    auto snap = schema::from_json(s.json);
    if (!snap.ok()) {
      return make_error(snap.error().code, "schema version " + std::to_string(s.version) +
                                               " in the index: " + snap.error().message);
    }
    t->history_.add({s.version, s.binlog_file, s.position, std::move(snap.value())});
  }
  return t;
}

std::optional<schema::Table> SchemaTracker::lookup_table(const std::string& db,
                                                         const std::string& table) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!live_ && reopen_) live_ = reopen_();
    if (!live_) return std::nullopt;
    auto t = schema::load_table(*live_, db, table);
    if (t.ok()) return std::move(t.value());
    // kNotFound: the table is gone again (an old binlog); nothing to ask.
    if (t.error().code != ErrorCode::kConnection || !reopen_) return std::nullopt;
    live_ = nullptr;  // dead: reopen once and ask again
  }
  return std::nullopt;
}

void SchemaTracker::move_to(const std::string& file, uint64_t pos) {
  file_ = file;
  current_ = history_.at(file, pos);
}

namespace {

bool is_numeric(uint8_t type) {
  using namespace binlog;
  switch (type) {
    case kTypeTiny:
    case kTypeShort:
    case kTypeInt24:
    case kTypeLong:
    case kTypeLongLong:
    case kTypeFloat:
    case kTypeDouble:
    case kTypeNewDecimal:
    case kTypeDecimal:
    case kTypeYear:
      return true;
    default:
      return false;
  }
}

// Coarse type families: a version whose column types disagree with the
// binlog's is not the table that wrote the row (say, a DDL the history
// missed), and naming its columns would mislabel values. 0 = unknown (no
// judgement). Strings, blobs, ENUM/SET and JSON share one family: MariaDB
// stores JSON as LONGTEXT and UUID/INET as binary strings.
char family(uint8_t t) {
  using namespace binlog;
  switch (t) {
    case kTypeTiny:
    case kTypeShort:
    case kTypeInt24:
    case kTypeLong:
    case kTypeLongLong:
    case kTypeBool:
      return 'i';
    case kTypeFloat:
    case kTypeDouble:
      return 'f';
    case kTypeNewDecimal:
    case kTypeDecimal:
      return 'd';
    case kTypeDate:
    case kTypeNewDate:
    case kTypeTime:
    case kTypeTime2:
    case kTypeDateTime:
    case kTypeDateTime2:
    case kTypeTimestamp:
    case kTypeTimestamp2:
    case kTypeYear:
      return 't';
    case kTypeVarchar:
    case kTypeVarString:
    case kTypeString:
    case kTypeEnum:
    case kTypeSet:
    case kTypeTinyBlob:
    case kTypeMediumBlob:
    case kTypeLongBlob:
    case kTypeBlob:
    case kTypeJson:
      return 's';
    case kTypeBit:
      return 'b';
    default:
      return 0;
  }
}

char family(std::string_view dt) {
  static const std::pair<std::string_view, char> kMap[] = {
      {"tinyint", 'i'},    {"smallint", 'i'}, {"mediumint", 'i'}, {"int", 'i'},
      {"integer", 'i'},    {"bigint", 'i'},   {"bool", 'i'},      {"boolean", 'i'},
      {"float", 'f'},      {"double", 'f'},   {"real", 'f'},      {"decimal", 'd'},
      {"numeric", 'd'},    {"fixed", 'd'},    {"dec", 'd'},       {"date", 't'},
      {"time", 't'},       {"datetime", 't'}, {"timestamp", 't'}, {"year", 't'},
      {"char", 's'},       {"varchar", 's'},  {"binary", 's'},    {"varbinary", 's'},
      {"enum", 's'},       {"set", 's'},      {"tinytext", 's'},  {"text", 's'},
      {"mediumtext", 's'}, {"longtext", 's'}, {"tinyblob", 's'},  {"blob", 's'},
      {"mediumblob", 's'}, {"longblob", 's'}, {"json", 's'},      {"bit", 'b'}};
  for (auto [name, f] : kMap)
    if (dt == name) return f;
  return 0;
}

bool same_names(const schema::Table& a, const schema::Table& b) {
  if (a.columns.size() != b.columns.size()) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    if (a.columns[i].name != b.columns[i].name) return false;
  }
  return true;
}

}  // namespace

void SchemaTracker::resolve(binlog::TableMap& t, bool mariadb) {
  if (!current_) return;
  const schema::Table* table = current_->snapshot.find(t.schema, t.table);
  std::string key = t.schema + "." + t.table;
  if (!table) {
    if (warned_.insert(key + "@" + std::to_string(version())).second) {
      std::fprintf(stderr,
                   "dbtrail: warning: schema version %u does not know %s; its columns stay "
                   "numbered (take a snapshot with `dbtrail snapshot`)\n",
                   version(), key.c_str());
    }
    return;
  }
  std::vector<uint32_t> cols = schema::binlog_columns(*table, mariadb);
  // Extra trailing binlog columns are hidden ones (MariaDB's long-unique hash).
  if (cols.size() > t.columns.size()) {
    if (warned_.insert(key + "@" + std::to_string(version())).second) {
      std::fprintf(stderr,
                   "dbtrail: warning: %s has %zu row-image columns in schema version %u but %zu "
                   "in the binlog; its columns stay numbered\n",
                   key.c_str(), cols.size(), version(), t.columns.size());
    }
    return;
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    char a = family(t.columns[i].type), b = family(table->columns[cols[i]].data_type);
    if (a && b && a != b) {
      if (warned_.insert(key + "@" + std::to_string(version())).second) {
        std::fprintf(stderr,
                     "dbtrail: warning: %s column %zu is %s in schema version %u but of another "
                     "type in the binlog (a schema change the index has not seen?); its columns "
                     "stay numbered\n",
                     key.c_str(), i + 1, table->columns[cols[i]].name.c_str(), version());
      }
      return;
    }
  }
  for (size_t i = 0; i < cols.size(); ++i) {
    binlog::ColumnDef& c = t.columns[i];
    const schema::Column& s = table->columns[cols[i]];
    if (c.name.empty()) c.name = s.name;
    if (c.sign == binlog::Signedness::kUnknown && is_numeric(c.type)) {
      c.sign = s.is_unsigned ? binlog::Signedness::kUnsigned : binlog::Signedness::kSigned;
    }
    if (c.collation == 0 && s.collation != 0) c.collation = s.collation;
    if (c.enum_values.empty() && !s.enum_values.empty()) c.enum_values = s.enum_values;
  }
  if (t.primary_key.empty() && !table->primary_key.empty()) {
    std::vector<uint32_t> pk;
    for (const auto& name : table->primary_key) {
      int si = table->index_of(name);
      uint32_t bi = 0;
      while (bi < cols.size() && int(cols[bi]) != si) ++bi;
      if (si < 0 || bi == cols.size()) {
        pk.clear();  // a key column missing from the image: no key rather than half of one
        break;
      }
      pk.push_back(bi);
    }
    t.primary_key = pk;
    for (uint32_t k : pk) t.columns[k].in_primary_key = true;
  }
  t.json_keys.clear();
}

Status SchemaTracker::on_query(const binlog::QueryInfo& q, const std::string& gtid) {
  if (history_.empty()) return {};  // no snapshot: nothing to version against
  auto fx = schema::detect_ddl(q.sql, q.schema);
  if (!fx) return {};
  if (filter_) {
    bool wanted = false;
    for (const auto* refs : {&fx->tables, &fx->dropped})
      for (const auto& r : *refs) wanted = wanted || filter_(r.schema, r.table);
    if (!wanted) return {};
  }
  index::SchemaChange rec;
  rec.detected_at = q.timestamp ? int64_t(q.timestamp) : int64_t(std::time(nullptr));
  rec.binlog_file = file_;
  rec.position = q.pos;
  rec.gtid = gtid;
  rec.ddl_type = fx->ddl_type;
  const schema::TableRef* first = !fx->tables.empty()    ? &fx->tables.front()
                                  : !fx->dropped.empty() ? &fx->dropped.front()
                                                         : nullptr;
  if (first) {
    rec.schema = first->schema;
    rec.table = first->table;
  }
  rec.ddl = std::string(q.sql);
  // Older than the first snapshot: that snapshot, read later, already shows
  // what the DDL did, and there is nothing older to apply it to. Only the
  // change is recorded.
  if (history_.before_first(file_, q.pos)) {
    rec.schema_version = history_.at(file_, q.pos)->number;
    DBT_TRY(store_.save_schema_change(rec, nullptr));
    return {};
  }
  // Met before (an earlier run stored it): move to it. Its change row was
  // stored with it; saving again only fills in one an older dbtrail left out.
  if (const schema::Version* v = history_.starting_within(file_, q.pos, q.end_pos)) {
    current_ = v;
    rec.schema_version = v->number;
    DBT_TRY(store_.save_schema_change(rec, nullptr));
    return {};
  }
  const schema::Version* base = history_.at(file_, q.pos);
  schema::Snapshot next = base->snapshot;
  fx = schema::apply_ddl(next, q.sql, q.schema);
  if (!fx) return {};
  for (const auto& ref : fx->tables) {
    auto live = lookup_table(ref.schema, ref.table);
    if (!live) continue;
    const schema::Table* derived = next.find(ref.schema, ref.table);
    // The live table may have changed again since this DDL (old binlogs):
    // only a table with the derived columns, or one the text could not
    // derive, is taken from it.
    if (!fx->complete || !derived || same_names(*derived, *live)) {
      next.tables[{ref.schema, ref.table}] = std::move(*live);
    }
  }
  schema::Change ch;
  ch.ddl_type = rec.ddl_type;
  ch.schema = rec.schema;
  ch.table = rec.table;
  ch.ddl = rec.ddl;
  ch.gtid = gtid;
  next.change = std::move(ch);
  index::SchemaSnapshot stored;
  stored.taken_at = rec.detected_at;
  stored.binlog_file = file_;
  stored.position = q.end_pos;
  stored.json = schema::to_json(next);
  auto written = store_.save_schema_change(rec, &stored);
  DBT_TRY(written);
  // A change row without its version (recorded while the DDL was older than
  // every snapshot, before an older snapshot was added): store the version alone.
  if (!written.value()) DBT_TRY(store_.save_schema_snapshot(stored));
  history_.add({stored.version, file_, q.end_pos, std::move(next)});
  current_ = history_.at(file_, q.end_pos);
  ++created_;
  crash_point("schema-version-stored");  // tests: a version beyond the checkpoint
  return {};
}

}  // namespace dbtrail::stream
