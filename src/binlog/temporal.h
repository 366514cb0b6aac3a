// MySQL/MariaDB temporal column layouts in row images, and their text forms.
// The decoders take the bytes of one cell (the caller knows the size from
// temporal_binary_size / frac_bytes) and fill a Temporal (value.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "binlog/cursor.h"
#include "binlog/value.h"

namespace dbtrail::binlog {

// Bytes of the fractional-second part for fsp 0..6: 0, 1, 1, 2, 2, 3, 3.
inline constexpr unsigned frac_bytes(unsigned fsp) { return (fsp + 1) / 2; }

// DATE / NEWDATE: 3-byte little-endian value already read by the caller.
Temporal date_from_uint(uint32_t v);
// Old TIME (type 11): signed 24-bit HHMMSS as a decimal number (-8385959).
Temporal time_from_int(int32_t hhmmss);
// Old DATETIME (type 12): 8-byte YYYYMMDDhhmmss as a decimal number.
Temporal datetime_from_uint(uint64_t v);

// TIME2 (5.6.4+): 3 + frac_bytes(fsp) bytes. false on a size mismatch or fsp > 6.
bool time2_from_binary(Bytes b, unsigned fsp, Temporal& t);
// DATETIME2: 5 + frac_bytes(fsp) bytes. false on a size mismatch, fsp > 6 or a
// negative value (the sign bit clear), which no server writes.
bool datetime2_from_binary(Bytes b, unsigned fsp, Temporal& t);
// TIMESTAMP2: 4 + frac_bytes(fsp) bytes: epoch seconds and microseconds.
bool timestamp2_from_binary(Bytes b, unsigned fsp, uint64_t& seconds, uint32_t& micro);

// Epoch seconds -> UTC calendar fields (proleptic Gregorian, no time zone).
Temporal civil_from_epoch(uint64_t seconds, uint32_t micro);

// Text forms. Each writes into `buf` (kMaxTemporalText chars) and returns the
// length. `frac` (0..6) is the number of fractional digits written after '.'
// (none and no '.' when 0). Years print with at least 4 digits, hours with at
// least 2.
inline constexpr size_t kMaxTemporalText = 48;
size_t format_date(const Temporal& t, char* buf);                     // YYYY-MM-DD
size_t format_time(const Temporal& t, unsigned frac, char* buf);      // [-]HH:MM:SS[.f]
size_t format_datetime(const Temporal& t, unsigned frac, char* buf);  // YYYY-MM-DD HH:MM:SS[.f]
// TIMESTAMP in UTC; seconds 0 with micro 0 is MySQL's zero timestamp and
// prints as "0000-00-00 00:00:00" (with `frac` zeros).
size_t format_timestamp(uint64_t seconds, uint32_t micro, unsigned frac, char* buf);

}  // namespace dbtrail::binlog
