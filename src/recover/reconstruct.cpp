#include "recover/reconstruct.h"

#include <map>
#include <set>

#include "recover/reversal_sql.h"
#include "recover/row_image.h"
#include "recover/sql_literal.h"

namespace dbtrail::recover {

using index::ChangeRecord;
using index::ChangeType;

namespace {

using RowMap = std::map<std::string, RowImage>;  // pk text -> row

struct Images {
  std::optional<RowImage> before, after;
  std::string before_pk, after_pk;
};

Result<Images> images_of(const ChangeRecord& c, const TableFacts& t) {
  Images im;
  auto where = [&](const Error& e) {
    return make_error(e.code, std::string(change_type_text(c.type)) + " at " + c.binlog_file + ":" +
                                  std::to_string(c.start_pos) + ": " + e.message);
  };
  if (c.row_before) {
    auto r = parse_row_image(*c.row_before, t);
    if (!r.ok()) return where(r.error());
    im.before = std::move(*r);
    auto pk = pk_text(*im.before, t);
    if (!pk.ok()) return where(pk.error());
    im.before_pk = *pk;
  }
  if (c.row_after) {
    auto r = parse_row_image(*c.row_after, t);
    if (!r.ok()) return where(r.error());
    im.after = std::move(*r);
    // A MINIMAL after image may lack an unchanged key: take it from before.
    for (uint32_t i : t.pk)
      if (!im.after->cells[i] && im.before) im.after->cells[i] = im.before->cells[i];
    auto pk = pk_text(*im.after, t);
    if (!pk.ok()) return where(pk.error());
    im.after_pk = *pk;
  }
  if ((c.type != ChangeType::kInsert && !im.before) ||
      (c.type != ChangeType::kDelete && !im.after)) {
    return where(make_error(ErrorCode::kCorrupt, "a row image is missing"));
  }
  return im;
}

std::vector<ChangeRecord> of_table(std::vector<ChangeRecord> changes, const TableFacts& t) {
  std::vector<ChangeRecord> out;
  for (auto& c : changes)
    if (c.schema == t.schema && c.table == t.table) out.push_back(std::move(c));
  return out;
}

Reconstruction finish(const RowMap& rows, const TableFacts& t, std::vector<std::string> warnings) {
  Reconstruction r;
  for (const auto& [pk, row] : rows) r.rows.push_back({pk, row_image_json(row, t)});
  r.warnings = std::move(warnings);
  return r;
}

}  // namespace

Result<Reconstruction> reconstruct_table(const TableFacts& t,
                                         const std::vector<std::string>& current_rows,
                                         std::vector<ChangeRecord> changes, int64_t at) {
  RowMap rows;
  for (const std::string& text : current_rows) {
    auto r = parse_row_image(text, t);
    if (!r.ok()) return r.error();
    auto pk = pk_text(*r, t);
    if (!pk.ok()) return pk.error();
    rows[*pk] = std::move(*r);
  }
  std::vector<std::string> warnings;
  auto mine = of_table(std::move(changes), t);
  sort_newest_first(mine);
  for (const ChangeRecord& c : mine) {
    if (c.event_time <= at) continue;
    auto im = images_of(c, t);
    if (!im.ok()) return im.error();
    std::string at_pos = c.binlog_file + ":" + std::to_string(c.start_pos);
    if (c.type != ChangeType::kDelete) {
      auto it = rows.find(im->after_pk);
      if (it == rows.end()) {
        warnings.push_back("row " + im->after_pk + " changed at " + at_pos +
                           " is not in the current rows");
      }
    }
    switch (c.type) {
      case ChangeType::kInsert:
        rows.erase(im->after_pk);
        break;
      case ChangeType::kDelete:
        if (rows.count(im->before_pk)) {
          warnings.push_back("row " + im->before_pk + " deleted at " + at_pos +
                             " exists in the current rows");
        }
        rows[im->before_pk] = std::move(*im->before);
        break;
      case ChangeType::kUpdate: {
        RowImage restored = std::move(*im->before);
        auto it = rows.find(im->after_pk);
        if (it != rows.end()) {
          for (size_t i = 0; i < restored.cells.size(); ++i)
            if (!restored.cells[i]) restored.cells[i] = it->second.cells[i];
          rows.erase(it);
        }
        rows[im->before_pk] = std::move(restored);
        break;
      }
    }
  }
  return finish(rows, t, std::move(warnings));
}

Result<Reconstruction> reconstruct_from_history(const TableFacts& t,
                                                std::vector<ChangeRecord> changes, int64_t at) {
  auto mine = of_table(std::move(changes), t);
  sort_newest_first(mine);
  RowMap rows;                 // state as of the replay point (rows alive then)
  std::set<std::string> seen;  // keys whose state is already known
  for (auto it = mine.rbegin(); it != mine.rend(); ++it) {  // oldest first
    const ChangeRecord& c = *it;
    auto im = images_of(c, t);
    if (!im.ok()) return im.error();
    bool before_t = c.event_time <= at;
    // First sight of a key through an UPDATE/DELETE: the row existed, as the
    // before image says, at every moment since its previous (unseen) change.
    if (c.type != ChangeType::kInsert && seen.insert(im->before_pk).second) {
      rows[im->before_pk] = *im->before;
    }
    if (c.type != ChangeType::kDelete) seen.insert(im->after_pk);
    if (!before_t) continue;  // after T only discovers rows; it changes nothing at T
    switch (c.type) {
      case ChangeType::kInsert:
        rows[im->after_pk] = std::move(*im->after);
        break;
      case ChangeType::kDelete:
        rows.erase(im->before_pk);
        break;
      case ChangeType::kUpdate: {
        RowImage next = std::move(*im->after);
        auto cur = rows.find(im->before_pk);
        if (cur != rows.end()) {
          for (size_t i = 0; i < next.cells.size(); ++i)
            if (!next.cells[i]) next.cells[i] = cur->second.cells[i];
          rows.erase(cur);
        }
        rows[im->after_pk] = std::move(next);
        break;
      }
    }
  }
  return finish(rows, t, {});
}

Result<std::string> rows_insert_sql(const std::vector<ReconstructedRow>& rows, const TableFacts& t,
                                    const std::string& schema, const std::string& table) {
  std::string cols;
  for (const ColumnFacts& c : t.columns) {
    if (c.generated) continue;
    if (!cols.empty()) cols += ", ";
    cols += quote_identifier(c.name);
  }
  // TIMESTAMP values are UTC in the encoding.
  std::string sql = "SET NAMES utf8mb4;\nSET time_zone = '+00:00';\n";
  for (const ReconstructedRow& r : rows) {
    auto img = parse_row_image(r.row, t);
    if (!img.ok()) return img.error();
    std::string vals;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i].generated) continue;
      if (!img->cells[i]) {
        return make_error(ErrorCode::kUnsupported, "row " + r.pk_values + " lacks column " +
                                                       t.columns[i].name +
                                                       " (images were not FULL)");
      }
      auto lit = sql_literal(*img->cells[i], t.columns[i]);
      if (!lit.ok()) {
        return make_error(lit.error().code, "row " + r.pk_values + ", column " + t.columns[i].name +
                                                ": " + lit.error().message);
      }
      if (!vals.empty()) vals += ", ";
      vals += *lit;
    }
    sql += "INSERT INTO " + qualified_table(schema, table) + " (" + cols + ") VALUES (" + vals +
           ");\n";
  }
  return sql;
}

}  // namespace dbtrail::recover
