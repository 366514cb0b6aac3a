#include "stream_fixture.h"

#include "stream/binlog_source.h"

namespace dbtrail::stream {

std::string key_of(const index::ChangeRecord& r) {
  return r.binlog_file + " " + std::to_string(r.start_pos) + " " +
         std::to_string(static_cast<int>(r.type)) + " " + r.gtid + " " + r.pk_values + " " +
         r.row_before.value_or("-") + " " + r.row_after.value_or("-");
}

FileRows decode_files(const Sandbox& sb, const std::string& db) {
  FileRows rows(db);
  FileSourceOptions fo;
  fo.dir = sb.binlog_dir();
  auto src = open_file_source(fo);
  EXPECT_TRUE(src.ok()) << src.error().message;
  if (!src.ok()) return rows;
  binlog::Decoder dec;
  while (true) {
    auto ev = (*src)->next();
    EXPECT_TRUE(ev.ok()) << ev.error().message;
    if (!ev.ok() || !ev->has_value()) break;
    const SourceEvent& e = **ev;
    if (!e.decodable()) continue;
    rows.file.assign(e.file);
    Status st = dec.feed(e.bytes, e.pos, rows);
    EXPECT_TRUE(st.ok()) << st.error().message;
    if (!st.ok()) break;
  }
  return rows;
}

std::map<std::string, int> index_keys(const std::string& loc, const std::string& db,
                                      const std::vector<std::string>& tables) {
  std::map<std::string, int> keys;
  auto store = index::open_store(loc);
  EXPECT_TRUE(store.ok()) << store.error().message;
  if (!store.ok()) return keys;
  for (const auto& t : tables) {
    index::QueryFilter f;
    f.schema = db;
    f.table = t;
    f.limit = 100000000;
    auto got = (*store)->query(f);
    EXPECT_TRUE(got.ok()) << got.error().message;
    if (!got.ok()) continue;
    for (const auto& r : *got) ++keys[key_of(r)];
  }
  return keys;
}

std::unique_ptr<mysql::Connection> admin(const Sandbox& sb) {
  auto dsn = mysql::parse_dsn(sb.admin_dsn());
  EXPECT_TRUE(dsn.ok());
  auto c = mysql::Connection::open(*dsn);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? std::move(c.value()) : nullptr;
}

void exec(mysql::Connection& c, const std::string& sql) {
  auto r = c.query(sql);
  ASSERT_TRUE(r.ok()) << sql << ": " << r.error().message;
}

std::pair<std::string, uint64_t> master_status(mysql::Connection& c) {
  auto r = c.query("SHOW MASTER STATUS");
  if (!r.ok() || r->empty()) return {"", 0};
  return {*(*r)[0][0], std::stoull(*(*r)[0][1])};
}

}  // namespace dbtrail::stream
