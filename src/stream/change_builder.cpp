#include "stream/change_builder.h"

#include "binlog/value_json.h"
#include "index/json_strings.h"
#include "util/json_writer.h"

namespace dbtrail::stream {

std::string escape_pk_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '|') out += '\\';
    out += c;
  }
  return out;
}

bool split_pk_values(std::string_view pk, std::vector<std::string>& out) {
  out.clear();
  std::string cur;
  for (size_t i = 0; i < pk.size(); ++i) {
    char c = pk[i];
    if (c == '\\') {
      if (i + 1 >= pk.size() || (pk[i + 1] != '\\' && pk[i + 1] != '|')) return false;
      cur += pk[++i];
    } else if (c == '|') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return true;
}

namespace {

bool present(const binlog::RowImage& r, size_t i) {
  return i < r.values.size() && (i >= r.present.size() || r.present[i]);
}

// Appends the text form of one key value (see the header) to `out`.
void append_pk_value(const binlog::Value& v, const binlog::ColumnDef& col, std::string& out) {
  std::string json;
  JsonWriter w(json);
  binlog::write_value_json(w, v, col);
  std::string text;
  if (!json.empty() && json[0] == '"' && index::unescape_json_string(json, text)) {
    out += escape_pk_value(text);
  } else if (json == "null") {
    out += "NULL";
  } else {
    out += escape_pk_value(json);
  }
}

// Column indexes of the key: the table map's own, else the supplied names.
bool key_columns(const binlog::TableMap& t, const BuildOptions& o, std::vector<uint32_t>& keys) {
  keys.clear();
  if (!t.primary_key.empty()) {
    keys = t.primary_key;
    return true;
  }
  if (o.pk_columns == nullptr || o.pk_columns->empty()) return false;
  for (const std::string& name : *o.pk_columns) {
    bool found = false;
    for (uint32_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].name == name) {
        keys.push_back(i);
        found = true;
        break;
      }
    }
    if (!found) return false;  // the snapshot does not describe this table map
  }
  return true;
}

bool has_all(const binlog::RowImage& r, const std::vector<uint32_t>& keys) {
  for (uint32_t k : keys) {
    if (!present(r, k)) return false;
  }
  return true;
}

std::string column_name(const binlog::TableMap& t, size_t i) {
  const std::string& n = t.columns[i].name;
  return n.empty() ? "@" + std::to_string(i + 1) : n;
}

}  // namespace

void build_change(const binlog::RowChange& c, std::string_view binlog_file,
                  const BuildOptions& opts, index::ChangeRecord& out) {
  const binlog::TableMap& t = *c.table;
  out.event_id = 0;
  out.binlog_file.assign(binlog_file);
  out.start_pos = c.pos;
  out.end_pos = c.end_pos;
  out.event_time = c.timestamp;
  out.gtid = c.txn ? c.txn->gtid : std::string();
  out.connection_id = c.txn ? c.txn->connection_id : std::nullopt;
  out.schema = t.schema;
  out.table = t.table;
  out.schema_version = opts.schema_version;
  switch (c.kind) {
    case binlog::RowsKind::kUpdate: out.type = index::ChangeType::kUpdate; break;
    case binlog::RowsKind::kDelete: out.type = index::ChangeType::kDelete; break;
    default: out.type = index::ChangeType::kInsert; break;
  }

  out.row_before.reset();
  out.row_after.reset();
  if (c.before != nullptr) {
    out.row_before.emplace();
    JsonWriter w(*out.row_before);
    binlog::write_row_json(w, *c.before, t);
  }
  if (c.after != nullptr) {
    out.row_after.emplace();
    JsonWriter w(*out.row_after);
    binlog::write_row_json(w, *c.after, t);
  }

  out.pk_values.clear();
  std::vector<uint32_t> keys;
  if (key_columns(t, opts, keys)) {
    const binlog::RowImage* img = c.after != nullptr ? c.after : c.before;
    if (c.kind == binlog::RowsKind::kDelete || (c.after != nullptr && !has_all(*c.after, keys))) {
      img = c.before;
    }
    if (img != nullptr && has_all(*img, keys)) {
      for (size_t k = 0; k < keys.size(); ++k) {
        if (k) out.pk_values += '|';
        append_pk_value(img->values[keys[k]], t.columns[keys[k]], out.pk_values);
      }
    }
  }

  out.changed_columns.clear();
  if (c.kind == binlog::RowsKind::kUpdate && c.before != nullptr && c.after != nullptr) {
    std::string a, b;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (!present(*c.after, i)) continue;  // not in the after image: not known to change
      if (!present(*c.before, i)) {
        out.changed_columns.push_back(column_name(t, i));
        continue;
      }
      a.clear();
      b.clear();
      JsonWriter wa(a), wb(b);
      binlog::write_value_json(wa, c.after->values[i], t.columns[i]);
      binlog::write_value_json(wb, c.before->values[i], t.columns[i]);
      if (a != b) out.changed_columns.push_back(column_name(t, i));
    }
  }
}

}  // namespace dbtrail::stream
