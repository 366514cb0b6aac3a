#include "recover/table_facts.h"

#include <charconv>

namespace dbtrail::recover {

int TableFacts::column_index(std::string_view key) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == key) return static_cast<int>(i);
  // "@N": the decoder's name for columns of a binlog without names.
  if (key.size() >= 2 && key[0] == '@') {
    unsigned n = 0;
    auto [p, ec] = std::from_chars(key.data() + 1, key.data() + key.size(), n);
    if (ec == std::errc() && p == key.data() + key.size() && n >= 1 && n <= columns.size())
      return static_cast<int>(n - 1);
  }
  return -1;
}

LiteralClass literal_class_of(std::string_view t) {
  struct Entry {
    std::string_view type;
    LiteralClass cls;
  };
  static constexpr Entry kTable[] = {
      {"tinyint", LiteralClass::kInteger},
      {"smallint", LiteralClass::kInteger},
      {"mediumint", LiteralClass::kInteger},
      {"int", LiteralClass::kInteger},
      {"integer", LiteralClass::kInteger},
      {"bigint", LiteralClass::kInteger},
      {"float", LiteralClass::kFloat},
      {"double", LiteralClass::kFloat},
      {"real", LiteralClass::kFloat},
      {"decimal", LiteralClass::kDecimal},
      {"numeric", LiteralClass::kDecimal},
      {"year", LiteralClass::kYear},
      {"date", LiteralClass::kTemporal},
      {"time", LiteralClass::kTemporal},
      {"datetime", LiteralClass::kTemporal},
      {"timestamp", LiteralClass::kTemporal},
      {"char", LiteralClass::kText},
      {"varchar", LiteralClass::kText},
      {"tinytext", LiteralClass::kText},
      {"text", LiteralClass::kText},
      {"mediumtext", LiteralClass::kText},
      {"longtext", LiteralClass::kText},
      {"binary", LiteralClass::kBinary},
      {"varbinary", LiteralClass::kBinary},
      {"tinyblob", LiteralClass::kBinary},
      {"blob", LiteralClass::kBinary},
      {"mediumblob", LiteralClass::kBinary},
      {"longblob", LiteralClass::kBinary},
      {"enum", LiteralClass::kEnumSet},
      {"set", LiteralClass::kEnumSet},
      {"bit", LiteralClass::kBit},
      {"json", LiteralClass::kJson},
      {"geometry", LiteralClass::kGeometry},
      {"point", LiteralClass::kGeometry},
      {"linestring", LiteralClass::kGeometry},
      {"polygon", LiteralClass::kGeometry},
      {"multipoint", LiteralClass::kGeometry},
      {"multilinestring", LiteralClass::kGeometry},
      {"multipolygon", LiteralClass::kGeometry},
      {"geometrycollection", LiteralClass::kGeometry},
      {"geomcollection", LiteralClass::kGeometry},
      {"vector", LiteralClass::kVector},
  };
  for (const Entry& e : kTable)
    if (e.type == t) return e.cls;
  return LiteralClass::kUnknown;
}

namespace {
// n of "binary(n)"; 0 for anything else.
uint32_t binary_length(std::string_view column_type) {
  constexpr std::string_view kPrefix = "binary(";
  if (column_type.substr(0, kPrefix.size()) != kPrefix) return 0;
  uint32_t n = 0;
  const char* b = column_type.data() + kPrefix.size();
  auto [p, ec] = std::from_chars(b, column_type.data() + column_type.size(), n);
  return ec == std::errc() && p < column_type.data() + column_type.size() && *p == ')' ? n : 0;
}
}  // namespace

TableFacts table_facts_from_schema(std::string schema, std::string table,
                                   const mysql::TableColumns& cols) {
  TableFacts f;
  f.schema = std::move(schema);
  f.table = std::move(table);
  for (const mysql::SchemaColumn& c : cols.columns) {
    ColumnFacts cf;
    cf.name = c.name;
    cf.data_type = c.data_type;
    cf.literal = literal_class_of(c.data_type);
    if (c.data_type == "binary") cf.binary_length = binary_length(c.column_type);
    cf.generated = c.is_generated;
    f.columns.push_back(std::move(cf));
  }
  f.pk = cols.pk;
  return f;
}

const TableFacts* FactsCatalog::find(std::string_view schema, std::string_view table) const {
  for (const TableFacts& t : tables_)
    if (t.schema == schema && t.table == table) return &t;
  return nullptr;
}

}  // namespace dbtrail::recover
