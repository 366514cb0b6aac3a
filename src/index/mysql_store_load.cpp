// MysqlStore: the changes of a batch by LOAD DATA LOCAL INFILE from memory.
// The server parses LOAD DATA's tab-separated lines with far less CPU than the
// same rows as INSERT ... VALUES text, and the index server's CPU is what
// bounds `dbtrail index`. The statement runs inside the batch's transaction,
// so the batch still commits together with its checkpoint or not at all.
#include <algorithm>
#include <cstdio>
#include <string>

#include "index/load_data_rows.h"
#include "index/mysql_store.h"
#include "index/mysql_store_sql.h"

namespace dbtrail::index {
namespace {

// The server does not take LOAD DATA LOCAL: local_infile=OFF.
bool refuses_local_infile(unsigned err) {
  return err == 1148      // ER_NOT_ALLOWED_COMMAND (older servers)
         || err == 3948   // ER_CLIENT_LOCAL_FILES_DISABLED (MySQL 8)
         || err == 4166;  // ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB)
}

}  // namespace

void MysqlStore::stop_load_data(const std::string& why) {
  load_data_ = false;
  std::fprintf(stderr,
               "dbtrail: the index server %s does not take LOAD DATA LOCAL INFILE: %s; "
               "writing changes with INSERT statements instead (slower)\n",
               dsn_.redacted().c_str(), why.c_str());
}

// LOAD DATA's rows do not always get consecutive ids: another session
// inserting at the same time can take ids between them (InnoDB's lock mode 2,
// and MariaDB's partitioned tables in any mode: the concurrency test in
// tests/integration/mysql_store_load_data_test.cpp shows it). Ids only grow,
// so the statement's rows are the ones from its first id (LAST_INSERT_ID())
// up that the transaction's snapshot sees: the snapshot began before we took
// any id, so it shows no other writer's row at or above it, and the rows of
// this batch's earlier statements are below it. When the highest of them is
// first + (n-1) * auto_increment_increment the ids are consecutive (n
// distinct ids of that spacing in that span), which costs one index dive per
// partition; else read them all, in ascending order, which is the order of
// the lines.
Status MysqlStore::read_loaded_ids(std::vector<ChangeRecord>& changes, size_t first, size_t end) {
  const size_t n = end - first;
  auto first_id = run("SELECT LAST_INSERT_ID()");
  if (!first_id) return first_id.error();
  const uint64_t base = !first_id->empty() && !(*first_id)[0].empty()
                            ? mysql_sql::to_u64((*first_id)[0][0]).value_or(0)
                            : 0;
  const std::string from_base = " FROM binlog_events WHERE event_id >= " + std::to_string(base);
  auto last = run("SELECT MAX(event_id)" + from_base);
  if (!last) return last.error();
  const uint64_t last_id =
      !last->empty() && !(*last)[0].empty() ? mysql_sql::to_u64((*last)[0][0]).value_or(0) : 0;
  if (base != 0 && last_id == base + (n - 1) * autoinc_step_) {
    for (size_t i = first; i < end; ++i) changes[i].event_id = base + (i - first) * autoinc_step_;
    return {};
  }
  auto ids = run("SELECT event_id" + from_base + " ORDER BY event_id");
  if (!ids) return ids.error();
  if (base == 0 || ids->size() != n)
    return make_error(ErrorCode::kInternal,
                      "reading back the event ids of a LOAD DATA into binlog_events found " +
                          std::to_string(ids->size()) + " rows from id " + std::to_string(base) +
                          " for " + std::to_string(n) + " loaded; nothing of this batch was kept");
  for (size_t i = first; i < end; ++i)
    changes[i].event_id = mysql_sql::to_u64((*ids)[i - first][0]).value_or(0);
  return {};
}

Status MysqlStore::load_changes(std::vector<ChangeRecord>& changes, size_t from,
                                size_t* refused_at) {
  std::string data;
  data.reserve(std::min<size_t>(statement_limit_, size_t{1} << 20) + 4096);
  size_t first = from;  // index of the first change in `data`
  // Loads changes[first, end) and reads their ids.
  auto flush = [&](size_t end) -> Status {
    auto r = conn_->query_with_local_data(load_data::statement(), data);
    if (!r) {
      if (conn_->lost()) conn_.reset();
      if (conn_ && refuses_local_infile(conn_->last_errno())) {
        *refused_at = first;
        stop_load_data("local_infile is OFF there (error " + std::to_string(conn_->last_errno()) +
                       "); to enable it: SET GLOBAL local_infile=ON, and local_infile=ON in its "
                       "my.cnf");
        return {};
      }
      return r.error();
    }
    // LOAD DATA LOCAL behaves as LOAD DATA IGNORE (the server cannot stop the
    // client mid-file), so strict mode no longer turns a value that does not
    // fit into an error: a warning must fail the batch instead.
    if (conn_->warning_count() != 0 || conn_->affected_rows() != end - first) {
      const uint64_t stored = conn_->affected_rows();
      std::string warning = "no warning";
      if (auto w = run("SHOW WARNINGS LIMIT 1"); w && !w->empty() && (*w)[0].size() == 3)
        warning = (*w)[0][2].value_or("");
      return make_error(ErrorCode::kInternal, "the index server stored " + std::to_string(stored) +
                                                  " of " + std::to_string(end - first) +
                                                  " rows of one LOAD DATA (" + warning +
                                                  "); nothing of this batch was kept");
    }
    DBT_TRY(read_loaded_ids(changes, first, end));
    data.clear();
    first = end;
    return {};
  };
  for (size_t i = from; i < changes.size(); ++i) {
    const size_t before = data.size();
    load_data::append_row(data, changes[i]);
    // The row is read back by SELECT, which max_allowed_packet bounds.
    if (data.size() - before + 1024 > max_packet_)
      return change_too_big(changes[i], data.size() - before);
    if (data.size() <= statement_limit_ || i == first) continue;
    // Send what fitted before this change, then start over with it.
    data.resize(before);
    DBT_TRY(flush(i));
    if (*refused_at != changes.size()) return {};
    --i;
  }
  if (first < changes.size()) DBT_TRY(flush(changes.size()));
  return {};
}

}  // namespace dbtrail::index
