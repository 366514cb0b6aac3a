// A bounded little-endian reader over a byte span. Every decoder reads through
// it; nothing else in src/binlog does pointer arithmetic. A read past the end
// returns zero/empty and sets a sticky failure flag, so a decoder can read a
// whole structure and check ok() once (like an iostream's failbit) instead of
// testing every field. The cursor never owns the bytes: views it returns stay
// valid as long as the underlying buffer does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace dbtrail::binlog {

using Bytes = std::span<const uint8_t>;

inline std::string_view as_chars(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

class Cursor {
 public:
  Cursor() = default;
  explicit Cursor(Bytes b) : p_(b.data()), end_(b.data() + b.size()), begin_(b.data()) {}

  bool ok() const { return ok_; }
  void fail() { ok_ = false; p_ = end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }
  bool empty() const { return p_ == end_; }
  Bytes rest() const { return {p_, remaining()}; }

  bool need(size_t n) {
    if (remaining() < n) { fail(); return false; }
    return true;
  }
  void skip(size_t n) { if (need(n)) p_ += n; }

  uint8_t u8() { return need(1) ? *p_++ : 0; }
  uint16_t u16() { return static_cast<uint16_t>(uint_le(2)); }
  uint32_t u24() { return static_cast<uint32_t>(uint_le(3)); }
  uint32_t u32() { return static_cast<uint32_t>(uint_le(4)); }
  uint64_t u48() { return uint_le(6); }
  uint64_t u64() { return uint_le(8); }

  // Unsigned little-endian integer of n bytes (n <= 8).
  uint64_t uint_le(size_t n) {
    if (!need(n)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += n;
    return v;
  }
  // Unsigned big-endian integer of n bytes (n <= 8): temporal and decimal fields.
  uint64_t uint_be(size_t n) {
    if (!need(n)) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | p_[i];
    p_ += n;
    return v;
  }

  // MySQL length-encoded ("packed") integer: < 0xfb one byte, 0xfc + 2, 0xfd + 3, 0xfe + 8.
  uint64_t packed_int() {
    uint8_t first = u8();
    if (first < 0xfb) return first;
    if (first == 0xfc) return u16();
    if (first == 0xfd) return u24();
    if (first == 0xfe) return u64();
    fail();  // 0xfb (NULL) and 0xff are not valid lengths here
    return 0;
  }

  Bytes bytes(size_t n) {
    if (!need(n)) return {};
    Bytes b{p_, n};
    p_ += n;
    return b;
  }
  std::string_view str(size_t n) { return as_chars(bytes(n)); }
  // Bytes up to (not including) a NUL; the NUL is consumed. Fails if none.
  std::string_view cstr() {
    const void* z = std::memchr(p_, 0, remaining());
    if (!z) { fail(); return {}; }
    size_t n = static_cast<size_t>(static_cast<const uint8_t*>(z) - p_);
    auto s = str(n);
    p_ += 1;
    return s;
  }
  std::string_view packed_str() { return str(static_cast<size_t>(packed_int())); }

  float f32() {
    uint32_t v = u32();
    float f;
    std::memcpy(&f, &v, 4);
    return f;
  }
  double f64() {
    uint64_t v = u64();
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  }

 private:
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  const uint8_t* begin_ = nullptr;
  bool ok_ = true;
};

}  // namespace dbtrail::binlog
