#include "index/sqlite/key_filter.h"

#include <array>
#include <bit>
#include <cstring>

namespace dbtrail::index::sqlite {

namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio, odd

// A bijective 64-bit mixer (xor-shift, multiply): every input bit reaches
// every output bit, so similar keys ("1", "2") land in unrelated blocks.
constexpr uint64_t mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  return x ^ (x >> 32);
}

// Folds `s` into `h` 8 bytes at a time; its length goes in last, so the
// boundaries between schema, table and key are part of the hash.
uint64_t fold(uint64_t h, std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = std::rotl(h ^ mix(w), 27) * kMul;
  }
  uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  h = std::rotl(h ^ mix(tail), 27) * kMul;
  return h ^ mix(s.size() + kMul);
}

// One odd multiplier per 32-bit word of a block; each maps the hash's low half
// to a different bit of its word. Fixed by kKeyFilterVersion.
constexpr std::array<uint32_t, 8> make_salts() {
  std::array<uint32_t, 8> out{};
  for (uint64_t i = 0; i < out.size(); ++i) out[i] = uint32_t(mix((i + 1) * kMul)) | 1u;
  return out;
}
constexpr std::array<uint32_t, 8> kSalts = make_salts();

uint32_t bit_of(uint64_t hash, size_t word) {
  return 1u << ((uint32_t(hash) * kSalts[word]) >> 27);
}

}  // namespace

uint64_t key_hash(std::string_view schema, std::string_view table, std::string_view pk_values) {
  return mix(fold(fold(fold(kMul, schema), table), pk_values));
}

uint64_t key_filter_blocks(size_t keys) {
  return (uint64_t(keys) * kBitsPerKey + kKeyFilterBlockBytes * 8 - 1) / (kKeyFilterBlockBytes * 8);
}

std::string key_filter_bits(const std::vector<uint64_t>& hashes) {
  const uint64_t blocks = key_filter_blocks(hashes.size());
  std::vector<uint32_t> words(blocks * 8, 0);
  for (uint64_t h : hashes) {
    uint32_t* block = &words[key_filter_block(h, blocks) * 8];
    for (size_t w = 0; w < 8; ++w) block[w] |= bit_of(h, w);
  }
  // Little-endian words, whatever the host: the bytes are what is stored.
  std::string out(blocks * kKeyFilterBlockBytes, '\0');
  for (size_t i = 0; i < words.size(); ++i)
    for (size_t b = 0; b < 4; ++b) out[i * 4 + b] = char(words[i] >> (8 * b));
  return out;
}

bool key_filter_block_has(std::string_view block, uint64_t hash) {
  if (block.size() != kKeyFilterBlockBytes) return true;  // not a block: cannot exclude
  for (size_t w = 0; w < 8; ++w) {
    uint32_t word = 0;
    for (size_t b = 0; b < 4; ++b) word |= uint32_t(uint8_t(block[w * 4 + b])) << (8 * b);
    if ((word & bit_of(hash, w)) == 0) return false;
  }
  return true;
}

}  // namespace dbtrail::index::sqlite
