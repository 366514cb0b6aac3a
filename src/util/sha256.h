// SHA-256 (FIPS 180-4) for the index's pk_hash column and other digests.
// Written here rather than pulled from libcrypto so the util layer keeps no
// crypto dependency for one small hash.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dbtrail {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // Finishes the hash; the object must not be updated afterwards.
  std::array<uint8_t, 32> digest();

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;  // bytes hashed so far
};

// Lowercase hex of SHA-256(data): 64 characters.
std::string sha256_hex(std::string_view data);

}  // namespace dbtrail
