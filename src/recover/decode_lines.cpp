#include "recover/decode_lines.h"

#include <charconv>

#include "recover/json_reader.h"
#include "util/time_format.h"

namespace dbtrail::recover {

Result<int64_t> parse_utc_time(std::string_view s) {
  auto bad = [&] {
    return make_error(
        ErrorCode::kInvalidArgument,
        "time '" + std::string(s) + "' is not YYYY-MM-DDTHH:MM:SSZ (UTC) or YYYY-MM-DD HH:MM:SS");
  };
  if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':') {
    return bad();
  }
  auto num = [&](size_t at, size_t len, int64_t& out) {
    auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + len, out);
    return ec == std::errc() && p == s.data() + at + len;
  };
  int64_t y, mo, d, h, mi, se;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
    return bad();
  }
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
         h * 3600 + mi * 60 + se;
}

Result<index::ChangeRecord> change_from_decode_line(std::string_view line, uint64_t sequence) {
  auto fail = [&](const std::string& what) {
    return make_error(ErrorCode::kCorrupt, "decode line " + std::to_string(sequence) + ": " + what +
                                               " (expected the output of `dbtrail binlog decode`)");
  };
  auto parsed = parse_json(line);
  if (!parsed.ok()) return fail(parsed.error().message);
  const JsonValue& v = *parsed;
  auto str = [&](const char* key) -> const JsonValue* {
    const JsonValue* m = v.find(key);
    return m && m->kind == JsonKind::kString ? m : nullptr;
  };
  auto u64 = [&](const char* key, uint64_t& out) {
    const JsonValue* m = v.find(key);
    if (!m || m->kind != JsonKind::kNumber) return false;
    auto [p, ec] = std::from_chars(m->text.data(), m->text.data() + m->text.size(), out);
    return ec == std::errc() && p == m->text.data() + m->text.size();
  };
  index::ChangeRecord c;
  c.event_id = sequence;
  const JsonValue *file = str("file"), *schema = str("schema"), *table = str("table"),
                  *type = str("type"), *ts = str("ts");
  if (!file || !schema || !table || !type || !ts)
    return fail("missing file, ts, schema, table or type");
  if (!u64("pos", c.start_pos) || !u64("end_pos", c.end_pos)) return fail("missing pos or end_pos");
  c.binlog_file = file->text;
  c.schema = schema->text;
  c.table = table->text;
  auto t = parse_utc_time(ts->text);
  if (!t.ok()) return fail(t.error().message);
  c.event_time = *t;
  if (const JsonValue* g = str("gtid")) c.gtid = g->text;
  uint64_t conn = 0;
  if (u64("connection_id", conn)) c.connection_id = conn;
  if (type->text == "INSERT")
    c.type = index::ChangeType::kInsert;
  else if (type->text == "UPDATE")
    c.type = index::ChangeType::kUpdate;
  else if (type->text == "DELETE")
    c.type = index::ChangeType::kDelete;
  else
    return fail("unknown type " + type->text);
  const JsonValue* before = v.find("before");
  const JsonValue* after = v.find("after");
  if (before && before->kind == JsonKind::kObject) c.row_before = before->raw;
  if (after && after->kind == JsonKind::kObject) c.row_after = after->raw;
  if (c.type != index::ChangeType::kInsert && !c.row_before)
    return fail("missing the before image");
  if (c.type != index::ChangeType::kDelete && !c.row_after) return fail("missing the after image");
  return c;
}

Result<std::vector<index::ChangeRecord>> changes_from_decode_output(std::string_view text) {
  std::vector<index::ChangeRecord> out;
  uint64_t n = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto c = change_from_decode_line(line, n);
    if (!c.ok()) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

}  // namespace dbtrail::recover
