// A partition's key filter: which primary keys it may hold, so a `--pk`
// lookup opens only the partition files that can answer instead of one per
// hour of history. A split-block Bloom filter: the key's hash picks one
// 32-byte block, and sets (tests) one bit in each of its eight 32-bit words,
// so a probe reads 32 bytes wherever the filter is stored. No false
// negatives; about 0.5% false positives at kBitsPerKey.
//
// Pure computation: sqlite_store_filters.cpp keeps filters in meta.db.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dbtrail::index::sqlite {

// Stored with each filter. A filter of another version is ignored (its
// partition is opened, as if it had none), so changing the hash or the bit
// layout means bumping this, never reinterpreting old filters.
constexpr int kKeyFilterVersion = 1;
constexpr size_t kKeyFilterBlockBytes = 32;
constexpr size_t kBitsPerKey = 12;

// The 64-bit hash of a change's key: schema, table and pk_values (bintrail's
// pipe-delimited text), exactly what a --pk lookup compares.
uint64_t key_hash(std::string_view schema, std::string_view table, std::string_view pk_values);

// Blocks for `keys` keys (0 for none).
uint64_t key_filter_blocks(size_t keys);

// The block a hash lives in, among `blocks`: the high half of the hash scaled
// to the range (a multiply and a shift).
inline uint64_t key_filter_block(uint64_t hash, uint64_t blocks) {
  return ((hash >> 32) * blocks) >> 32;
}

// Where a filter is stored, a key's bits are found by its bucket: the high
// half of its hash scaled to kKeyFilterBuckets, the same for every filter, so
// one key's bits in every partition's filter can be stored side by side.
// A bucket covers blocks [first, last] of a filter of `blocks` blocks (keys
// of one bucket fall only there; a block may belong to two buckets).
constexpr uint64_t kKeyFilterBuckets = 1024;
inline uint64_t key_filter_bucket(uint64_t hash) { return ((hash >> 32) * kKeyFilterBuckets) >> 32; }
inline uint64_t key_filter_bucket_first(uint64_t bucket, uint64_t blocks) {
  return bucket * blocks / kKeyFilterBuckets;
}
inline uint64_t key_filter_bucket_last(uint64_t bucket, uint64_t blocks) {
  return ((bucket + 1) * blocks - 1) / kKeyFilterBuckets;
}

// Filter bits for `hashes`: key_filter_blocks(hashes.size()) blocks.
std::string key_filter_bits(const std::vector<uint64_t>& hashes);

// Whether the block may hold the hash (false: the key is certainly absent).
bool key_filter_block_has(std::string_view block, uint64_t hash);

}  // namespace dbtrail::index::sqlite
