#include "recover/sql_literal.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "util/base64.h"
#include "util/json_writer.h"

namespace dbtrail::recover {

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string qualified_table(std::string_view schema, std::string_view table) {
  return quote_identifier(schema) + "." + quote_identifier(table);
}

std::string hex_literal(std::string_view bytes) {
  std::string out = "X'";
  hex_append(out, bytes);
  out += '\'';
  return out;
}

Result<std::string> text_literal(std::string_view s) {
  if (!is_valid_utf8(s)) {
    return make_error(ErrorCode::kCorrupt, "a text value is not valid UTF-8");
  }
  bool plain = true;
  for (unsigned char c : s) {
    // Backslash means different things with and without NO_BACKSLASH_ESCAPES;
    // control bytes would make the script hard to read and fragile to copy.
    if (c == '\\' || c < 0x20 || c == 0x7f) {
      plain = false;
      break;
    }
  }
  if (!plain) return "_utf8mb4 " + hex_literal(s);
  std::string out = "_utf8mb4'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

namespace {

Error unsupported(const std::string& what) { return make_error(ErrorCode::kUnsupported, what); }

bool is_integer_token(std::string_view t) {
  size_t i = t.empty() || t[0] != '-' ? 0 : 1;
  if (i >= t.size()) return false;
  for (; i < t.size(); ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

// [-]digits[.digits]: what the decoder writes for DECIMAL, never anything a
// parser could read as more than a number.
bool is_decimal_text(std::string_view t) {
  size_t i = t.empty() || t[0] != '-' ? 0 : 1;
  size_t digits = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) ++digits;
  if (digits == 0) return false;
  if (i == t.size()) return true;
  if (t[i] != '.') return false;
  ++i;
  size_t frac = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) ++frac;
  return frac > 0 && i == t.size();
}

bool is_temporal_text(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t)
    if (!((c >= '0' && c <= '9') || c == '-' || c == ':' || c == '.' || c == ' ')) return false;
  return true;
}

// {"base64": "..."} (optionally with "charset") -> the bytes.
Result<std::string> base64_bytes(const JsonValue& v) {
  const JsonValue* b = v.find("base64");
  if (!b || b->kind != JsonKind::kString) {
    return make_error(ErrorCode::kCorrupt,
                      "expected {\"base64\": ...} for binary data, got " + v.raw);
  }
  auto bytes = base64_decode(b->text);
  if (!bytes) return make_error(ErrorCode::kCorrupt, "invalid base64 in a binary value");
  return std::move(*bytes);
}

bool is_charset_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Text the decoder could not convert to UTF-8 ({"base64", "charset"}): the
// bytes with an introducer naming their charset.
Result<std::string> foreign_text(const JsonValue& v) {
  auto bytes = base64_bytes(v);
  if (!bytes.ok()) return bytes.error();
  const JsonValue* cs = v.find("charset");
  if (cs && cs->kind == JsonKind::kString && is_charset_name(cs->text)) {
    return "_" + cs->text + " " + hex_literal(*bytes);
  }
  return hex_literal(*bytes);
}

Result<std::string> bit_literal(const JsonValue& v) {
  if (v.kind != JsonKind::kNumber || !is_integer_token(v.text) || v.text[0] == '-') {
    return make_error(ErrorCode::kCorrupt, "a BIT value must be an unsigned integer, got " + v.raw);
  }
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.text.data(), v.text.data() + v.text.size(), n);
  if (ec != std::errc())
    return make_error(ErrorCode::kCorrupt, "BIT value out of range: " + v.text);
  std::string bits;
  for (int i = 63; i >= 0; --i) {
    if (!bits.empty() || ((n >> i) & 1)) bits += ((n >> i) & 1) ? '1' : '0';
  }
  if (bits.empty()) bits = "0";
  return "b'" + bits + "'";
}

// VECTOR: MySQL and MariaDB store little-endian float32s; a hex literal of
// those bytes is what mysqldump writes too.
Result<std::string> vector_literal(const JsonValue& v) {
  if (v.kind != JsonKind::kArray) {
    return make_error(ErrorCode::kCorrupt, "a VECTOR value must be an array of numbers");
  }
  std::string bytes;
  for (const JsonValue& e : v.elements) {
    float f = 0;
    auto [p, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), f);
    if (e.kind != JsonKind::kNumber || ec != std::errc()) {
      return make_error(ErrorCode::kCorrupt, "a VECTOR element is not a float: " + e.raw);
    }
    uint32_t u = 0;
    std::memcpy(&u, &f, 4);
    for (int k = 0; k < 4; ++k) bytes += static_cast<char>((u >> (8 * k)) & 0xff);
  }
  return hex_literal(bytes);
}

// The decoder prints MySQL JSON documents with MySQL's own separators (": "),
// so its compact {"base64":"..."} can only be its own fallback for a document
// it could not produce: a partial JSON diff without a before image, or JSON
// binary it could not read. Writing that object back would corrupt the row.
bool is_unresolved_json(const JsonValue& v) {
  if (v.kind != JsonKind::kObject) return false;
  if (v.find("json_diff_base64") || v.find("json_diff")) return true;
  return v.find("base64") && v.raw.rfind("{\"base64\":\"", 0) == 0;
}

Result<std::string> number_token(const JsonValue& v, const char* what) {
  if (v.kind == JsonKind::kNumber) return v.text;
  if (v.kind == JsonKind::kString &&
      (v.text == "NaN" || v.text == "Infinity" || v.text == "-Infinity")) {
    return unsupported(std::string(what) + " value " + v.text +
                       " cannot be stored by MySQL or MariaDB");
  }
  return make_error(ErrorCode::kCorrupt,
                    std::string("expected a number for ") + what + ", got " + v.raw);
}

// FLOAT: the encoding's shortest float32 text can lie just above FLT_MAX
// when read as a double ("3.4028235e+38"), and the server range-checks the
// double before narrowing it, refusing the value. The float's exact value as
// shortest double text narrows back to the same float and is always in range.
Result<std::string> float_as_double(const std::string& token) {
  float f = 0;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), f);
  if (ec != std::errc() || p != token.data() + token.size()) {
    return make_error(ErrorCode::kCorrupt, "a FLOAT value out of float range: " + token);
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(f));
  return std::string(buf, r.ptr);
}

// A value of a column type this version does not know, written by its shape.
Result<std::string> by_shape(const JsonValue& v) {
  switch (v.kind) {
    case JsonKind::kNumber:
      return v.text;
    case JsonKind::kString:
      return text_literal(v.text);
    case JsonKind::kObject:
      if (v.find("base64")) {
        if (v.find("charset")) return foreign_text(v);
        auto bytes = base64_bytes(v);
        if (!bytes.ok()) return bytes.error();
        return hex_literal(*bytes);
      }
      break;
    default:
      break;
  }
  return unsupported("cannot tell how to write " + v.raw + " for a column of unknown type");
}

}  // namespace

Result<std::string> sql_literal(const JsonValue& v, const ColumnFacts& col) {
  if (v.kind == JsonKind::kNull) return std::string("NULL");
  switch (col.literal) {
    case LiteralClass::kInteger:
    case LiteralClass::kYear:
      if (v.kind != JsonKind::kNumber || !is_integer_token(v.text)) {
        return make_error(ErrorCode::kCorrupt, "expected an integer, got " + v.raw);
      }
      return v.text;
    case LiteralClass::kFloat: {
      auto tok = number_token(v, "a FLOAT/DOUBLE");
      if (!tok.ok() || col.data_type != "float") return tok;
      return float_as_double(*tok);
    }
    case LiteralClass::kDecimal:
      if (v.kind != JsonKind::kString || !is_decimal_text(v.text)) {
        return make_error(ErrorCode::kCorrupt, "expected a DECIMAL string, got " + v.raw);
      }
      return v.text;
    case LiteralClass::kTemporal:
      if (v.kind != JsonKind::kString || !is_temporal_text(v.text)) {
        return make_error(ErrorCode::kCorrupt, "expected a date/time string, got " + v.raw);
      }
      return "'" + v.text + "'";
    case LiteralClass::kText:
      if (v.kind == JsonKind::kString) return text_literal(v.text);
      if (v.kind == JsonKind::kObject) return foreign_text(v);
      return make_error(ErrorCode::kCorrupt, "expected text, got " + v.raw);
    case LiteralClass::kBinary: {
      auto bytes = base64_bytes(v);
      if (!bytes.ok()) return bytes.error();
      // The server strips BINARY(n)'s trailing 0x00 pad before logging the row.
      if (bytes->size() < col.binary_length) bytes->append(col.binary_length - bytes->size(), '\0');
      return hex_literal(*bytes);
    }
    case LiteralClass::kGeometry: {
      auto bytes = base64_bytes(v);
      if (!bytes.ok()) return bytes.error();
      return hex_literal(*bytes);
    }
    case LiteralClass::kEnumSet:
      if (v.kind == JsonKind::kString) return text_literal(v.text);
      if (v.kind == JsonKind::kNumber && is_integer_token(v.text)) return v.text;
      return make_error(ErrorCode::kCorrupt, "expected an ENUM/SET member or number, got " + v.raw);
    case LiteralClass::kBit:
      return bit_literal(v);
    case LiteralClass::kJson: {
      if (is_unresolved_json(v)) {
        return unsupported(
            "the JSON value is an unresolved partial update (binlog_row_value_options=PARTIAL_JSON "
            "without a full before image) or undecodable JSON binary; the old document is not "
            "known, "
            "so no exact reversal exists: recover from a backup for this row, or log with "
            "binlog_row_image=FULL and without PARTIAL_JSON");
      }
      if (v.raw.empty()) return make_error(ErrorCode::kInternal, "JSON value text was not kept");
      auto text = text_literal(v.raw);
      if (!text.ok()) return text.error();
      return "CAST(" + *text + " AS JSON)";
    }
    case LiteralClass::kVector:
      return vector_literal(v);
    case LiteralClass::kUnknown:
      return by_shape(v);
  }
  return make_error(ErrorCode::kInternal, "unhandled literal class");
}

}  // namespace dbtrail::recover
