#include "index/load_data_rows.h"

#include "index/mysql_store_sql.h"

namespace dbtrail::index::load_data {
namespace {

constexpr std::string_view kNull = "\\N";

void append_number(std::string& out, uint64_t v) { out += std::to_string(v); }

}  // namespace

std::string_view statement() {
  return "LOAD DATA LOCAL INFILE 'dbtrail-memory' INTO TABLE binlog_events "
         "CHARACTER SET binary "
         "FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\' "
         "LINES STARTING BY '' TERMINATED BY '\\n' "
         "(binlog_file, start_pos, end_pos, event_timestamp, gtid, connection_id, schema_name, "
         "table_name, event_type, pk_values, @changed_columns, row_before, row_after, "
         "schema_version) "
         "SET changed_columns = CONVERT(@changed_columns USING utf8mb4)";
}

void append_field(std::string& out, std::string_view value) {
  // Copy runs of plain bytes at once; only the five special bytes cost more.
  size_t run = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char* esc = nullptr;
    switch (value[i]) {
      case '\\':
        esc = "\\\\";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\0':
        esc = "\\0";
        break;
      default:
        continue;
    }
    out.append(value.substr(run, i - run));
    out.append(esc, 2);
    run = i + 1;
  }
  out.append(value.substr(run));
}

void append_row(std::string& out, const ChangeRecord& r) {
  append_field(out, r.binlog_file);
  out += '\t';
  append_number(out, r.start_pos);
  out += '\t';
  append_number(out, r.end_pos);
  out += '\t';
  out += mysql_sql::datetime(r.event_time);
  out += '\t';
  if (r.gtid.empty()) {
    out += kNull;
  } else {
    append_field(out, r.gtid);
  }
  out += '\t';
  if (r.connection_id) {
    append_number(out, *r.connection_id);
  } else {
    out += kNull;
  }
  out += '\t';
  append_field(out, r.schema);
  out += '\t';
  append_field(out, r.table);
  out += '\t';
  append_number(out, static_cast<unsigned>(r.type));
  out += '\t';
  append_field(out, r.pk_values);
  out += '\t';
  if (r.changed_columns.empty()) {
    out += kNull;
  } else {
    append_field(out, mysql_sql::string_array_json(r.changed_columns));
  }
  for (const std::optional<std::string>* image : {&r.row_before, &r.row_after}) {
    out += '\t';
    if (*image) {
      append_field(out, **image);
    } else {
      out += kNull;
    }
  }
  out += '\t';
  append_number(out, r.schema_version);
  out += '\n';
}

}  // namespace dbtrail::index::load_data
