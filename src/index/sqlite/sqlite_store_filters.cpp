// SqliteStore's key filters (key_filter.h), one per partition, in meta.db:
//   key_filter_heads(partition, version, keys, blocks)  one row per filter
//   key_filter_buckets(bucket, partition, bits)         the blocks of each bucket
// Bucket rows sort by bucket first: a lookup reads one bucket of every
// filter from a few neighbouring pages, not a page or more per partition.
// A head is the filter: its bucket rows are all rewritten in the head's
// transaction (every bucket of a filter with blocks has some), and rows
// without a head are never read. Removing a filter deletes its head only.
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

Status SqliteStore::forget_key_filters(const std::vector<std::string>& names, bool buckets) {
  auto head = meta_.prepare("DELETE FROM key_filter_heads WHERE partition = ?");
  if (!head.ok()) return head.error();
  for (const auto& name : names) {
    head->bind(1, std::string_view(name));
    DBT_TRY(head->run());
  }
  if (!buckets) return {};
  auto rows = meta_.prepare("DELETE FROM key_filter_buckets WHERE bucket = ? AND partition = ?");
  if (!rows.ok()) return rows.error();
  for (const auto& name : names) {
    for (uint64_t b = 0; b < kKeyFilterBuckets; ++b) {
      rows->bind(1, int64_t(b));
      rows->bind(2, std::string_view(name));
      DBT_TRY(rows->run());
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
    auto head = meta_.prepare(
        "INSERT OR REPLACE INTO key_filter_heads(partition, version, keys, blocks) "
        "VALUES (?, ?, ?, ?)");
    if (!head.ok()) return head.error();
    head->bind(1, std::string_view(name));
    head->bind(2, int64_t(kKeyFilterVersion));
    head->bind(3, int64_t(keys.hashes.size()));
    head->bind(4, int64_t(blocks));
    DBT_TRY(head->run());
    if (blocks == 0) return {};  // an empty file: lookups skip it without reading buckets
    auto row = meta_.prepare(
        "INSERT OR REPLACE INTO key_filter_buckets(bucket, partition, bits) VALUES (?, ?, ?)");
    if (!row.ok()) return row.error();
    for (uint64_t b = 0; b < kKeyFilterBuckets; ++b) {
      const uint64_t first = key_filter_bucket_first(b, blocks);
      const uint64_t last = key_filter_bucket_last(b, blocks);
      row->bind(1, int64_t(b));
      row->bind(2, std::string_view(name));
      row->bind_blob(3, std::string_view(bits).substr(first * kKeyFilterBlockBytes,
                                                      (last - first + 1) * kKeyFilterBlockBytes));
      DBT_TRY(row->run());
    }
    return {};
  });
}

Result<std::vector<std::string>> SqliteStore::partitions_without_key(const QueryFilter& f) {
  std::vector<std::string> out;
  if (!f.pk) return out;
  DBT_TRY(open_meta_reader());
  if (!filter_probe_.is_ready()) {
    auto st = meta_.prepare(
        "SELECT h.partition, h.blocks, b.bits FROM key_filter_heads h LEFT JOIN "
        "key_filter_buckets b ON b.bucket = ?1 AND b.partition = h.partition "
        "WHERE h.version = ?2");
    // An index from before key filters has no such tables: no partition is skipped.
    if (!st.ok()) return out;
    filter_probe_ = std::move(st.value());
  }
  const uint64_t hash = key_hash(f.schema, f.table, *f.pk);
  const uint64_t bucket = key_filter_bucket(hash);
  Stmt& st = filter_probe_;
  st.bind(1, int64_t(bucket));
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
    if (!absent) {
      // A row of another size is not this filter's: it cannot exclude.
      const uint64_t first = key_filter_bucket_first(bucket, blocks);
      const uint64_t last = key_filter_bucket_last(bucket, blocks);
      std::string_view bits = st.col_blob(2);
      if (bits.size() == (last - first + 1) * kKeyFilterBlockBytes) {
        const uint64_t at = (key_filter_block(hash, blocks) - first) * kKeyFilterBlockBytes;
        absent = !key_filter_block_has(bits.substr(at, kKeyFilterBlockBytes), hash);
      }
    }
    if (absent) out.push_back(st.col_text(0));
  }
  st.reset();  // ends the read transaction
  return out;
}

}  // namespace dbtrail::index::sqlite
