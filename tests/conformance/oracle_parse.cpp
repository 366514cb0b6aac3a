#include "oracle_parse.h"

#include "util/base64.h"
#include "util/json_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace dbtrail::conformance {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "`db`.`t`" -> db, t. Backquotes inside names are doubled by the server; the
// fixtures have none, and a name we split wrongly only shows up as a mismatch.
bool split_qualified_name(std::string_view s, std::string& schema, std::string& table) {
  s = trim(s);
  if (s.size() < 5 || s.front() != '`' || s.back() != '`') return false;
  size_t mid = s.find("`.`");
  if (mid == std::string_view::npos) return false;
  schema.assign(s.substr(1, mid - 1));
  table.assign(s.substr(mid + 3, s.size() - mid - 4));
  return true;
}

// "@3='x' /* VARSTRING(765) meta=765 nullable=0 is_null=0 */" (after "###   ").
// The comment is always last on the line and holds no "/* " itself, so the
// last " /* " starts it even when the value text contains one.
bool parse_cell(std::string_view s, OracleCell& cell) {
  if (s.empty() || s.front() != '@') return false;
  size_t eq = s.find('=');
  if (eq == std::string_view::npos || eq < 2) return false;
  int n = 0;
  for (char c : s.substr(1, eq - 1)) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  cell.column = n;
  std::string_view rest = s.substr(eq + 1);
  size_t cpos = rest.rfind(" /* ");
  bool commented = cpos != std::string_view::npos && rest.size() >= 2 &&
                   rest.substr(rest.size() - 2) == "*/" &&
                   rest.find(" meta=", cpos) != std::string_view::npos;
  if (!commented) {
    // `-v` output: the value alone, no type.
    cell.text.assign(rest);
    cell.type.clear();
    cell.type_args.clear();
    cell.is_null = rest == "NULL";
    return true;
  }
  std::string_view value = rest.substr(0, cpos);
  // FLOAT is printed "%-20g": padded on the right. Quoted values keep their
  // bytes; only the padding outside the closing quote is cut.
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  cell.text.assign(value);
  std::string_view comment = rest.substr(cpos + 4, rest.size() - cpos - 6);
  comment = trim(comment);
  size_t word_end = comment.find_first_of(" (");
  cell.type.assign(comment.substr(0, word_end));
  size_t meta = comment.find(" meta=");
  if (word_end != std::string_view::npos && meta != std::string_view::npos && meta > word_end)
    cell.type_args.assign(trim(comment.substr(word_end, meta - word_end)));
  else
    cell.type_args.clear();
  cell.is_null = comment.find("is_null=1") != std::string_view::npos;
  return !cell.type.empty();
}

// An event header line: "#170413 14:34:30 server id 1  end_log_pos ...".
bool is_event_header(std::string_view line) {
  return line.size() > 2 && line[0] == '#' &&
         (line[1] == ' ' || (line[1] >= '0' && line[1] <= '9')) &&
         line.find(" server id ") != std::string_view::npos;
}

bool is_rows_event_header(std::string_view line) {
  return line.find("\tWrite_rows") != std::string_view::npos ||
         line.find("\tUpdate_rows") != std::string_view::npos ||
         line.find("\tDelete_rows") != std::string_view::npos;
}

}  // namespace

OracleDecoding parse_mysqlbinlog_vv(std::string_view text) {
  OracleDecoding out;
  // "# at N" lines not yet paired with their event header line, the headers
  // seen since, and the rows-event positions of the group being printed.
  std::vector<uint64_t> pending_at;
  std::vector<bool> pending_is_rows;
  std::vector<uint64_t> group;
  enum class Section { kNone, kBefore, kAfter } section = Section::kNone;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (starts_with(line, "# at ")) {
      pending_at.push_back(std::strtoull(std::string(line.substr(5)).c_str(), nullptr, 10));
      section = Section::kNone;
      continue;
    }
    if (is_event_header(line)) {
      if (pending_is_rows.size() < pending_at.size())
        pending_is_rows.push_back(is_rows_event_header(line));
      continue;
    }
    if (starts_with(line, "# Ignorable event type") && line.find("(Unknown)") != line.npos) {
      out.unknown_events.emplace_back(line);
      continue;
    }
    if (starts_with(line, "# Unknown event")) {
      out.unknown_events.emplace_back(line);
      continue;
    }
    if (!starts_with(line, "###")) continue;

    std::string_view body = line.substr(3);
    auto begin_row = [&](const char* kind, std::string_view names) {
      if (!pending_at.empty()) {
        // First row of a new group: its candidates are the rows events among
        // the positions printed since the previous group (all of them if the
        // headers could not be paired).
        group.clear();
        for (size_t i = 0; i < pending_at.size(); ++i)
          if (i < pending_is_rows.size() && pending_is_rows[i]) group.push_back(pending_at[i]);
        if (group.empty()) group = pending_at;
        pending_at.clear();
        pending_is_rows.clear();
      }
      OracleRow r;
      r.event_positions = group;
      r.kind = kind;
      if (!split_qualified_name(names, r.schema, r.table)) out.unparsed.emplace_back(line);
      out.rows.push_back(std::move(r));
      section = Section::kNone;
    };
    if (starts_with(body, " INSERT INTO ")) {
      begin_row("INSERT", body.substr(13));
    } else if (starts_with(body, " UPDATE ")) {
      begin_row("UPDATE", body.substr(8));
    } else if (starts_with(body, " DELETE FROM ")) {
      begin_row("DELETE", body.substr(13));
    } else if (body == " WHERE") {
      if (out.rows.empty()) {
        out.unparsed.emplace_back(line);
        continue;
      }
      section = Section::kBefore;
      out.rows.back().has_before = true;
    } else if (body == " SET") {
      if (out.rows.empty()) {
        out.unparsed.emplace_back(line);
        continue;
      }
      section = Section::kAfter;
      out.rows.back().has_after = true;
    } else if (starts_with(body, "   @")) {
      OracleCell cell;
      if (section == Section::kNone || out.rows.empty() || !parse_cell(body.substr(3), cell)) {
        out.unparsed.emplace_back(line);
        continue;
      }
      OracleRow& r = out.rows.back();
      (section == Section::kBefore ? r.before : r.after).push_back(std::move(cell));
    } else {
      out.unparsed.emplace_back(line);
    }
  }
  return out;
}

std::optional<OracleInt> parse_oracle_int(std::string_view text) {
  text = trim(text);
  std::string_view first = text;
  std::string_view second;
  size_t paren = text.find(" (");
  if (paren != std::string_view::npos) {
    if (text.back() != ')') return std::nullopt;
    first = text.substr(0, paren);
    second = text.substr(paren + 2, text.size() - paren - 3);
  }
  OracleInt v;
  std::string a(first);
  if (a.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  v.signed_value = std::strtoll(a.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  if (!second.empty()) {
    std::string b(second);
    if (b.empty() || b[0] == '-') return std::nullopt;
    errno = 0;
    v.unsigned_value = std::strtoull(b.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return std::nullopt;
  }
  return v;
}

std::optional<uint64_t> parse_bit_literal(std::string_view text) {
  text = trim(text);
  if (text.size() < 3 || text.substr(0, 2) != "b'" || text.back() != '\'') return std::nullopt;
  std::string_view bits = text.substr(2, text.size() - 3);
  // Leading zero bits do not count against the 64-bit limit.
  while (bits.size() > 64 && bits.front() == '0') bits.remove_prefix(1);
  if (bits.size() > 64) return std::nullopt;
  uint64_t v = 0;
  for (char c : bits) {
    if (c != '0' && c != '1') return std::nullopt;
    v = (v << 1) | static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::optional<std::string> timestamp_to_utc_text(std::string_view text) {
  text = trim(text);
  size_t dot = text.find('.');
  std::string secs(text.substr(0, dot));
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (secs.empty()) return std::nullopt;
  for (char c : secs)
    if (c < '0' || c > '9') return std::nullopt;
  for (char c : frac)
    if (c < '0' || c > '9') return std::nullopt;
  errno = 0;
  unsigned long long s = std::strtoull(secs.c_str(), nullptr, 10);
  if (errno != 0) return std::nullopt;
  bool frac_zero = frac.find_first_not_of('0') == std::string_view::npos;
  char buf[64];
  if (s == 0 && frac_zero) {
    std::snprintf(buf, sizeof buf, "0000-00-00 00:00:00");
  } else {
    std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return std::nullopt;
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  std::string out(buf);
  if (!frac.empty()) {
    out += '.';
    out += frac;
  }
  return out;
}

std::optional<std::string_view> strip_quotes(std::string_view text) {
  if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') return std::nullopt;
  return text.substr(1, text.size() - 2);
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string decode_hex_escapes(std::string_view inner) {
  std::string out;
  out.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 3 < inner.size() && inner[i + 1] == 'x') {
      int hi = hex_digit(inner[i + 2]);
      int lo = hex_digit(inner[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    out += inner[i];
  }
  return out;
}

std::string escape_like_mariadb(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c > 0x1F) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string normalize_decimal(std::string_view text, int scale) {
  text = trim(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  std::string_view ip = text.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  while (ip.size() > 1 && ip.front() == '0') ip.remove_prefix(1);
  std::string out(ip.empty() ? std::string_view("0") : ip);
  std::string frac(fp);
  while (static_cast<int>(frac.size()) < scale) frac += '0';
  if (!frac.empty()) out += "." + frac;
  bool zero = out.find_first_not_of("0.") == std::string::npos;
  if (negative && !zero) out.insert(out.begin(), '-');
  return out;
}

int decimal_scale_of(std::string_view text) {
  size_t dot = text.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

std::optional<int> decimal_scale_from_args(std::string_view args) {
  size_t comma = args.find(',');
  size_t close = args.find(')');
  if (comma == std::string_view::npos || close == std::string_view::npos || close < comma)
    return std::nullopt;
  std::string s(args.substr(comma + 1, close - comma - 1));
  if (s.empty()) return std::nullopt;
  return std::atoi(s.c_str());
}

std::string format_like_mysqlbinlog_float(float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(f));
  return buf;
}

// dbtrail's own codecs: they have RFC/edge-case unit tests of their own.
std::optional<std::string> decode_base64(std::string_view b64) { return base64_decode(b64); }

bool is_valid_utf8(std::string_view s) { return dbtrail::is_valid_utf8(s); }

std::string latin1_to_utf8(std::string_view bytes) {
  // 0x80..0x9F as Windows-1252 (MySQL's latin1); 0 = keep as the C1 control.
  static const uint16_t k1252[32] = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  for (unsigned char c : bytes) {
    uint32_t cp = c;
    if (c >= 0x80 && c <= 0x9F && k1252[c - 0x80] != 0) cp = k1252[c - 0x80];
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

std::string printable(std::string_view bytes, size_t max_len) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (out.size() >= max_len) {
      out += "...(" + std::to_string(bytes.size()) + " bytes)";
      break;
    }
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace dbtrail::conformance
