// Schema versions while indexing (`dbtrail index`, `dbtrail stream`): names
// the columns of table maps that lack binlog_row_metadata=FULL from the
// version valid at the current binlog position, and turns each table DDL met
// in the binlog into a new stored version (schema_snapshots) at the DDL's end
// position, recorded with its schema_changes row in one store transaction.
// Reading the same binlog again (re-indexing a file, a stream resumed from a
// checkpoint before the DDL) finds the version already stored at that DDL and
// reuses it, so versions and change rows stay one per DDL however often it is
// met.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "binlog/decoder.h"
#include "binlog/table_map.h"
#include "index/store.h"
#include "mysql/connection.h"
#include "schema/history.h"
#include "util/result.h"

namespace dbtrail::stream {

class SchemaTracker {
 public:
  // Loads every version stored in `store`. `live` (may be null) is asked for a
  // table after its DDL when the statement alone does not say everything.
  static Result<std::unique_ptr<SchemaTracker>> load(index::Store& store, mysql::Connection* live);

  bool empty() const { return history_.empty(); }
  const schema::History& history() const { return history_; }

  // A new binlog file starts: the version valid at its beginning applies.
  void start_file(const std::string& file) { move_to(file, 4); }
  // Reading goes on at file:pos (a stream resuming at its checkpoint): the
  // version valid there applies, whatever later versions are stored.
  void move_to(const std::string& file, uint64_t pos);
  const std::string& file() const { return file_; }

  // How to open a new lookup connection when the one in use has died (the
  // source restarted, or the server closed it after wait_timeout of a long
  // quiet stream): returns it, or null when the source cannot be reached.
  // Without it a dead lookup connection stays dead.
  void set_reconnect(std::function<mysql::Connection*()> reopen) { reopen_ = std::move(reopen); }

  // Only DDL touching a table this accepts (by its name before or after the
  // statement) makes a version; default: every table.
  void set_filter(std::function<bool(const std::string& schema, const std::string& table)> f) {
    filter_ = std::move(f);
  }

  // The decoder's table resolver. Fills names, signedness, collations,
  // ENUM/SET members and the primary key the map lacks. Leaves the map
  // numbered (and warns once) when the version does not know the table or
  // its column count disagrees with the binlog: wrong names are worse than none.
  void resolve(binlog::TableMap& t, bool mariadb);

  // A QUERY event of the current file. On table DDL: moves to the version it
  // starts, storing it (and its schema_changes row) first when this is the
  // first time it is met. A store error is returned: the caller must not move
  // its checkpoint past a DDL whose version is not stored.
  Status on_query(const binlog::QueryInfo& q, const std::string& gtid);

  uint32_t version() const { return current_ ? current_->number : 0; }
  uint32_t versions_created() const { return created_; }

 private:
  SchemaTracker(index::Store& store, mysql::Connection* live) : store_(store), live_(live) {}
  // The table as the source has it now; nullopt when it cannot say (gone, or
  // no connection even after reopening once).
  std::optional<schema::Table> lookup_table(const std::string& db, const std::string& table);

  index::Store& store_;
  mysql::Connection* live_;
  std::function<mysql::Connection*()> reopen_;
  schema::History history_;
  const schema::Version* current_ = nullptr;
  std::string file_;
  uint32_t created_ = 0;
  std::set<std::string> warned_;
  std::function<bool(const std::string&, const std::string&)> filter_;
};

}  // namespace dbtrail::stream
