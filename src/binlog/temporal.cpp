// Temporal layouts (MySQL's my_time.cc / MariaDB's compat56.cc; the two agree).
//
// Fractional part (TIME2, DATETIME2, TIMESTAMP2), big-endian after the integer
// part, by declared precision:
//   fsp 1-2: 1 byte, hundredths of a second   (fsp 1 stores tenths * 10)
//   fsp 3-4: 2 bytes, 1/10000 s               (fsp 3 stores millis * 10)
//   fsp 5-6: 3 bytes, microseconds
//
// DATETIME2 integer part, 40 bits big-endian, stored + 0x8000000000:
//   1 bit sign (1 = non-negative) | 17 bits year*13+month | 5 day | 5 hour | 6 minute | 6 second
// TIME2 integer part, 24 bits big-endian, stored + 0x800000:
//   1 bit sign | 1 unused | 10 bits hour | 6 minute | 6 second
//   A negative TIME2 with a fraction is stored as (int part - 1, 2^k - frac) so
//   that memcmp order is time order; e.g. -00:00:00.5 (fsp 1) is 7F FF FF CE.
//   fsp 5-6 store the whole packed value (int << 24 | micro) + 0x800000000000
//   in 6 bytes, the fraction two's-complemented with the integer.
// TIMESTAMP2: 4 bytes big-endian epoch seconds, then the fraction.

#include "binlog/temporal.h"

#include "util/time_format.h"

namespace dbtrail::binlog {
namespace {

constexpr int64_t kTimeIntOffset = 0x800000;           // TIME2, fsp 0-4
constexpr int64_t kTimePackedOffset = 0x800000000000;  // TIME2, fsp 5-6
constexpr int64_t kDatetimeIntOffset = 0x8000000000;   // DATETIME2

uint64_t be(Bytes b, size_t from, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | b[from + i];
  return v;
}

// Fraction bytes -> microseconds; false when above the unit's range.
bool frac_micro(Bytes b, size_t from, unsigned fsp, uint32_t& micro) {
  unsigned n = frac_bytes(fsp);
  uint64_t f = be(b, from, n);
  switch (n) {
    case 0:
      micro = 0;
      return true;
    case 1:
      micro = static_cast<uint32_t>(f * 10000);
      return f < 100;
    case 2:
      micro = static_cast<uint32_t>(f * 100);
      return f < 10000;
    default:
      micro = static_cast<uint32_t>(f);
      return f < 1000000;
  }
}

char* put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + (v / 10) % 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// At least `width` digits.
char* put_uint(char* p, uint64_t v, unsigned width) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char tmp[24];
  unsigned n = 0;
  while (v >= 100) {  // two digits per division
    unsigned d = static_cast<unsigned>(v % 100) * 2;
    v /= 100;
    tmp[n++] = kPairs[d + 1];
    tmp[n++] = kPairs[d];
  }
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n < width) tmp[n++] = '0';
  while (n > 0) *p++ = tmp[--n];
  return p;
}

char* put_frac(char* p, uint32_t micro, unsigned frac) {
  if (frac == 0) return p;
  if (frac > 6) frac = 6;
  static constexpr uint32_t kDiv[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};
  *p++ = '.';
  return put_uint(p, micro / kDiv[frac], frac);
}

char* put_date(char* p, const Temporal& t) {
  p = put_uint(p, t.year, 4);
  *p++ = '-';
  p = put2(p, t.month);
  *p++ = '-';
  return put2(p, t.day);
}

char* put_hms(char* p, uint64_t hour, const Temporal& t, unsigned frac) {
  p = put_uint(p, hour, 2);
  *p++ = ':';
  p = put2(p, t.minute);
  *p++ = ':';
  p = put2(p, t.second);
  return put_frac(p, t.micro, frac);
}

}  // namespace

Temporal date_from_uint(uint32_t v) {
  // 3 bytes little-endian: day 5 bits | month 4 bits | year 15 bits (low to high).
  Temporal t;
  t.day = static_cast<uint8_t>(v & 31);
  t.month = static_cast<uint8_t>((v >> 5) & 15);
  t.year = static_cast<uint16_t>(v >> 9);
  return t;
}

Temporal time_from_int(int32_t hhmmss) {
  Temporal t;
  uint32_t v = static_cast<uint32_t>(hhmmss);
  if (hhmmss < 0) {
    t.negative = true;
    v = 0u - v;
  }
  t.second = static_cast<uint8_t>(v % 100);
  t.minute = static_cast<uint8_t>(v / 100 % 100);
  t.hour = v / 10000;
  return t;
}

Temporal datetime_from_uint(uint64_t v) {
  Temporal t;
  uint64_t date = v / 1000000, time = v % 1000000;
  t.year = static_cast<uint16_t>(date / 10000);
  t.month = static_cast<uint8_t>(date / 100 % 100);
  t.day = static_cast<uint8_t>(date % 100);
  t.hour = static_cast<uint32_t>(time / 10000);
  t.minute = static_cast<uint8_t>(time / 100 % 100);
  t.second = static_cast<uint8_t>(time % 100);
  return t;
}

bool time2_from_binary(Bytes b, unsigned fsp, Temporal& t) {
  if (fsp > 6 || b.size() != 3 + frac_bytes(fsp)) return false;
  // Rebuild MySQL's packed form: (int part << 24) + signed microseconds.
  int64_t packed;
  if (fsp >= 5) {
    packed = static_cast<int64_t>(be(b, 0, 6)) - kTimePackedOffset;
  } else {
    int64_t intpart = static_cast<int64_t>(be(b, 0, 3)) - kTimeIntOffset;
    int64_t frac = 0;
    if (fsp > 0) {
      unsigned n = frac_bytes(fsp);
      frac = static_cast<int64_t>(be(b, 3, n));
      if (intpart < 0 && frac != 0) {
        // Stored as the next lower integer plus a complemented fraction.
        intpart += 1;
        frac -= int64_t{1} << (8 * n);
      }
      int64_t unit = n == 1 ? 10000 : 100;
      if (frac <= -(n == 1 ? 100 : 10000) || frac >= (n == 1 ? 100 : 10000)) return false;
      frac *= unit;
    }
    packed = intpart * (int64_t{1} << 24) + frac;
  }
  t = Temporal{};
  if (packed < 0) {
    t.negative = true;
    packed = -packed;
  }
  uint64_t micro = static_cast<uint64_t>(packed) & 0xFFFFFF;
  uint64_t hms = static_cast<uint64_t>(packed) >> 24;
  if (micro >= 1000000) return false;
  t.micro = static_cast<uint32_t>(micro);
  t.second = static_cast<uint8_t>(hms & 63);
  t.minute = static_cast<uint8_t>((hms >> 6) & 63);
  t.hour = static_cast<uint32_t>((hms >> 12) & 1023);
  return true;
}

bool datetime2_from_binary(Bytes b, unsigned fsp, Temporal& t) {
  if (fsp > 6 || b.size() != 5 + frac_bytes(fsp)) return false;
  int64_t intpart = static_cast<int64_t>(be(b, 0, 5)) - kDatetimeIntOffset;
  if (intpart < 0) return false;
  t = Temporal{};
  if (!frac_micro(b, 5, fsp, t.micro)) return false;
  uint64_t v = static_cast<uint64_t>(intpart);
  uint64_t ymd = v >> 17, hms = v & 0x1FFFF;
  uint64_t ym = ymd >> 5;
  t.day = static_cast<uint8_t>(ymd & 31);
  t.month = static_cast<uint8_t>(ym % 13);
  t.year = static_cast<uint16_t>(ym / 13);
  t.second = static_cast<uint8_t>(hms & 63);
  t.minute = static_cast<uint8_t>((hms >> 6) & 63);
  t.hour = static_cast<uint32_t>(hms >> 12);
  return true;
}

bool timestamp2_from_binary(Bytes b, unsigned fsp, uint64_t& seconds, uint32_t& micro) {
  if (fsp > 6 || b.size() != 4 + frac_bytes(fsp)) return false;
  seconds = be(b, 0, 4);
  return frac_micro(b, 4, fsp, micro);
}

Temporal civil_from_epoch(uint64_t seconds, uint32_t micro) {
  Temporal t;
  uint64_t rem = seconds % 86400;
  t.hour = static_cast<uint32_t>(rem / 3600);
  t.minute = static_cast<uint8_t>(rem / 60 % 60);
  t.second = static_cast<uint8_t>(rem % 60);
  t.micro = micro;
  CivilDate d = civil_from_days(static_cast<int64_t>(seconds / 86400));
  t.year = static_cast<uint16_t>(d.year);
  t.month = static_cast<uint8_t>(d.month);
  t.day = static_cast<uint8_t>(d.day);
  return t;
}

size_t format_date(const Temporal& t, char* buf) {
  return static_cast<size_t>(put_date(buf, t) - buf);
}

size_t format_time(const Temporal& t, unsigned frac, char* buf) {
  char* p = buf;
  if (t.negative) *p++ = '-';
  p = put_hms(p, t.hour, t, frac);
  return static_cast<size_t>(p - buf);
}

size_t format_datetime(const Temporal& t, unsigned frac, char* buf) {
  char* p = put_date(buf, t);
  *p++ = ' ';
  p = put_hms(p, t.hour, t, frac);
  return static_cast<size_t>(p - buf);
}

size_t format_timestamp(uint64_t seconds, uint32_t micro, unsigned frac, char* buf) {
  if (seconds == 0 && micro == 0) return format_datetime(Temporal{}, frac, buf);
  return format_datetime(civil_from_epoch(seconds, micro), frac, buf);
}

}  // namespace dbtrail::binlog
