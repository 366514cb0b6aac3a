// SqliteStore's key filters (key_filter.h), one per partition, in meta.db:
//   key_filter_sizes(partition, version, keys, blocks)  one row per filter
//   key_filters(partition, chunk, bits)                 kChunkBlocks blocks a row
// Why a lookup may trust them (no key is ever missed):
//   * only the writer (under writer.lock) writes them, and never between
//     step 1 and step 3 of a batch (sqlite_store.h);
//   * step 1 deletes the filter of every partition the batch will write, in
//     the transaction that announces the batch, before any of its rows exist;
//   * a filter is built from every key its file held at that moment (the
//     keys this writer added to a file that was empty, or else a scan);
//   * a reader reads the committed mark before the filters: a filter it finds
//     was built after every write of a row at or below that mark, or deleted.
// A partition without a filter (being written, written by a writer that was
// killed, or by an older dbtrail) is simply opened.
#include <algorithm>

#include "index/sqlite/key_filter.h"
#include "index/sqlite/sqlite_store.h"

namespace dbtrail::index::sqlite {

namespace {

// 16 blocks (512 bytes) a row: small enough to stay inside a WITHOUT ROWID
// b-tree page of meta.db (4 KiB pages keep about 1 KiB of a row in place).
constexpr uint64_t kChunkBlocks = 16;

}  // namespace

Status SqliteStore::note_written_keys(const std::string& name, Partition& part,
                                      const std::vector<ChangeRecord>& changes,
                                      const std::vector<size_t>& rows) {
  auto it = written_keys_.find(name);
  if (it == written_keys_.end()) {
    // First write since the last filter: if the file holds nothing yet, the
    // keys noted from here on are all of them and the build needs no scan.
    auto st = part.db.prepare("SELECT EXISTS (SELECT 1 FROM binlog_events)");
    if (!st.ok()) return st.error();
    auto r = st->step();
    if (!r.ok()) return r.error();
    it = written_keys_.emplace(name, WrittenKeys{}).first;
    it->second.complete = r.value() && st->col_int(0) == 0;
  }
  std::vector<uint64_t>& hashes = it->second.hashes;
  hashes.reserve(hashes.size() + rows.size());
  for (size_t i : rows) {
    const ChangeRecord& c = changes[i];
    hashes.push_back(key_hash(c.schema, c.table, c.pk_values));
  }
  return {};
}

Status SqliteStore::forget_key_filters(const std::vector<std::string>& names) {
  for (const char* sql : {"DELETE FROM key_filter_sizes WHERE partition = ?",
                          "DELETE FROM key_filters WHERE partition = ?"}) {
    auto st = meta_.prepare(sql);
    if (!st.ok()) return st.error();
    for (const auto& name : names) {
      st->bind(1, std::string_view(name));
      DBT_TRY(st->run());
    }
  }
  return {};
}

void SqliteStore::build_key_filters(bool open_too) {
  for (auto it = written_keys_.begin(); it != written_keys_.end();) {
    if (!open_too && open_.count(it->first) != 0) {
      ++it;
      continue;
    }
    // A filter that cannot be built now is not needed for a right answer:
    // lookups open that file, as they open the one being written.
    (void)build_key_filter(it->first, it->second);
    it = written_keys_.erase(it);
  }
}

Status SqliteStore::build_key_filter(const std::string& name, WrittenKeys& keys) {
  if (!keys.complete) {
    // Written to by an earlier writer too: every key the file holds now. On
    // a connection of its own, so the writer's open partitions stay open.
    auto db = Db::open_reader(path_of(name));
    if (!db.ok()) return db.error();
    auto st = db->prepare("SELECT schema_name, table_name, pk_values FROM binlog_events");
    if (!st.ok()) return st.error();
    keys.hashes.clear();
    for (;;) {
      auto r = st->step();
      if (!r.ok()) return r.error();
      if (!r.value()) break;
      keys.hashes.push_back(key_hash(st->col_blob(0), st->col_blob(1), st->col_blob(2)));
    }
  }
  // The same key changed many times counts once.
  std::sort(keys.hashes.begin(), keys.hashes.end());
  keys.hashes.erase(std::unique(keys.hashes.begin(), keys.hashes.end()), keys.hashes.end());
  const std::string bits = key_filter_bits(keys.hashes);
  const uint64_t blocks = key_filter_blocks(keys.hashes.size());
  return in_meta_transaction([&]() -> Status {
    DBT_TRY(forget_key_filters({name}));
    auto size = meta_.prepare(
        "INSERT INTO key_filter_sizes(partition, version, keys, blocks) VALUES (?, ?, ?, ?)");
    if (!size.ok()) return size.error();
    size->bind(1, std::string_view(name));
    size->bind(2, int64_t(kKeyFilterVersion));
    size->bind(3, int64_t(keys.hashes.size()));
    size->bind(4, int64_t(blocks));
    DBT_TRY(size->run());
    auto chunk = meta_.prepare("INSERT INTO key_filters(partition, chunk, bits) VALUES (?, ?, ?)");
    if (!chunk.ok()) return chunk.error();
    const size_t chunk_bytes = kChunkBlocks * kKeyFilterBlockBytes;
    for (size_t at = 0, n = 0; at < bits.size(); at += chunk_bytes, ++n) {
      chunk->bind(1, std::string_view(name));
      chunk->bind(2, int64_t(n));
      chunk->bind_blob(3, std::string_view(bits).substr(at, chunk_bytes));
      DBT_TRY(chunk->run());
    }
    return {};
  });
}

Result<std::vector<std::string>> SqliteStore::partitions_without_key(const QueryFilter& f) {
  std::vector<std::string> out;
  if (!f.pk) return out;
  DBT_TRY(open_meta_reader());
  if (!filter_probe_.is_ready()) {
    // The chunk holding the key's block, computed per filter as
    // key_filter_block does: ((hash >> 32) * blocks) >> 32, then / kChunkBlocks.
    auto st = meta_.prepare(
        "SELECT s.partition, s.blocks, f.bits FROM key_filter_sizes s LEFT JOIN key_filters f "
        "ON f.partition = s.partition AND f.chunk = ((?1 * s.blocks) >> 32) / " +
        std::to_string(kChunkBlocks) + " WHERE s.version = ?2");
    // An index from before key filters has no such tables: no partition is skipped.
    if (!st.ok()) return out;
    filter_probe_ = std::move(st.value());
  }
  const uint64_t hash = key_hash(f.schema, f.table, *f.pk);
  Stmt& st = filter_probe_;
  st.bind(1, int64_t(hash >> 32));
  st.bind(2, int64_t(kKeyFilterVersion));
  for (;;) {
    auto r = st.step();
    if (!r.ok()) {
      st.reset();
      return r.error();
    }
    if (!r.value()) break;
    const uint64_t blocks = uint64_t(st.col_int(1));
    bool absent = blocks == 0;  // an empty partition
    if (!absent && !st.col_null(2)) {
      const uint64_t at = key_filter_block(hash, blocks) % kChunkBlocks * kKeyFilterBlockBytes;
      std::string_view chunk = st.col_blob(2);
      absent = at + kKeyFilterBlockBytes <= chunk.size() &&
               !key_filter_block_has(chunk.substr(at, kKeyFilterBlockBytes), hash);
    }
    if (absent) out.push_back(st.col_text(0));
  }
  st.reset();  // ends the read transaction
  return out;
}

}  // namespace dbtrail::index::sqlite
