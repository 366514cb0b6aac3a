// The lossless JSON encoding of values; docs/value-encoding.md is the
// reference for every rule applied here.

#include "binlog/value_json.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

#include "binlog/charset.h"
#include "binlog/json_binary.h"
#include "binlog/temporal.h"
#include "util/base64.h"

namespace dbtrail::binlog {
namespace {

// {"base64": "..."}, the form of every byte string that is not text we can
// show as UTF-8. `charset` is added when the bytes are text in a charset we
// do not convert (or that failed to convert), so a reader can still decode it.
void write_base64(JsonWriter& w, std::string_view bytes, const char* charset = nullptr) {
  w.begin_object();
  w.rendered_key("\"base64\":");
  w.raw("\"");
  base64_append(w.buffer(), bytes);
  w.buffer() += '"';
  if (charset != nullptr) {
    w.rendered_key("\"charset\":");
    w.string(charset);
  }
  w.end_object();
}

// Scratch space for converted text; reused so a row costs no allocation once warm.
std::string& scratch() {
  thread_local std::string s;
  s.clear();
  return s;
}

void write_text(JsonWriter& w, std::string_view bytes, uint16_t collation) {
  Charset cs = charset_of_collation(collation);
  switch (cs) {
    case Charset::kUtf8mb3:
    case Charset::kUtf8mb4:
    case Charset::kUnknown:
      // Already UTF-8 (or, with no metadata, most likely so): no copy.
      if (!w.string_if_utf8(bytes)) {
        write_base64(w, bytes, cs == Charset::kUnknown ? nullptr : charset_name(cs));
      }
      return;
    case Charset::kBinary:
      write_base64(w, bytes);
      return;
    default:
      break;
  }
  std::string& s = scratch();
  if (to_utf8(cs, bytes, s)) {
    w.string(s);
    return;
  }
  // Charsets we do not convert are all ASCII supersets except the wide ones
  // (handled above) and swe7, which reassigns letters in the ASCII range.
  if (cs != Charset::kSwe7 && !charset_converts(cs)) {
    bool ascii = true;
    for (unsigned char c : bytes) ascii &= c < 0x80;
    if (ascii) {
      w.string(bytes);
      return;
    }
  }
  write_base64(w, bytes, charset_name(cs));
}

void write_chars(JsonWriter& w, const char* buf, size_t n) {
  w.raw("\"");
  w.buffer().append(buf, n);
  w.buffer() += '"';
}

// NaN and infinities cannot be JSON numbers; MySQL does not store them, but a
// corrupt or hand-made event could.
bool write_nonfinite(JsonWriter& w, double v) {
  if (std::isnan(v)) {
    w.string("NaN");
  } else if (std::isinf(v)) {
    w.string(v > 0 ? "Infinity" : "-Infinity");
  } else {
    return false;
  }
  return true;
}

void write_float(JsonWriter& w, float f) {
  if (write_nonfinite(w, f)) return;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, f);  // shortest float32 round-trip
  w.raw(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

void write_double(JsonWriter& w, double d) {
  if (write_nonfinite(w, d)) return;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  w.raw(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// ENUM/SET member names are stored in the column's charset.
void write_member(JsonWriter& w, std::string_view name, uint16_t collation) {
  write_text(w, name, collation);
}

void write_set(JsonWriter& w, uint64_t mask, const ColumnDef& col) {
  size_t n = col.enum_values.size();
  bool known = n > 0 && (n >= 64 || (mask >> n) == 0);
  if (!known) {
    w.uint64(mask);
    return;
  }
  // Join the names in their charset, then convert once. A buffer of its own:
  // write_text uses scratch().
  thread_local std::string joined;
  joined.clear();
  bool first = true;
  for (size_t k = 0; k < n && k < 64; ++k) {
    if ((mask & (uint64_t{1} << k)) == 0) continue;
    if (!first) joined += ',';
    first = false;
    joined += col.enum_values[k];
  }
  write_text(w, joined, col.collation);
}

void write_vector(JsonWriter& w, std::string_view bytes) {
  if (bytes.size() % 4 != 0) {
    write_base64(w, bytes);
    return;
  }
  w.begin_array();
  for (size_t i = 0; i < bytes.size(); i += 4) {
    uint32_t bits = 0;
    for (size_t k = 0; k < 4; ++k)
      bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + k])) << (8 * k);
    float f;
    std::memcpy(&f, &bits, 4);
    write_float(w, f);
  }
  w.end_array();
}

void write_json_binary(JsonWriter& w, std::string_view doc) {
  w.raw("");  // separator, if any; the document is then appended in place
  std::string& out = w.buffer();
  size_t start = out.size();
  Bytes b(reinterpret_cast<const uint8_t*>(doc.data()), doc.size());
  if (json_binary_to_text(b, out).ok()) return;
  // Keep the bytes rather than lose the value; the writer already counts a
  // value here, so the fallback object is appended by hand.
  out.resize(start);
  out += "{\"base64\":\"";
  base64_append(out, doc);
  out += "\",\"error\":\"invalid JSON binary\"}";
}

}  // namespace

void write_value_json(JsonWriter& w, const Value& v, const ColumnDef& col) {
  char buf[kMaxTemporalText];
  switch (v.kind) {
    case ValueKind::kNull:
      w.null();
      return;
    case ValueKind::kInt:
    case ValueKind::kYear:
      w.int64(v.i);
      return;
    case ValueKind::kUInt:
    case ValueKind::kBit:
      w.uint64(v.u);
      return;
    case ValueKind::kFloat:
      write_float(w, v.f);
      return;
    case ValueKind::kDouble:
      write_double(w, v.d);
      return;
    case ValueKind::kDecimal:
      w.string(v.bytes);
      return;
    case ValueKind::kDate:
      write_chars(w, buf, format_date(v.t, buf));
      return;
    case ValueKind::kTime:
      write_chars(w, buf, format_time(v.t, v.frac_digits, buf));
      return;
    case ValueKind::kDateTime:
      write_chars(w, buf, format_datetime(v.t, v.frac_digits, buf));
      return;
    case ValueKind::kTimestamp:
      write_chars(w, buf, format_timestamp(v.u, v.t.micro, v.frac_digits, buf));
      return;
    case ValueKind::kText:
      write_text(w, v.bytes, col.collation);
      return;
    case ValueKind::kBytes:
    case ValueKind::kGeometry:
      write_base64(w, v.bytes);
      return;
    case ValueKind::kJsonBinary:
      write_json_binary(w, v.bytes);
      return;
    case ValueKind::kJsonText:
      w.raw(v.bytes);
      return;
    case ValueKind::kEnum:
      if (v.u >= 1 && v.u <= col.enum_values.size()) {
        write_member(w, col.enum_values[v.u - 1], col.collation);
      } else {
        w.uint64(v.u);
      }
      return;
    case ValueKind::kSet:
      write_set(w, v.u, col);
      return;
    case ValueKind::kVector:
      write_vector(w, v.bytes);
      return;
  }
  w.null();  // unreachable: every kind is handled above
}

void write_row_json(JsonWriter& w, const RowImage& row, const TableMap& table) {
  if (table.json_keys.size() != table.columns.size()) {
    table.json_keys.clear();
    for (size_t i = 0; i < table.columns.size(); ++i) {
      std::string k;
      const std::string& name = table.columns[i].name;
      JsonWriter::append_escaped(k, name.empty() ? "@" + std::to_string(i + 1) : name);
      k += ':';
      table.json_keys.push_back(std::move(k));
    }
  }
  w.begin_object();
  const size_t n = std::min(row.values.size(), table.columns.size());
  for (size_t i = 0; i < n; ++i) {
    if (i < row.present.size() && !row.present[i]) continue;
    w.rendered_key(table.json_keys[i]);
    write_value_json(w, row.values[i], table.columns[i]);
  }
  w.end_object();
}

}  // namespace dbtrail::binlog
