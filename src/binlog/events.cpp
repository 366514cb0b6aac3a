#include "binlog/events.h"

#include <cctype>
#include <string>

namespace dbtrail::binlog {

Result<QueryEvent> parse_query(Bytes body, uint8_t post_header_len) {
  Cursor c(body);
  QueryEvent q;
  q.thread_id = c.u32();
  q.exec_time = c.u32();
  uint8_t db_len = c.u8();
  q.error_code = c.u16();
  size_t status_len = 0;
  if (post_header_len >= 13) status_len = c.u16();
  if (post_header_len > 13) c.skip(post_header_len - 13u);
  c.skip(status_len);
  q.schema = c.str(db_len);
  c.skip(1);  // NUL after the db name
  if (!c.ok()) {
    return make_error(ErrorCode::kCorrupt, "QUERY event body (" + std::to_string(body.size()) +
                                               " bytes) ends inside its header or schema name");
  }
  q.query = c.str(c.remaining());
  return q;
}

Result<RotateEvent> parse_rotate(Bytes body, uint8_t post_header_len) {
  Cursor c(body);
  RotateEvent r;
  if (post_header_len >= 8) {
    r.position = c.u64();
    if (post_header_len > 8) c.skip(post_header_len - 8u);
  }
  if (!c.ok()) return make_error(ErrorCode::kCorrupt, "ROTATE event body is too short");
  r.next_file = c.str(c.remaining());
  return r;
}

Result<uint64_t> parse_xid(Bytes body) {
  Cursor c(body);
  uint64_t x = c.u64();
  if (!c.ok()) return make_error(ErrorCode::kCorrupt, "XID event body is shorter than 8 bytes");
  return x;
}

std::string_view parse_rows_query(Bytes body) {
  return body.empty() ? std::string_view{} : as_chars(body.subspan(1));
}

Result<IncidentEvent> parse_incident(Bytes body) {
  Cursor c(body);
  IncidentEvent e;
  e.number = c.u16();
  uint8_t len = c.u8();
  e.message = c.str(len);
  if (!c.ok()) return make_error(ErrorCode::kCorrupt, "INCIDENT event body is truncated");
  return e;
}

namespace {
bool starts_with_word(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != word[i]) return false;
  }
  return s.size() == word.size() || !std::isalnum(static_cast<unsigned char>(s[word.size()]));
}
}  // namespace

QueryKind classify_query(std::string_view sql) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) sql.remove_prefix(1);
  if (starts_with_word(sql, "BEGIN")) return QueryKind::kBegin;
  if (starts_with_word(sql, "COMMIT")) return QueryKind::kCommit;
  if (starts_with_word(sql, "ROLLBACK")) {
    // "ROLLBACK TO SAVEPOINT x" stays inside the transaction.
    std::string_view rest = sql.substr(8);
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) rest.remove_prefix(1);
    return starts_with_word(rest, "TO") ? QueryKind::kOther : QueryKind::kRollback;
  }
  if (starts_with_word(sql, "XA")) return QueryKind::kXaBoundary;
  return QueryKind::kOther;
}

}  // namespace dbtrail::binlog
