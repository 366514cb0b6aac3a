// Character sets of MySQL/MariaDB text columns: which charset a collation id
// names, and conversion of a column's stored bytes to UTF-8 for JSON output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dbtrail::binlog {

// Every character set MySQL 5.7/8.x/9.x or MariaDB 10.5+ can give a column.
enum class Charset : uint8_t {
  kUnknown,  // collation id 0 (no metadata) or an id we have never seen
  kBinary,
  kUtf8mb3,
  kUtf8mb4,
  kLatin1,  // MySQL's latin1 is Windows-1252 (0x80 = U+20AC), not ISO-8859-1
  kAscii,
  kLatin2,
  kCp1251,
  kUcs2,
  kUtf16,
  kUtf16le,
  kUtf32,
  // Recognized but not converted: their bytes are kept as base64 unless plain ASCII.
  kArmscii8,
  kBig5,
  kCp1250,
  kCp1256,
  kCp1257,
  kCp850,
  kCp852,
  kCp866,
  kCp932,
  kDec8,
  kEucjpms,
  kEuckr,
  kGb18030,
  kGb2312,
  kGbk,
  kGeostd8,
  kGreek,
  kHebrew,
  kHp8,
  kKeybcs2,
  kKoi8r,
  kKoi8u,
  kLatin5,
  kLatin7,
  kMacce,
  kMacroman,
  kSjis,
  kSwe7,
  kTis620,
  kUjis,
};

// The charset of collation `id` (MariaDB 10.11's information_schema plus the
// MySQL 8 ids MariaDB lacks). kUnknown for 0 and unassigned ids.
Charset charset_of_collation(uint16_t id);

// MySQL's name for the charset ("utf8mb4", "latin1", ...; "unknown").
const char* charset_name(Charset cs);

// True when to_utf8 can convert this charset (the pass-through UTF-8 charsets
// included); false for kUnknown, kBinary and the recognized-only charsets.
bool charset_converts(Charset cs);

// Appends `in` (bytes in charset `cs`) to `out` as UTF-8. Returns false, with
// `out` unchanged, when the bytes are not valid in `cs` (truncated UTF-16,
// invalid UTF-8, a byte the charset leaves unassigned) or `cs` does not convert
// (charset_converts false): the caller then keeps the bytes as binary, so the
// output never loses information.
bool to_utf8(Charset cs, std::string_view in, std::string& out);

// Appends code point `cp` (<= 0x10FFFF, not a surrogate) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace dbtrail::binlog
