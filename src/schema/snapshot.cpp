#include "schema/snapshot.h"

#include <cctype>
#include <cstdlib>

#include "util/json_dom.h"
#include "util/json_writer.h"

namespace dbtrail::schema {

const Column* Table::find(std::string_view column) const {
  int i = index_of(column);
  return i < 0 ? nullptr : &columns[size_t(i)];
}

int Table::index_of(std::string_view column) const {
  // Column names compare case-insensitively in MySQL.
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& n = columns[i].name;
    if (n.size() != column.size()) continue;
    bool eq = true;
    for (size_t k = 0; k < n.size() && eq; ++k) {
      eq = std::tolower(static_cast<unsigned char>(n[k])) ==
           std::tolower(static_cast<unsigned char>(column[k]));
    }
    if (eq) return int(i);
  }
  return -1;
}

const Table* Snapshot::find(std::string_view schema, std::string_view table) const {
  auto it = tables.find({std::string(schema), std::string(table)});
  return it == tables.end() ? nullptr : &it->second;
}

namespace {

const char* generated_name(Generated g) {
  switch (g) {
    case Generated::kVirtual:
      return "VIRTUAL";
    case Generated::kStored:
      return "STORED";
    default:
      return nullptr;
  }
}

void write_names(JsonWriter& w, const std::vector<std::string>& names) {
  w.begin_array();
  for (const auto& n : names) w.string(n);
  w.end_array();
}

}  // namespace

std::string to_json(const Snapshot& s) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("format");
  w.int64(1);
  w.key("flavor");
  w.string(s.flavor);
  w.key("server");
  w.string(s.server);
  if (s.change) {
    w.key("change");
    w.begin_object();
    w.key("ddl_type");
    w.string(s.change->ddl_type);
    w.key("schema");
    w.string(s.change->schema);
    w.key("table");
    w.string(s.change->table);
    w.key("ddl");
    w.string(s.change->ddl);
    w.key("gtid");
    w.string(s.change->gtid);
    w.end_object();
  }
  w.key("tables");
  w.begin_array();
  for (const auto& [key, t] : s.tables) {
    w.begin_object();
    w.key("schema");
    w.string(t.schema);
    w.key("table");
    w.string(t.name);
    w.key("columns");
    w.begin_array();
    for (const auto& c : t.columns) {
      w.begin_object();
      w.key("name");
      w.string(c.name);
      w.key("data_type");
      w.string(c.data_type);
      w.key("column_type");
      w.string(c.column_type);
      w.key("unsigned");
      w.boolean(c.is_unsigned);
      w.key("collation");
      w.int64(c.collation);
      w.key("nullable");
      w.boolean(c.nullable);
      w.key("generated");
      if (const char* g = generated_name(c.generated))
        w.string(g);
      else
        w.null();
      if (!c.enum_values.empty()) {
        w.key("values");
        write_names(w, c.enum_values);
      }
      w.end_object();
    }
    w.end_array();
    w.key("primary_key");
    write_names(w, t.primary_key);
    w.key("unique_keys");
    w.begin_array();
    for (const auto& u : t.unique_keys) {
      w.begin_object();
      w.key("name");
      w.string(u.name);
      w.key("columns");
      write_names(w, u.columns);
      w.end_object();
    }
    w.end_array();
    w.key("foreign_keys");
    w.begin_array();
    for (const auto& f : t.foreign_keys) {
      w.begin_object();
      w.key("name");
      w.string(f.name);
      w.key("columns");
      write_names(w, f.columns);
      w.key("ref_schema");
      w.string(f.ref_schema);
      w.key("ref_table");
      w.string(f.ref_table);
      w.key("ref_columns");
      write_names(w, f.ref_columns);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

namespace {

using json_dom::Kind;
using json_dom::Node;

struct Reader {
  std::string error;

  const Node* member(const Node& o, std::string_view key, Kind kind, bool required = true) {
    auto it = o.members.find(key);
    if (it == o.members.end() || it->second.kind != kind) {
      if (required && error.empty())
        error = "member \"" + std::string(key) + "\" is missing or of the wrong type";
      return nullptr;
    }
    return &it->second;
  }
  std::string str(const Node& o, std::string_view key, bool required = true) {
    const Node* n = member(o, key, Kind::kString, required);
    return n ? n->text : std::string();
  }
  bool flag(const Node& o, std::string_view key) {
    auto it = o.members.find(key);
    if (it == o.members.end()) return false;
    if (it->second.kind != Kind::kTrue && it->second.kind != Kind::kFalse) {
      if (error.empty()) error = "member \"" + std::string(key) + "\" is not a boolean";
      return false;
    }
    return it->second.kind == Kind::kTrue;
  }
  std::vector<std::string> names(const Node& o, std::string_view key, bool required = true) {
    std::vector<std::string> out;
    const Node* a = member(o, key, Kind::kArray, required);
    if (!a) return out;
    for (const auto& e : a->elements) {
      if (e.kind != Kind::kString) {
        if (error.empty()) error = "\"" + std::string(key) + "\" holds a non-string";
        return out;
      }
      out.push_back(e.text);
    }
    return out;
  }
};

}  // namespace

Result<Snapshot> from_json(std::string_view json) {
  auto doc = json_dom::parse(json, 16);
  if (!doc.ok())
    return make_error(ErrorCode::kCorrupt,
                      "schema snapshot is not valid JSON: " + doc.error().message);
  const Node& root = doc.value();
  if (root.kind != Kind::kObject)
    return make_error(ErrorCode::kCorrupt, "schema snapshot is not a JSON object");
  Reader r;
  Snapshot s;
  const Node* fmt = r.member(root, "format", Kind::kNumber);
  if (fmt && fmt->text != "1") {
    return make_error(ErrorCode::kCorrupt, "schema snapshot format " + fmt->text +
                                               " is not supported (this dbtrail reads format 1)");
  }
  s.flavor = r.str(root, "flavor", false);
  s.server = r.str(root, "server", false);
  if (const Node* c = r.member(root, "change", Kind::kObject, false)) {
    Change ch;
    ch.ddl_type = r.str(*c, "ddl_type");
    ch.schema = r.str(*c, "schema");
    ch.table = r.str(*c, "table");
    ch.ddl = r.str(*c, "ddl");
    ch.gtid = r.str(*c, "gtid", false);
    s.change = std::move(ch);
  }
  if (const Node* tables = r.member(root, "tables", Kind::kArray)) {
    for (const Node& tn : tables->elements) {
      if (tn.kind != Kind::kObject) {
        r.error = "a \"tables\" entry is not an object";
        break;
      }
      Table t;
      t.schema = r.str(tn, "schema");
      t.name = r.str(tn, "table");
      if (const Node* cols = r.member(tn, "columns", Kind::kArray)) {
        for (const Node& cn : cols->elements) {
          if (cn.kind != Kind::kObject) {
            r.error = "a \"columns\" entry is not an object";
            break;
          }
          Column c;
          c.name = r.str(cn, "name");
          c.data_type = r.str(cn, "data_type", false);
          c.column_type = r.str(cn, "column_type", false);
          c.is_unsigned = r.flag(cn, "unsigned");
          c.nullable = r.flag(cn, "nullable");
          if (const Node* col = r.member(cn, "collation", Kind::kNumber, false)) {
            c.collation = uint16_t(std::strtoul(col->text.c_str(), nullptr, 10));
          }
          std::string g = r.str(cn, "generated", false);
          c.generated = g == "VIRTUAL"  ? Generated::kVirtual
                        : g == "STORED" ? Generated::kStored
                                        : Generated::kNo;
          c.enum_values = r.names(cn, "values", false);
          t.columns.push_back(std::move(c));
        }
      }
      t.primary_key = r.names(tn, "primary_key", false);
      if (const Node* uks = r.member(tn, "unique_keys", Kind::kArray, false)) {
        for (const Node& u : uks->elements) {
          if (u.kind != Kind::kObject) continue;
          t.unique_keys.push_back({r.str(u, "name", false), r.names(u, "columns")});
        }
      }
      if (const Node* fks = r.member(tn, "foreign_keys", Kind::kArray, false)) {
        for (const Node& f : fks->elements) {
          if (f.kind != Kind::kObject) continue;
          t.foreign_keys.push_back({r.str(f, "name", false), r.names(f, "columns"),
                                    r.str(f, "ref_schema"), r.str(f, "ref_table"),
                                    r.names(f, "ref_columns")});
        }
      }
      if (!r.error.empty()) break;
      auto key = std::make_pair(t.schema, t.name);
      s.tables.emplace(std::move(key), std::move(t));
    }
  }
  if (!r.error.empty()) return make_error(ErrorCode::kCorrupt, "schema snapshot: " + r.error);
  return s;
}

}  // namespace dbtrail::schema
