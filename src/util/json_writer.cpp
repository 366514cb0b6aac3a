#include "util/json_writer.h"

#include <charconv>
#include <cstring>

namespace dbtrail {

void JsonWriter::int64(int64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::uint64(uint64_t v) {
  sep();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t utf8_seq_len(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  size_t n = s.size() - i;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return (n >= 2 && (b(1) & 0xc0) == 0x80) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (b(1) & 0xc0) != 0x80 || (b(2) & 0xc0) != 0x80) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;  // overlong
    if (c == 0xed && b(1) > 0x9f) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (b(1) & 0xc0) != 0x80 || (b(2) & 0xc0) != 0x80 || (b(3) & 0xc0) != 0x80) return 0;
    if (c == 0xf0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xf4 && b(1) > 0x8f) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) { ++i; continue; }
    size_t n = utf8_seq_len(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// Marks (high bit of each byte) the bytes of `w` that need attention: control
// characters (< 0x20), non-ASCII bytes (>= 0x80), '"' and '\\'. The lowest
// marked byte is exact, which is all the scanner uses.
inline uint64_t attention_mask(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  auto zero_bytes = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return (w & kHigh) | below_space | zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\'));
}

// Escapes s into out. Returns false at the first invalid UTF-8 sequence when
// `strict` (out then holds a partial string the caller discards); otherwise
// writes U+FFFD for it and goes on.
bool escape_into(std::string& out, std::string_view s, bool strict) {
  static const char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  const char* p = s.data();
  const size_t n = s.size();
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  size_t i = 0;
  while (i < n) {
    // Eight bytes at a time; the last word is padded with spaces (plain).
    uint64_t w = 0x2020202020202020ull;
    size_t take = n - i < 8 ? n - i : 8;
    std::memcpy(&w, p + i, take);
    uint64_t mask = attention_mask(w);
    if (mask == 0) {
      i += take;
      continue;
    }
    i += static_cast<size_t>(__builtin_ctzll(mask)) / 8;
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c >= 0x80) {
      size_t len = utf8_seq_len(s, i);
      if (len != 0) { i += len; continue; }
      if (strict) return false;
      out.append(p + run, i - run);
      out += "\xef\xbf\xbd";  // U+FFFD
      run = ++i;
      continue;
    }
    out.append(p + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(u, 6);
      }
    }
    run = ++i;
  }
  out.append(p + run, n - run);
  out += '"';
  return true;
}

}  // namespace

void JsonWriter::append_escaped(std::string& out, std::string_view s) { escape_into(out, s, false); }

bool JsonWriter::string_if_utf8(std::string_view s) {
  size_t mark = out_.size();
  bool first = first_;
  sep();
  if (escape_into(out_, s, true)) return true;
  out_.resize(mark);
  first_ = first;
  return false;
}

}  // namespace dbtrail
