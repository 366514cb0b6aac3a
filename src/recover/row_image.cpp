#include "recover/row_image.h"

#include "util/json_writer.h"

namespace dbtrail::recover {

Result<RowImage> row_image_from(const JsonValue& obj, const TableFacts& t) {
  if (obj.kind != JsonKind::kObject) {
    return make_error(ErrorCode::kCorrupt, "a row image must be a JSON object");
  }
  RowImage row;
  row.cells.resize(t.columns.size());
  for (const auto& [key, value] : obj.members) {
    int i = t.column_index(key);
    if (i < 0) {
      return make_error(ErrorCode::kNotFound,
                        "the row image names column " + key + " which " + t.schema + "." + t.table +
                            " does not have now: the table changed after this change was logged; "
                            "reverse only the changes made after that schema change");
    }
    row.cells[static_cast<size_t>(i)] = value;
  }
  return row;
}

Result<RowImage> parse_row_image(std::string_view json, const TableFacts& t) {
  auto v = parse_json(json);
  if (!v.ok()) return v.error();
  return row_image_from(*v, t);
}

std::string row_image_json(const RowImage& row, const TableFacts& t) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  for (size_t i = 0; i < row.cells.size() && i < t.columns.size(); ++i) {
    if (!row.cells[i]) continue;
    w.key(t.columns[i].name);
    w.raw(row.cells[i]->raw);
  }
  w.end_object();
  return out;
}

Result<std::string> pk_text(const RowImage& row, const TableFacts& t) {
  if (t.pk.empty()) {
    return make_error(ErrorCode::kUnsupported,
                      t.schema + "." + t.table +
                          " has no primary key: a row cannot be named exactly; add a primary key");
  }
  std::string out;
  for (size_t k = 0; k < t.pk.size(); ++k) {
    uint32_t i = t.pk[k];
    if (i >= row.cells.size() || !row.cells[i]) {
      return make_error(ErrorCode::kInvalidArgument,
                        "the row image lacks primary-key column " + t.columns[i].name +
                            " (binlog_row_image must be FULL or MINIMAL with the key)");
    }
    if (k) out += '|';
    const JsonValue& v = *row.cells[i];
    if (v.kind == JsonKind::kString || v.kind == JsonKind::kNumber) {
      out += v.text;
    } else if (const JsonValue* b = v.find("base64")) {
      out += b->text;
    } else {
      out += v.raw;
    }
  }
  return out;
}

}  // namespace dbtrail::recover
