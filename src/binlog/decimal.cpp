// Binary DECIMAL layout (MySQL's decimal2bin/bin2decimal; MariaDB is identical):
//
//   The digits are split at the decimal point. Each side is cut into groups of
//   9 decimal digits, each stored as a 4-byte big-endian integer; the digits
//   left over (fewer than 9) take dig2bytes[n] bytes. The integer side puts its
//   leftover group FIRST (the most significant digits), the fraction side LAST:
//
//     [int leftover][int 9-digit groups...][frac 9-digit groups...][frac leftover]
//
//   The fraction leftover holds the next n digits as an n-digit number
//   (e.g. scale 2 with ".05" stores 5 in one byte, printed "05").
//   Sign: the top bit of the first byte is 1 for non-negative values. A
//   negative value additionally has every byte inverted (x ^ 0xFF), which keeps
//   the encoding memcmp-ordered.

#include "binlog/decimal.h"

#include <cstring>

namespace dbtrail::binlog {
namespace {

constexpr unsigned kDigitsPerGroup = 9;
constexpr unsigned kDig2Bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
constexpr uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                 100000, 1000000, 10000000, 100000000, 1000000000};

// Writes v as exactly n digits (zero-padded) at p.
char* put_digits(char* p, uint32_t v, unsigned n) {
  for (unsigned k = n; k > 0; --k) {
    p[k - 1] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

}  // namespace

size_t decimal_binary_size(unsigned precision, unsigned scale) {
  if (precision == 0 || scale > precision || precision > 255) return 0;
  unsigned intg = precision - scale;
  return (intg / kDigitsPerGroup) * 4 + kDig2Bytes[intg % kDigitsPerGroup] +
         (scale / kDigitsPerGroup) * 4 + kDig2Bytes[scale % kDigitsPerGroup];
}

size_t decimal_to_text(Bytes in, unsigned precision, unsigned scale, char* buf) {
  size_t size = decimal_binary_size(precision, scale);
  if (size == 0 || in.size() != size) return 0;

  const bool negative = (in[0] & 0x80) == 0;
  const uint8_t mask = negative ? 0xFF : 0x00;
  size_t pos = 0;
  // Reads the next n bytes as a big-endian group, undoing sign bit and inversion.
  auto group = [&](unsigned nbytes) {
    uint32_t v = 0;
    for (unsigned k = 0; k < nbytes; ++k, ++pos) {
      uint8_t b = in[pos] ^ mask;
      if (pos == 0) b ^= 0x80;
      v = (v << 8) | b;
    }
    return v;
  };

  const unsigned intg = precision - scale;
  const unsigned intg_full = intg / kDigitsPerGroup, intg_left = intg % kDigitsPerGroup;
  const unsigned frac_full = scale / kDigitsPerGroup, frac_left = scale % kDigitsPerGroup;

  char* p = buf;
  if (negative) *p++ = '-';
  char* int_start = p;
  if (intg_left > 0) {
    uint32_t v = group(kDig2Bytes[intg_left]);
    if (v >= kPow10[intg_left]) return 0;
    p = put_digits(p, v, intg_left);
  }
  for (unsigned g = 0; g < intg_full; ++g) {
    uint32_t v = group(4);
    if (v >= kPow10[9]) return 0;
    p = put_digits(p, v, kDigitsPerGroup);
  }
  // Strip leading zeros of the integer part, keeping one digit.
  char* first = int_start;
  while (first < p && *first == '0') ++first;
  if (first == p) {
    *int_start = '0';
    p = int_start + 1;
  } else if (first != int_start) {
    size_t n = static_cast<size_t>(p - first);
    std::memmove(int_start, first, n);
    p = int_start + n;
  }

  if (scale > 0) {
    *p++ = '.';
    for (unsigned g = 0; g < frac_full; ++g) {
      uint32_t v = group(4);
      if (v >= kPow10[9]) return 0;
      p = put_digits(p, v, kDigitsPerGroup);
    }
    if (frac_left > 0) {
      uint32_t v = group(kDig2Bytes[frac_left]);
      if (v >= kPow10[frac_left]) return 0;
      p = put_digits(p, v, frac_left);
    }
  }
  return static_cast<size_t>(p - buf);
}

}  // namespace dbtrail::binlog
