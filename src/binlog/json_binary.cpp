// MySQL binary JSON (sql/json_binary.h's format) to text, and the JSON diffs
// of PARTIAL_UPDATE_ROWS applied to a document.
//
// Document layout (every multi-byte integer little-endian):
//   doc       := type:u8 value
//   object    := count size key-entry{count} value-entry{count} keys... values...
//   array     := count size value-entry{count} values...
//     count, size, offsets: u16 in small containers (types 0x00, 0x02),
//                           u32 in large ones (0x01, 0x03)
//     key-entry   := key-offset key-length:u16
//     value-entry := type:u8 (offset | inlined value)
//   Offsets count from the first byte after the container's type byte.
//   Inlined values: literal, int16, uint16 always; int32, uint32 in large containers.
//   string    := length (7 bits per byte, low group first, high bit = more) bytes
//   opaque    := field-type:u8 length (as string) bytes
#include "binlog/json_binary.h"

#include "binlog/decimal.h"
#include "binlog/temporal.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "util/json_dom.h"
#include "util/base64.h"

namespace dbtrail::binlog {
namespace {

// JSONB type bytes.
enum : uint8_t {
  kSmallObject = 0x00,
  kLargeObject = 0x01,
  kSmallArray = 0x02,
  kLargeArray = 0x03,
  kLiteral = 0x04,
  kInt16 = 0x05,
  kUint16 = 0x06,
  kInt32 = 0x07,
  kUint32 = 0x08,
  kInt64 = 0x09,
  kUint64 = 0x0a,
  kDouble = 0x0b,
  kString = 0x0c,
  kOpaque = 0x0f,
};

// enum_field_types of the opaque values MySQL prints as something other than base64.
constexpr uint8_t kFieldTimestamp = 7;
constexpr uint8_t kFieldDate = 10;
constexpr uint8_t kFieldTime = 11;
constexpr uint8_t kFieldDatetime = 12;
constexpr uint8_t kFieldNewDecimal = 246;

// MySQL's JSON_DOCUMENT_MAX_DEPTH: a server never writes deeper documents.
constexpr size_t kMaxDepth = 100;

// ---------------------------------------------------------------------------
// DOUBLE as MySQL prints it in JSON (Json_wrapper -> my_gcvt(d,
// MY_GCVT_ARG_DOUBLE, MY_GCVT_MAX_FIELD_WIDTH = 34), then ".0" when the
// result has neither '.' nor 'e').
//
// my_gcvt asks dtoa for at most 34 (33 if negative) significant digits in a
// mode that stops at the shortest round-trip string, i.e. the same digits
// std::to_chars gives. With digits d1..dn and the decimal point after
// `decpt` digits (value = 0.d1..dn * 10^decpt) it then picks fixed notation
// iff -14 <= decpt and (decpt <= 15 or n > decpt) (MAX_DECPT_FOR_F_FORMAT =
// DBL_DIG = 15); the width-based branches of my_gcvt never trigger for
// n <= 17 digits at width 33/34. Exponent form is "1e20", "1.5e-7": no '+',
// no leading zeros. dtoa keeps the sign of -0.0, so it prints "-0.0".
// Checked against mariadbd's my_gcvt (same algorithm): 1e20 -> 1e20,
// 1e15 -> 1e15, 1e14 -> 100000000000000, 1e-15 -> 0.000000000000001,
// 1e-16 -> 1e-16, 1234567890123456.7 -> 1234567890123456.8.
void append_mysql_double(double d, std::string& out) {
  char sci[40];
  auto r = std::to_chars(sci, sci + sizeof(sci), std::fabs(d), std::chars_format::scientific);
  std::string_view s(sci, static_cast<size_t>(r.ptr - sci));  // "d.ddde+XX"
  size_t e = s.find('e');
  char digits[24];
  int len = 0;
  for (size_t i = 0; i < e; ++i)
    if (s[i] != '.') digits[len++] = s[i];
  int exp10 = 0;
  std::string_view ex = s.substr(e + 1);
  if (!ex.empty() && ex[0] == '+') ex.remove_prefix(1);
  std::from_chars(ex.data(), ex.data() + ex.size(), exp10);
  int decpt = exp10 + 1;

  size_t start = out.size();
  if (std::signbit(d)) out += '-';
  if (decpt >= -14 && (decpt <= 15 || len > decpt)) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out.append(digits, static_cast<size_t>(len));
    } else if (decpt < len) {
      out.append(digits, static_cast<size_t>(decpt));
      out += '.';
      out.append(digits + decpt, static_cast<size_t>(len - decpt));
    } else {
      out.append(digits, static_cast<size_t>(len));
      out.append(static_cast<size_t>(decpt - len), '0');
    }
  } else {
    out += digits[0];
    if (len > 1) {
      out += '.';
      out.append(digits + 1, static_cast<size_t>(len - 1));
    }
    out += 'e';
    int x = decpt - 1;
    if (x < 0) {
      out += '-';
      x = -x;
    }
    out += std::to_string(x);
  }
  std::string_view printed(out.data() + start, out.size() - start);
  if (printed.find_first_of(".e") == std::string_view::npos) out += ".0";
}

// ---------------------------------------------------------------------------
// Opaque DECIMAL: precision byte, scale byte, then a binary decimal in the
// row-image format (decimal.h).
// Decimal text comes from decimal.h (the same binary format as row images).
bool json_decimal_bin_to_text(Bytes bin, int precision, int scale, std::string& out) {
  if (precision <= 0 || scale < 0) return false;
  size_t size = decimal_binary_size(static_cast<unsigned>(precision), static_cast<unsigned>(scale));
  if (size == 0 || bin.size() < size) return false;
  char buf[kMaxDecimalText];
  size_t n = decimal_to_text(bin.first(size), static_cast<unsigned>(precision),
                             static_cast<unsigned>(scale), buf);
  if (n == 0) return false;
  out.append(buf, n);
  return true;
}

// ---------------------------------------------------------------------------
// Packed temporal values (MySQL my_time.cc, TIME_from_longlong_*_packed):
//   int64, negative = negative value (absolute value below)
//   bits 0..23 microseconds; above them:
//   datetime/date: ymd:hms as (year*13+month)<<22 | day<<17 | hour<<12 | minute<<6 | second
//   time:          hour<<12 | minute<<6 | second (hour in 10 bits)
void append_packed_temporal(uint8_t field_type, int64_t packed, std::string& out) {
  bool neg = packed < 0;
  uint64_t v = neg ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
  uint64_t hi = v >> 24;
  Temporal t;
  t.micro = static_cast<uint32_t>(v % (1u << 24));
  char buf[kMaxTemporalText];
  size_t n;
  if (field_type == kFieldTime) {
    t.negative = neg;
    t.hour = static_cast<uint32_t>((hi >> 12) % (1u << 10));
    t.minute = static_cast<uint8_t>((hi >> 6) % (1u << 6));
    t.second = static_cast<uint8_t>(hi % (1u << 6));
    n = format_time(t, 6, buf);
  } else {
    uint64_t ymd = hi >> 17;
    uint64_t ym = ymd >> 5;
    uint64_t hms = hi % (1u << 17);
    t.day = static_cast<uint8_t>(ymd % (1u << 5));
    t.month = static_cast<uint8_t>(ym % 13);
    t.year = static_cast<uint16_t>(ym / 13);
    t.hour = static_cast<uint32_t>(hms >> 12);
    t.minute = static_cast<uint8_t>((hms >> 6) % (1u << 6));
    t.second = static_cast<uint8_t>(hms % (1u << 6));
    n = field_type == kFieldDate ? format_date(t, buf) : format_datetime(t, 6, buf);
  }
  out += '"';
  out.append(buf, n);
  out += '"';
}

// ---------------------------------------------------------------------------
class TextDecoder {
 public:
  TextDecoder(Bytes doc, std::string& out) : doc_(doc), out_(out) {}

  // The value of JSONB type `type` whose bytes start at doc_[pos]; nothing it
  // references may lie at or beyond doc_[end].
  Status value(uint8_t type, size_t pos, size_t end, size_t depth) {
    Cursor c(doc_.subspan(pos, end - pos));
    switch (type) {
      case kSmallObject:
      case kLargeObject:
      case kSmallArray:
      case kLargeArray:
        return container(type, pos, end, depth + 1);
      case kLiteral: {
        uint8_t lit = c.u8();
        if (!c.ok()) return corrupt(pos, "literal truncated");
        if (lit == 0)
          out_ += "null";
        else if (lit == 1)
          out_ += "true";
        else if (lit == 2)
          out_ += "false";
        else
          return corrupt(pos, "unknown literal " + std::to_string(lit));
        return {};
      }
      case kInt16:
        return integer(c, pos, 2, true);
      case kUint16:
        return integer(c, pos, 2, false);
      case kInt32:
        return integer(c, pos, 4, true);
      case kUint32:
        return integer(c, pos, 4, false);
      case kInt64:
        return integer(c, pos, 8, true);
      case kUint64:
        return integer(c, pos, 8, false);
      case kDouble: {
        double d = c.f64();
        if (!c.ok()) return corrupt(pos, "double truncated");
        if (!std::isfinite(d)) return corrupt(pos, "double is NaN or infinite");
        append_mysql_double(d, out_);
        return {};
      }
      case kString: {
        uint32_t n;
        if (!varlen(c, n)) return corrupt(pos, "bad string length");
        std::string_view s = c.str(n);
        if (!c.ok()) return corrupt(pos, "string of " + std::to_string(n) + " bytes truncated");
        json_dom::append_quoted(out_, s);
        return {};
      }
      case kOpaque:
        return opaque(c, pos);
      default:
        return corrupt(pos, "unknown value type " + std::to_string(type));
    }
  }

 private:
  Error corrupt(size_t pos, const std::string& what) const {
    return make_error(ErrorCode::kCorrupt, "JSON binary value is corrupt: " + what + " at byte " +
                                               std::to_string(pos) + " of " +
                                               std::to_string(doc_.size()));
  }

  // MySQL's read_variable_length: at most 5 bytes, result must fit 32 bits.
  static bool varlen(Cursor& c, uint32_t& n) {
    uint64_t v = 0;
    for (int i = 0; i < 5; ++i) {
      uint8_t b = c.u8();
      if (!c.ok()) return false;
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (v > 0xffffffffu) return false;
        n = static_cast<uint32_t>(v);
        return true;
      }
    }
    return false;
  }

  Status integer(Cursor& c, size_t pos, size_t n, bool is_signed) {
    uint64_t u = c.uint_le(n);
    if (!c.ok()) return corrupt(pos, std::to_string(n * 8) + "-bit integer truncated");
    char buf[24];
    std::to_chars_result r;
    if (is_signed) {
      // Sign-extend from n bytes without going through a wider signed type twice.
      int64_t v;
      if (n == 8) {
        std::memcpy(&v, &u, 8);
      } else {
        uint64_t sign = 1ull << (n * 8 - 1);
        v = static_cast<int64_t>((u ^ sign)) - static_cast<int64_t>(sign);
      }
      r = std::to_chars(buf, buf + sizeof(buf), v);
    } else {
      r = std::to_chars(buf, buf + sizeof(buf), u);
    }
    out_.append(buf, static_cast<size_t>(r.ptr - buf));
    return {};
  }

  Status opaque(Cursor& c, size_t pos) {
    uint8_t field_type = c.u8();
    uint32_t n = 0;
    if (!c.ok() || !varlen(c, n)) return corrupt(pos, "bad opaque header");
    Bytes data = c.bytes(n);
    if (!c.ok()) return corrupt(pos, "opaque value of " + std::to_string(n) + " bytes truncated");
    switch (field_type) {
      case kFieldDate:
      case kFieldTime:
      case kFieldDatetime:
      case kFieldTimestamp: {
        if (data.size() < 8) return corrupt(pos, "packed temporal shorter than 8 bytes");
        Cursor t(data);
        uint64_t u = t.u64();
        int64_t packed;
        std::memcpy(&packed, &u, 8);
        append_packed_temporal(field_type, packed, out_);
        return {};
      }
      case kFieldNewDecimal: {
        // precision:u8 scale:u8 binary-decimal
        if (data.size() < 2) return corrupt(pos, "decimal without precision and scale");
        int precision = data[0], scale = data[1];
        if (precision < 1 || precision > 65 || scale > 30 || scale > precision)
          return corrupt(pos, "decimal(" + std::to_string(precision) + "," + std::to_string(scale) +
                                  ") is out of range");
        size_t start = out_.size();
        if (!json_decimal_bin_to_text(data.subspan(2), precision, scale, out_)) {
          out_.resize(start);
          return corrupt(pos, "decimal digits are invalid or truncated");
        }
        return {};
      }
      default: {
        // "base64:typeNN:" + MySQL's base64_encode, which breaks lines every
        // 76 characters; the newline is then escaped inside the JSON string.
        std::string b64 = base64_encode(as_chars(data));
        std::string text = "base64:type" + std::to_string(field_type) + ":";
        for (size_t i = 0; i < b64.size(); i += 76) {
          if (i > 0) text += '\n';
          text.append(b64, i, 76);
        }
        json_dom::append_quoted(out_, text);
        return {};
      }
    }
  }

  Status container(uint8_t type, size_t pos, size_t end, size_t depth) {
    if (depth > kMaxDepth)
      return corrupt(pos, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    const bool large = type == kLargeObject || type == kLargeArray;
    const bool is_object = type == kSmallObject || type == kLargeObject;
    const size_t off = large ? 4 : 2;
    Cursor c(doc_.subspan(pos, end - pos));
    uint64_t count = c.uint_le(off);
    uint64_t size = c.uint_le(off);
    if (!c.ok()) return corrupt(pos, "container header truncated");
    // A declared size beyond the bytes present is accepted (one upstream
    // vector has it); every read below is bounded by what is really there.
    const uint64_t limit = std::min<uint64_t>(size, end - pos);
    const uint64_t key_entry = is_object ? off + 2 : 0;
    const uint64_t value_entry = 1 + off;
    const uint64_t header = 2 * off + count * (key_entry + value_entry);
    if (header > limit)
      return corrupt(pos, std::to_string(count) + " entries do not fit in a container of " +
                              std::to_string(limit) + " bytes");
    const size_t values_at = pos + 2 * off + static_cast<size_t>(count * key_entry);
    const size_t cend = pos + static_cast<size_t>(limit);

    out_ += is_object ? '{' : '[';
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) out_ += ", ";
      if (is_object) {
        size_t kpos = pos + 2 * off + i * static_cast<size_t>(key_entry);
        Cursor k(doc_.subspan(kpos, cend - kpos));
        uint64_t koff = k.uint_le(off);
        uint64_t klen = k.u16();
        if (!k.ok() || koff + klen > limit) return corrupt(kpos, "key outside its object");
        json_dom::append_quoted(out_, as_chars(doc_.subspan(pos + koff, klen)));
        out_ += ": ";
      }
      size_t vpos = values_at + i * static_cast<size_t>(value_entry);
      uint8_t vtype = doc_[vpos];
      bool inlined = vtype == kLiteral || vtype == kInt16 || vtype == kUint16 ||
                     (large && (vtype == kInt32 || vtype == kUint32));
      if (inlined) {
        DBT_TRY(value(vtype, vpos + 1, vpos + 1 + off, depth));
        continue;
      }
      Cursor v(doc_.subspan(vpos + 1, off));
      uint64_t voff = v.uint_le(off);
      if (voff >= limit) return corrupt(vpos, "value offset outside its container");
      DBT_TRY(value(vtype, pos + static_cast<size_t>(voff), cend, depth));
    }
    out_ += is_object ? '}' : ']';
    return {};
  }

  Bytes doc_;
  std::string& out_;
};

// ---------------------------------------------------------------------------
// JSON path as written by MySQL's Json_path::to_string for a diff: "$" then
// legs ".name", ."quoted name"", "[N]", "[last]", "[last-N]". Wildcards and
// ranges never appear in a diff and are rejected.
struct PathLeg {
  bool is_member = false;
  std::string member;
  uint64_t index = 0;
  bool from_end = false;  // [last-N]: index = N
};

bool parse_index_number(std::string_view p, size_t& i, uint64_t& v) {
  size_t start = i;
  auto r = std::from_chars(p.data() + i, p.data() + p.size(), v);
  if (r.ec != std::errc()) return false;
  i = static_cast<size_t>(r.ptr - p.data());
  return i > start;
}

bool parse_path(std::string_view p, std::vector<PathLeg>& legs) {
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t i = 0;
  auto skip = [&] {
    while (i < p.size() && is_ws(p[i])) ++i;
  };
  skip();
  if (i >= p.size() || p[i] != '$') return false;
  ++i;
  while (true) {
    skip();
    if (i >= p.size()) return true;
    PathLeg leg;
    if (p[i] == '.') {
      ++i;
      skip();
      leg.is_member = true;
      if (i < p.size() && p[i] == '"') {
        if (!json_dom::parse_string_token(p, i, leg.member)) return false;
      } else {
        size_t s = i;
        while (i < p.size() && !is_ws(p[i]) && p[i] != '.' && p[i] != '[' && p[i] != '*' &&
               p[i] != '"')
          ++i;
        if (i == s) return false;  // ".*" or empty name
        leg.member.assign(p.substr(s, i - s));
      }
    } else if (p[i] == '[') {
      ++i;
      skip();
      if (p.substr(i, 4) == "last") {
        i += 4;
        leg.from_end = true;
        skip();
        if (i < p.size() && p[i] == '-') {
          ++i;
          skip();
          if (!parse_index_number(p, i, leg.index)) return false;
        }
      } else if (!parse_index_number(p, i, leg.index)) {
        return false;  // "[*]" or garbage
      }
      skip();
      if (i >= p.size() || p[i] != ']') return false;  // also rejects "[1 to 3]"
      ++i;
    } else {
      return false;  // "**" or garbage
    }
    legs.push_back(std::move(leg));
  }
}

// Json_array_index: the position a leg names in an array of `size` elements,
// clamped to [0, size], and whether it names an existing element.
size_t array_position(const PathLeg& leg, size_t size, bool& within) {
  within = leg.index < size;
  if (leg.from_end) return within ? size - static_cast<size_t>(leg.index) - 1 : 0;
  return static_cast<size_t>(std::min<uint64_t>(leg.index, size));
}

// MySQL's seek_exact_path: follow member legs through objects and cell legs
// through arrays only (no auto-wrapping); nullptr if anything is missing.
json_dom::Node* seek(json_dom::Node* node, const std::vector<PathLeg>& legs, size_t count) {
  for (size_t i = 0; i < count && node; ++i) {
    const PathLeg& leg = legs[i];
    if (node->kind == json_dom::Kind::kArray && !leg.is_member) {
      bool within;
      size_t at = array_position(leg, node->elements.size(), within);
      node = within ? &node->elements[at] : nullptr;
    } else if (node->kind == json_dom::Kind::kObject && leg.is_member) {
      node = json_dom::find_member(*node, leg.member);
    } else {
      node = nullptr;
    }
  }
  return node;
}

Error diff_error(size_t at, const std::string& what) {
  return make_error(ErrorCode::kCorrupt, "JSON partial update cannot be applied: " + what +
                                             " (diff at byte " + std::to_string(at) +
                                             "); the before image does not match the change");
}

}  // namespace

Status json_binary_to_text(Bytes doc, std::string& out) {
  if (doc.empty()) {
    out += "null";
    return {};
  }
  size_t start = out.size();
  TextDecoder dec(doc, out);
  Status s = dec.value(doc[0], 1, doc.size(), 0);
  if (!s.ok()) out.resize(start);  // never leave half a document behind
  return s;
}

// Diff list layout (sql/json_diff.cc, Json_diff::write_binary), repeated to
// the end of `diffs` (the caller has already consumed the 4-byte total length):
//   operation:u8 (0 REPLACE, 1 INSERT, 2 REMOVE)
//   path-length:packed-int path:bytes
//   [REPLACE/INSERT] value-length:packed-int value:binary JSON (type byte first)
Result<std::string> json_apply_diffs(std::string_view doc_text, Bytes diffs) {
  auto parsed = json_dom::parse(doc_text);
  if (!parsed.ok()) return parsed.error();
  json_dom::Node root = std::move(parsed.value());

  enum : uint8_t { kReplace = 0, kInsert = 1, kRemove = 2 };
  Cursor c(diffs);
  std::string value_text;
  while (!c.empty()) {
    const size_t at = c.offset();
    uint8_t op = c.u8();
    if (op > kRemove) return diff_error(at, "unknown operation " + std::to_string(op));
    std::string_view path_text = c.packed_str();
    if (!c.ok()) return diff_error(at, "path truncated");
    std::vector<PathLeg> legs;
    if (!parse_path(path_text, legs))
      return diff_error(at, "bad JSON path '" + std::string(path_text) + "'");
    // MySQL never writes a diff for the root (it logs the full value instead).
    if (legs.empty()) return diff_error(at, "diff on the document root");

    json_dom::Node value;
    if (op != kRemove) {
      Bytes bin = c.bytes(static_cast<size_t>(c.packed_int()));
      if (!c.ok() || bin.empty()) return diff_error(at, "value truncated");
      value_text.clear();
      Status s = json_binary_to_text(bin, value_text);
      if (!s.ok()) return diff_error(at, s.error().message);
      auto v = json_dom::parse(value_text);
      if (!v.ok()) return diff_error(at, v.error().message);
      value = std::move(v.value());
    }

    const PathLeg& last = legs.back();
    const std::string path_str(path_text);
    if (op == kReplace) {
      json_dom::Node* target = seek(&root, legs, legs.size());
      if (!target) return diff_error(at, "REPLACE of missing path " + path_str);
      *target = std::move(value);
      continue;
    }
    json_dom::Node* parent = seek(&root, legs, legs.size() - 1);
    if (!parent) return diff_error(at, "parent of " + path_str + " is missing");
    if (op == kInsert) {
      // An object member must be new (JSON_INSERT); an array cell shifts the
      // rest right, clamped to the end (JSON_ARRAY_INSERT).
      if (parent->kind == json_dom::Kind::kObject && last.is_member) {
        if (json_dom::find_member(*parent, last.member))
          return diff_error(at, "INSERT of existing member " + path_str);
        json_dom::put_member(*parent, last.member, std::move(value));
      } else if (parent->kind == json_dom::Kind::kArray && !last.is_member) {
        bool within;
        size_t pos = array_position(last, parent->elements.size(), within);
        parent->elements.insert(parent->elements.begin() + static_cast<ptrdiff_t>(pos),
                                std::move(value));
      } else {
        return diff_error(at, "INSERT at " + path_str + " does not match the document's shape");
      }
      continue;
    }
    // kRemove
    if (parent->kind == json_dom::Kind::kObject && last.is_member) {
      if (!json_dom::erase_member(*parent, last.member))
        return diff_error(at, "REMOVE of missing member " + path_str);
    } else if (parent->kind == json_dom::Kind::kArray && !last.is_member) {
      bool within;
      size_t pos = array_position(last, parent->elements.size(), within);
      if (!within) return diff_error(at, "REMOVE of missing array cell " + path_str);
      parent->elements.erase(parent->elements.begin() + static_cast<ptrdiff_t>(pos));
    } else {
      return diff_error(at, "REMOVE at " + path_str + " does not match the document's shape");
    }
  }

  std::string out;
  out.reserve(doc_text.size() + 16);
  json_dom::print(root, out);
  return out;
}

}  // namespace dbtrail::binlog
