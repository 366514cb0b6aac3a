// A decoded cell. Values are small, trivially copyable views: bytes point into
// the event buffer or into the owning RowImage's arena and stay valid as long
// as those do. Turning a value into text (the lossless JSON encoding) is
// value_json.h's job, which also needs the ColumnDef (scale, charset, names).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace dbtrail::binlog {

enum class ValueKind : uint8_t {
  kNull,
  kInt,        // i: TINY..LONGLONG signed
  kUInt,       // u: unsigned integers
  kFloat,      // f: FLOAT (printed as shortest float32 round-trip)
  kDouble,     // d: DOUBLE
  kDecimal,    // bytes: decimal text with the declared scale ("-12.300")
  kYear,       // i: 0 or 1901..2155
  kDate,       // t
  kTime,       // t (negative, hours above 24) with frac_digits
  kDateTime,   // t with frac_digits
  kTimestamp,  // u: seconds since epoch (UTC), t.micro, frac_digits
  kText,       // bytes in the column's charset (collation on the ColumnDef)
  kBytes,      // bytes: binary data
  kJsonBinary, // bytes: MySQL binary JSON
  kJsonText,   // bytes: JSON text (MariaDB JSON, or a partial update applied)
  kEnum,       // u: 1-based index (0 = the empty error value)
  kSet,        // u: bitmask
  kBit,        // u
  kGeometry,   // bytes: SRID (4 bytes) + WKB
  kVector,     // bytes: float32 little-endian values
};

struct Temporal {
  bool negative = false;
  uint16_t year = 0;
  uint8_t month = 0;
  uint8_t day = 0;
  uint32_t hour = 0;  // TIME can exceed 24 (up to 838)
  uint8_t minute = 0;
  uint8_t second = 0;
  uint32_t micro = 0;
};

struct Value {
  ValueKind kind = ValueKind::kNull;
  uint8_t frac_digits = 0;  // declared fractional seconds digits (temporals)
  union {
    int64_t i;
    uint64_t u;
    float f;
    double d;
  };
  Temporal t;
  std::string_view bytes;
  Value() : u(0) {}
};

// Owned bytes for values that are computed, not viewed (decimal text, a JSON
// document after a partial update, converted text). Stored strings never move.
class Arena {
 public:
  std::string_view store(std::string s) {
    chunks_.push_back(std::move(s));
    return chunks_.back();
  }
  void clear() { chunks_.clear(); }

 private:
  std::deque<std::string> chunks_;
};

// One row image: a value per table column. present[i] is false when the
// event's column bitmap left column i out (MINIMAL/NOBLOB images, partial updates).
struct RowImage {
  std::vector<Value> values;
  std::vector<uint8_t> present;  // 0/1 (not vector<bool>: it is read per cell)
};

}  // namespace dbtrail::binlog
