#include "recover/reversal_sql.h"

#include <algorithm>
#include <numeric>

#include "recover/row_image.h"
#include "recover/sql_literal.h"

namespace dbtrail::recover {

using index::ChangeRecord;
using index::ChangeType;

const char* change_type_text(ChangeType t) {
  switch (t) {
    case ChangeType::kInsert:
      return "INSERT";
    case ChangeType::kUpdate:
      return "UPDATE";
    case ChangeType::kDelete:
      return "DELETE";
  }
  return "?";
}

void sort_newest_first(std::vector<ChangeRecord>& changes) {
  std::vector<size_t> order(changes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const ChangeRecord& x = changes[a];
    const ChangeRecord& y = changes[b];
    if (x.event_id != y.event_id) return x.event_id > y.event_id;
    if (x.binlog_file != y.binlog_file) return x.binlog_file > y.binlog_file;
    if (x.start_pos != y.start_pos) return x.start_pos > y.start_pos;
    return a > b;
  });
  std::vector<ChangeRecord> sorted;
  sorted.reserve(changes.size());
  for (size_t i : order) sorted.push_back(std::move(changes[i]));
  changes = std::move(sorted);
}

namespace {

// "at mysql-bin.000001:1234" for error messages and comments.
std::string where_from(const ChangeRecord& c) {
  std::string s = c.binlog_file + ":" + std::to_string(c.start_pos);
  if (!c.gtid.empty()) s += " (GTID " + c.gtid + ")";
  return s;
}

// Comments must stay on one line whatever a file name or GTID contains.
std::string one_line(std::string s) {
  for (char& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return s;
}

Error in_change(const ChangeRecord& c, const std::string& column, const Error& e) {
  std::string what = std::string(change_type_text(c.type)) + " of " + c.schema + "." + c.table +
                     " at " + where_from(c);
  if (!column.empty()) what += ", column " + column;
  return make_error(e.code, "cannot reverse the " + what + ": " + e.message);
}

Result<std::string> literal_at(const RowImage& row, const TableFacts& t, uint32_t i,
                               const ChangeRecord& c) {
  auto lit = sql_literal(*row.cells[i], t.columns[i]);
  if (!lit.ok()) return in_change(c, t.columns[i].name, lit.error());
  return std::move(*lit);
}

// WHERE of the primary key: the after image's key where it has it, else the
// before image's (a MINIMAL after image carries only the changed columns).
Result<std::string> key_predicate(const RowImage& primary, const RowImage* fallback,
                                  const TableFacts& t, const ChangeRecord& c) {
  std::string out;
  for (size_t k = 0; k < t.pk.size(); ++k) {
    uint32_t i = t.pk[k];
    const RowImage* img =
        primary.cells[i] ? &primary : (fallback && fallback->cells[i] ? fallback : nullptr);
    if (!img) {
      return in_change(
          c, t.columns[i].name,
          make_error(ErrorCode::kUnsupported, "the row image lacks this primary-key column"));
    }
    auto lit = literal_at(*img, t, i, c);
    if (!lit.ok()) return lit.error();
    if (k) out += " AND ";
    out += quote_identifier(t.columns[i].name) + " = " + *lit;
  }
  return out;
}

Status need_full(const RowImage& row, const TableFacts& t, const ChangeRecord& c) {
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (!row.cells[i] && !t.columns[i].generated) {
      return in_change(c, t.columns[i].name,
                       make_error(ErrorCode::kUnsupported,
                                  "the before image lacks this column: the source logged with "
                                  "binlog_row_image other than FULL; set binlog_row_image=FULL"));
    }
  }
  return {};
}

Result<RowImage> image(const std::optional<std::string>& text, const char* which,
                       const TableFacts& t, const ChangeRecord& c) {
  if (!text) {
    return in_change(
        c, "", make_error(ErrorCode::kCorrupt, std::string("the ") + which + " image is missing"));
  }
  auto r = parse_row_image(*text, t);
  if (!r.ok()) return in_change(c, "", r.error());
  return std::move(*r);
}

// Appends the statement undoing c and fills op.
Status reverse_one(const ChangeRecord& c, const TableFacts& t, const ReversalOptions& o,
                   std::string& sql, Operation& op) {
  const std::string table = qualified_table(t.schema, t.table);
  if (t.pk.empty()) {
    return in_change(c, "",
                     make_error(ErrorCode::kUnsupported,
                                "the table has no primary key, so no statement can name "
                                "exactly this row; add a primary key"));
  }
  std::string stmt;
  switch (c.type) {
    case ChangeType::kDelete: {
      auto before = image(c.row_before, "before", t, c);
      if (!before.ok()) return before.error();
      DBT_TRY(need_full(*before, t, c));
      std::string cols, vals;
      for (uint32_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].generated) continue;
        auto lit = literal_at(*before, t, i, c);
        if (!lit.ok()) return lit.error();
        if (!cols.empty()) {
          cols += ", ";
          vals += ", ";
        }
        cols += quote_identifier(t.columns[i].name);
        vals += *lit;
      }
      stmt = "INSERT INTO " + table + " (" + cols + ") VALUES (" + vals + ");";
      op.action = "INSERT";
      auto pk = pk_text(*before, t);
      if (!pk.ok()) return in_change(c, "", pk.error());
      op.pk_values = *pk;
      break;
    }
    case ChangeType::kInsert: {
      auto after = image(c.row_after, "after", t, c);
      if (!after.ok()) return after.error();
      auto where = key_predicate(*after, nullptr, t, c);
      if (!where.ok()) return where.error();
      stmt = "DELETE FROM " + table + " WHERE " + *where + ";";
      op.action = "DELETE";
      auto pk = pk_text(*after, t);
      if (!pk.ok()) return in_change(c, "", pk.error());
      op.pk_values = *pk;
      break;
    }
    case ChangeType::kUpdate: {
      auto before = image(c.row_before, "before", t, c);
      if (!before.ok()) return before.error();
      auto after = image(c.row_after, "after", t, c);
      if (!after.ok()) return after.error();
      std::string set;
      for (uint32_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].generated || !before->cells[i]) continue;
        // Equal encodings are equal stored values (the encoding is canonical),
        // so only the changed columns need setting back.
        if (!o.set_all_columns && after->cells[i] && after->cells[i]->raw == before->cells[i]->raw)
          continue;
        auto lit = literal_at(*before, t, i, c);
        if (!lit.ok()) return lit.error();
        if (!set.empty()) set += ", ";
        set += quote_identifier(t.columns[i].name) + " = " + *lit;
        op.columns.push_back(t.columns[i].name);
      }
      auto where = key_predicate(*after, &*before, t, c);
      if (!where.ok()) return where.error();
      RowImage key_row = *after;
      for (uint32_t i : t.pk)
        if (!key_row.cells[i]) key_row.cells[i] = before->cells[i];
      auto pk = pk_text(key_row, t);
      if (!pk.ok()) return in_change(c, "", pk.error());
      op.pk_values = *pk;
      if (set.empty()) {
        op.action = "NONE";  // the update changed nothing: nothing to undo
        return {};
      }
      stmt = "UPDATE " + table + " SET " + set + " WHERE " + *where + ";";
      op.action = "UPDATE";
      break;
    }
  }
  if (o.comments) {
    sql += one_line("-- undo " + std::string(change_type_text(c.type)) + " at " + where_from(c)) +
           "\n";
  }
  sql += stmt;
  sql += '\n';
  return {};
}

}  // namespace

Result<ReversalPlan> generate_reversal(std::vector<ChangeRecord> changes, const FactsCatalog& facts,
                                       const ReversalOptions& options) {
  sort_newest_first(changes);
  ReversalPlan plan;
  std::string body;
  for (const ChangeRecord& c : changes) {
    const TableFacts* t = facts.find(c.schema, c.table);
    if (!t) {
      return make_error(ErrorCode::kNotFound,
                        "no column facts for " + c.schema + "." + c.table +
                            ": the table does not exist on the server the facts were read from");
    }
    Operation op;
    op.event_id = c.event_id;
    op.binlog_file = c.binlog_file;
    op.start_pos = c.start_pos;
    op.event_time = c.event_time;
    op.gtid = c.gtid;
    op.schema = c.schema;
    op.table = c.table;
    op.original = c.type;
    DBT_TRY(reverse_one(c, *t, options, body, op));
    if (op.action != "NONE") ++plan.affected_rows;
    plan.operations.push_back(std::move(op));
  }
  plan.sql = "-- dbtrail reversal of " + std::to_string(changes.size()) +
             " row changes, newest first\n"
             "SET NAMES utf8mb4;\n"
             "SET time_zone = '+00:00';\n"
             "START TRANSACTION;\n" +
             body + "COMMIT;\n";
  return plan;
}

}  // namespace dbtrail::recover
