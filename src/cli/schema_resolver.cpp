#include "cli/schema_resolver.h"

#include <cstdio>

namespace dbtrail::cli {

Result<std::unique_ptr<SchemaResolver>> SchemaResolver::connect(const std::string& dsn) {
  auto d = mysql::parse_dsn(dsn);
  if (!d.ok()) return d.error();
  auto c = mysql::Connection::open(*d);
  if (!c.ok()) return c.error();
  return std::unique_ptr<SchemaResolver>(new SchemaResolver(std::move(c.value())));
}

namespace {
bool is_numeric(uint8_t type) {
  using namespace binlog;
  switch (type) {
    case kTypeTiny: case kTypeShort: case kTypeInt24: case kTypeLong: case kTypeLongLong:
    case kTypeFloat: case kTypeDouble: case kTypeNewDecimal: case kTypeDecimal: case kTypeYear:
      return true;
    default:
      return false;
  }
}
}  // namespace

void SchemaResolver::resolve(binlog::TableMap& t) {
  std::string key = t.schema + "." + t.table;
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    auto cols = mysql::load_table_columns(*conn_, t.schema, t.table);
    if (!cols.ok()) {
      std::fprintf(stderr, "dbtrail: warning: --schema-from: %s: %s; its columns stay numbered\n",
                   key.c_str(), cols.error().message.c_str());
      it = cache_.emplace(key, std::nullopt).first;
    } else {
      it = cache_.emplace(key, std::move(cols.value())).first;
    }
  }
  if (!it->second) return;
  const mysql::TableColumns& live = *it->second;
  // Extra trailing binlog columns are hidden ones (MariaDB's long-unique hash).
  if (live.columns.size() > t.columns.size()) {
    if (warned_.insert(key).second) {
      std::fprintf(stderr,
                   "dbtrail: warning: --schema-from: %s has %zu columns now but %zu in the "
                   "binlog (the table changed since); its columns stay numbered\n",
                   key.c_str(), live.columns.size(), t.columns.size());
    }
    return;
  }
  for (size_t i = 0; i < live.columns.size(); ++i) {
    binlog::ColumnDef& c = t.columns[i];
    const mysql::SchemaColumn& s = live.columns[i];
    if (c.name.empty()) c.name = s.name;
    if (c.sign == binlog::Signedness::kUnknown && is_numeric(c.type)) {
      c.sign = s.is_unsigned ? binlog::Signedness::kUnsigned : binlog::Signedness::kSigned;
    }
    if (c.collation == 0 && s.collation != 0) c.collation = s.collation;
    if (c.enum_values.empty() && !s.enum_values.empty()) c.enum_values = s.enum_values;
  }
  if (t.primary_key.empty()) {
    t.primary_key = live.pk;
    for (uint32_t k : live.pk) {
      if (k < t.columns.size()) t.columns[k].in_primary_key = true;
    }
  }
  t.json_keys.clear();
}

}  // namespace dbtrail::cli
