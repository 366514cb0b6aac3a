// MySQL's binary DECIMAL (NEWDECIMAL, type 246) as stored in row images,
// turned into exact decimal text with the declared scale ("-12.300").
#pragma once

#include <cstddef>
#include <cstdint>

#include "binlog/cursor.h"

namespace dbtrail::binlog {

// Largest text decimal_to_text writes: sign, 255 digits, point, leading "0".
inline constexpr size_t kMaxDecimalText = 260;

// Bytes a DECIMAL(precision, scale) value occupies in a row image, or 0 when
// the pair is impossible (precision 0, scale above precision).
size_t decimal_binary_size(unsigned precision, unsigned scale);

// Writes the text of the binary decimal `in` (exactly decimal_binary_size()
// bytes) to `buf` (kMaxDecimalText chars): optional '-', the integer digits
// without leading zeros ("0" when there are none), and when scale > 0 a '.'
// followed by exactly `scale` digits. Returns the length, or 0 when the bytes
// are not a decimal (wrong size, a 9-digit group above 999999999).
size_t decimal_to_text(Bytes in, unsigned precision, unsigned scale, char* buf);

}  // namespace dbtrail::binlog
