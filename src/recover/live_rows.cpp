#include "recover/live_rows.h"

#include <charconv>

#include "recover/sql_literal.h"
#include "util/base64.h"
#include "util/json_writer.h"

namespace dbtrail::recover {

namespace {

std::string unhex(const std::string& h) {
  std::string out;
  out.reserve(h.size() / 2);
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(nib(h[i]) * 16 + nib(h[i + 1]));
  return out;
}

// Shortest text that reads back as the same float32 / float64, as the decoder writes.
Result<std::string> shortest(const std::string& text, bool single) {
  double d = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc())
    return make_error(ErrorCode::kCorrupt, "server returned a non-number: " + text);
  char buf[64];
  auto r = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d))
                  : std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

}  // namespace

Result<std::vector<std::string>> read_live_rows(mysql::Connection& conn, const TableFacts& t,
                                                const std::string& where) {
  std::string select;
  for (const ColumnFacts& c : t.columns) {
    std::string q = quote_identifier(c.name);
    if (!select.empty()) select += ", ";
    switch (c.literal) {
      case LiteralClass::kBinary:
      case LiteralClass::kGeometry:
        select += "HEX(" + q + ")";
        break;
      case LiteralClass::kBit:
        select += "CAST(" + q + " AS UNSIGNED)";
        break;
      case LiteralClass::kYear:
        select += q + " + 0";
        break;  // "0000" is no JSON number
      case LiteralClass::kFloat:
        select += c.data_type == "float" ? "CAST(" + q + " AS DOUBLE)" : q;
        break;
      case LiteralClass::kVector:
        return make_error(ErrorCode::kUnsupported,
                          "reading VECTOR column " + c.name + " is not supported yet");
      default:
        select += q;
    }
  }
  DBT_TRY(conn.query("SET time_zone = '+00:00'"));
  auto res = conn.query("SELECT " + select + " FROM " + qualified_table(t.schema, t.table) +
                        (where.empty() ? "" : " WHERE " + where));
  if (!res.ok()) return res.error();
  std::vector<std::string> out;
  for (const mysql::Row& r : *res) {
    std::string json;
    JsonWriter w(json);
    w.begin_object();
    for (size_t i = 0; i < t.columns.size() && i < r.size(); ++i) {
      const ColumnFacts& c = t.columns[i];
      w.key(c.name);
      if (!r[i]) {
        w.null();
        continue;
      }
      const std::string& v = *r[i];
      switch (c.literal) {
        case LiteralClass::kInteger:
        case LiteralClass::kYear:
        case LiteralClass::kBit:
          w.raw(v);
          break;
        case LiteralClass::kFloat: {
          auto s = shortest(v, c.data_type == "float");
          if (!s.ok()) return s.error();
          w.raw(*s);
          break;
        }
        case LiteralClass::kJson:
          w.raw(v);
          break;
        case LiteralClass::kBinary:
        case LiteralClass::kGeometry: {
          std::string bytes = unhex(v);
          // The binlog carries BINARY(n) without its 0x00 pad: match it.
          if (c.binary_length)
            while (!bytes.empty() && bytes.back() == '\0') bytes.pop_back();
          w.begin_object();
          w.key("base64");
          w.string(base64_encode(bytes));
          w.end_object();
          break;
        }
        default:
          if (!w.string_if_utf8(v)) {
            return make_error(ErrorCode::kCorrupt,
                              "column " + c.name + " came back as invalid UTF-8");
          }
      }
    }
    w.end_object();
    out.push_back(std::move(json));
  }
  return out;
}

}  // namespace dbtrail::recover
