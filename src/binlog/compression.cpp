#include "binlog/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <memory>

#include "binlog/event_type.h"

namespace dbtrail::binlog {

namespace {

// No event, compressed or not, may exceed max_allowed_packet (at most 1 GiB), so
// neither may what it decompresses to. Anything larger is a bomb or corruption.
constexpr uint64_t kMaxPlainBytes = uint64_t{1} << 30;

Error corrupt(std::string what) { return make_error(ErrorCode::kCorrupt, std::move(what)); }

// ---------------------------------------------------------------------------
// MySQL TRANSACTION_PAYLOAD

// Header field types (Transaction_payload_event, "OTW_PAYLOAD_*").
enum PayloadField : uint64_t {
  kPayloadEndMark = 0,
  kPayloadSize = 1,
  kPayloadCompressionType = 2,
  kPayloadUncompressedSize = 3,
};
enum PayloadCompression : uint64_t { kZstd = 0, kNone = 255 };

struct ZstdDctxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Streams `in` through zstd into `out`, never holding more than `limit` + 1 bytes:
// `limit` is the declared uncompressed size, or 1 GiB when none is declared.
Status zstd_decompress(Bytes in, uint64_t limit, std::string& out) {
  std::unique_ptr<ZSTD_DCtx, ZstdDctxFree> dctx(ZSTD_createDCtx());
  if (!dctx)
    return make_error(ErrorCode::kInternal, "zstd could not allocate a decompression context");
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  // Grow geometrically from a modest start: a forged size must not allocate 1 GiB up front.
  size_t step = static_cast<size_t>(std::min<uint64_t>(limit + 1, 1u << 20));
  for (;;) {
    size_t old = out.size();
    if (old > limit) {
      return corrupt("TRANSACTION_PAYLOAD decompresses to more than " + std::to_string(limit) +
                     " bytes (its declared size, or the 1 GiB cap); refusing it");
    }
    size_t room = static_cast<size_t>(std::min<uint64_t>(std::max(step, old), limit + 1 - old));
    out.resize(old + room);
    ZSTD_outBuffer ob{out.data() + old, room, 0};
    size_t r = ZSTD_decompressStream(dctx.get(), &ob, &ib);
    out.resize(old + ob.pos);
    if (ZSTD_isError(r)) {
      return corrupt(std::string("TRANSACTION_PAYLOAD zstd data is damaged: ") +
                     ZSTD_getErrorName(r));
    }
    bool input_done = ib.pos == ib.size;
    bool output_full = ob.pos == ob.size;
    if (out.size() > limit) continue;     // reported at the top of the loop
    if (r == 0 && input_done) return {};  // last frame complete, everything flushed
    if (input_done && !output_full) {
      return corrupt("TRANSACTION_PAYLOAD zstd data ends inside a frame");
    }
  }
}

// ---------------------------------------------------------------------------
// MariaDB compressed events (log_bin_compress=ON, MDEV-11065)
//
// The compressed part of an event (query text, or rows data) is:
//   header u8: 0x80 | (algorithm << 4) | lenlen      algorithm 0 = zlib; lenlen 1..4
//   plain length: lenlen bytes, big-endian
//   zlib stream (RFC 1950, as zlib's compress() writes it) to the end of the body
// Everything before it in the body is left as is.
Result<std::string> mariadb_inflate(Bytes blob, Bytes head, const char* what) {
  Cursor c(blob);
  uint8_t h = c.u8();
  if (!c.ok() || !(h & 0x80)) {
    return corrupt(std::string("MariaDB compressed ") + what + " lacks its compression header");
  }
  unsigned alg = (h >> 4) & 0x7;
  unsigned lenlen = h & 0x7;
  if (alg != 0) {
    return make_error(ErrorCode::kUnsupported, std::string("MariaDB compressed ") + what +
                                                   " uses unknown algorithm " +
                                                   std::to_string(alg));
  }
  if (lenlen < 1 || lenlen > 4) {
    return corrupt(std::string("MariaDB compressed ") + what + " has a " + std::to_string(lenlen) +
                   "-byte length field");
  }
  uint64_t plain_len = c.uint_be(lenlen);
  Bytes z = c.rest();
  if (!c.ok() || plain_len == 0) {
    return corrupt(std::string("MariaDB compressed ") + what + " has no plain length");
  }
  // Deflate cannot exceed ~1032:1; a larger claim is a lie we need not allocate for.
  if (plain_len > kMaxPlainBytes || plain_len > uint64_t{z.size()} * 1032 + 1024) {
    return corrupt(std::string("MariaDB compressed ") + what + " claims " +
                   std::to_string(plain_len) + " plain bytes from " + std::to_string(z.size()));
  }
  std::string out;
  out.resize(head.size() + static_cast<size_t>(plain_len));
  std::copy(head.begin(), head.end(), out.begin());
  uLongf dest_len = static_cast<uLongf>(plain_len);
  uLong src_len = static_cast<uLong>(z.size());
  int zr = uncompress2(reinterpret_cast<Bytef*>(out.data() + head.size()), &dest_len, z.data(),
                       &src_len);
  if (zr != Z_OK) {
    return corrupt(std::string("MariaDB compressed ") + what + " zlib data is damaged (" +
                   (zr == Z_BUF_ERROR ? "longer than declared or truncated" : "invalid stream") +
                   ")");
  }
  if (dest_len != plain_len) {
    return corrupt(std::string("MariaDB compressed ") + what + " inflates to " +
                   std::to_string(dest_len) + " bytes, declared " + std::to_string(plain_len));
  }
  if (src_len != z.size()) {
    return corrupt(std::string("MariaDB compressed ") + what + " has " +
                   std::to_string(z.size() - src_len) +
                   " bytes after its zlib stream (checksum not stripped?)");
  }
  return out;
}

}  // namespace

// TRANSACTION_PAYLOAD (40) body:
//   { field_type packed int | field_length packed int | value (field_length bytes) }*
//   field_type 0 (end mark) has no length or value and ends the header
//   then the payload: payload_size bytes, compressed with compression_type
// Values of types 1..3 are packed ints inside their field_length bytes. Unknown
// field types are skipped by length (the server does the same).
Result<std::string> decompress_transaction_payload(Bytes body) {
  Cursor c(body);
  bool have_size = false, have_type = false, have_plain = false;
  uint64_t payload_size = 0, compression = 0, plain_size = 0;
  for (;;) {
    uint64_t type = c.packed_int();
    if (!c.ok()) return corrupt("TRANSACTION_PAYLOAD header ends before its end mark");
    if (type == kPayloadEndMark) break;
    uint64_t len = c.packed_int();
    if (!c.ok() || len > c.remaining()) {
      return corrupt("TRANSACTION_PAYLOAD header field " + std::to_string(type) +
                     " runs past the end of the event");
    }
    Cursor v(c.bytes(static_cast<size_t>(len)));
    if (type > kPayloadUncompressedSize) continue;
    uint64_t value = v.packed_int();
    if (!v.ok() || !v.empty()) {
      return corrupt("TRANSACTION_PAYLOAD header field " + std::to_string(type) +
                     " does not hold one integer");
    }
    if (type == kPayloadSize) have_size = true, payload_size = value;
    if (type == kPayloadCompressionType) have_type = true, compression = value;
    if (type == kPayloadUncompressedSize) have_plain = true, plain_size = value;
  }
  Bytes payload = c.rest();
  if (!have_type) return corrupt("TRANSACTION_PAYLOAD header has no compression type");
  if (have_size && payload_size != payload.size()) {
    return corrupt("TRANSACTION_PAYLOAD declares " + std::to_string(payload_size) +
                   " payload bytes but carries " + std::to_string(payload.size()) +
                   " (checksum not stripped?)");
  }
  if (have_plain && plain_size > kMaxPlainBytes) {
    return corrupt("TRANSACTION_PAYLOAD declares " + std::to_string(plain_size) +
                   " uncompressed bytes, more than the 1 GiB any event may hold");
  }
  std::string out;
  if (compression == kNone) {
    out.assign(as_chars(payload));
  } else if (compression == kZstd) {
    DBT_TRY(zstd_decompress(payload, have_plain ? plain_size : kMaxPlainBytes, out));
  } else {
    return make_error(
        ErrorCode::kUnsupported,
        "TRANSACTION_PAYLOAD uses unknown compression type " + std::to_string(compression));
  }
  if (have_plain && out.size() != plain_size) {
    return corrupt("TRANSACTION_PAYLOAD decompresses to " + std::to_string(out.size()) +
                   " bytes, declared " + std::to_string(plain_size));
  }
  return out;
}

// QUERY_COMPRESSED (165) body, same as QUERY up to the query text:
//   post-header (post_header_len, 13): thread_id u32 | exec_time u32 | db_len u8 |
//                                      error_code u16 | status_vars_len u16
//   status_vars (status_vars_len) | db (db_len) | NUL | compressed query text
// The plain QUERY body is everything up to and including the NUL, then the text.
Result<std::string> mariadb_plain_query_body(Bytes body, uint8_t post_header_len) {
  if (post_header_len < 13) {
    return corrupt("QUERY_COMPRESSED post-header of " + std::to_string(post_header_len) +
                   " bytes cannot hold status variables' length");
  }
  Cursor c(body);
  c.skip(8);
  uint8_t db_len = c.u8();
  c.skip(2);
  uint16_t status_len = c.u16();
  c.skip(post_header_len - 13u);
  c.skip(status_len);
  c.skip(db_len + 1u);
  if (!c.ok()) return corrupt("QUERY_COMPRESSED event ends before its query text");
  return mariadb_inflate(c.rest(), body.first(c.offset()), "query");
}

// Compressed ROWS (166..171) body, same as the rows event it stands for up to the
// row data (166..168 -> 23..25, 169..171 -> 30..32):
//   post-header: table_id u48 | flags u16 [| v2: var_header_len u16 (counts itself),
//                extra data (var_header_len - 2)]
//   column count packed int | columns bitmap | UPDATE only: after-image bitmap
//   compressed row data
// As the server does, the v2 var header is recognised by a 10-byte post-header.
Result<std::string> mariadb_plain_rows_body(Bytes body, uint8_t event_type,
                                            uint8_t post_header_len) {
  if (!is_mariadb_compressed_rows(event_type)) {
    return make_error(ErrorCode::kInvalidArgument, "event type " + std::to_string(event_type) +
                                                       " is not a compressed rows event");
  }
  if (post_header_len != 8 && post_header_len != 10) {
    return make_error(
        ErrorCode::kUnsupported,
        "compressed rows event with a " + std::to_string(post_header_len) + "-byte post-header");
  }
  Cursor c(body);
  c.skip(8);
  if (post_header_len == 10) {
    uint16_t var_len = c.u16();
    if (c.ok() && var_len < 2) return corrupt("compressed rows event has a bad extra-data length");
    c.skip(var_len - 2u);
  }
  uint64_t width = c.packed_int();
  uint64_t bitmap = width / 8 + (width % 8 != 0);
  bool update =
      event_type == kMariaUpdateRowsCompressedV1 || event_type == kMariaUpdateRowsCompressed;
  for (int i = 0; i < (update ? 2 : 1) && c.ok(); ++i) {
    if (bitmap > c.remaining()) c.fail();
    c.skip(static_cast<size_t>(bitmap));
  }
  if (!c.ok()) return corrupt("compressed rows event ends before its row data");
  return mariadb_inflate(c.rest(), body.first(c.offset()), "rows");
}

}  // namespace dbtrail::binlog
