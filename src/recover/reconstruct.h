// Point-in-time reconstruction: rows of a table as they were at time T.
//
// The rule: the state "at T" includes every change whose event_time is <= T
// (binlog times have one-second resolution, so a change made during second T
// counts as done) and none after.
//
// * From the current rows (reconstruct_table): start from the rows as they are
//   now (the caller reads them from the live table, in the value encoding) and
//   undo, newest first, every change after T: an INSERT removes its row, a
//   DELETE puts its before image back, an UPDATE replaces the row under its
//   after key by its before image (cells absent from a partial before image
//   keep their current value). Exact when the changes cover everything after T
//   up to when the rows were read.
// * From history alone (reconstruct_from_history), for rows the index saw
//   change: a row's state at T is the after image of its last change at or
//   before T, or, if its first change came after T, that change's before image
//   (an UPDATE/DELETE proves the row existed then; an INSERT proves it did
//   not). Rows no change touched are unknown to history and not returned.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "index/change_record.h"
#include "recover/table_facts.h"
#include "util/result.h"

namespace dbtrail::recover {

struct ReconstructedRow {
  std::string pk_values;  // pipe form
  std::string row;        // JSON object in the value encoding, columns in table order
};

struct Reconstruction {
  std::vector<ReconstructedRow> rows;  // ordered by pk_values text
  // Signs that the current rows and the changes disagree (e.g. undoing an
  // INSERT whose row is not there): the result may then be inexact.
  std::vector<std::string> warnings;
};

// `current_rows`: JSON objects (value encoding) of the table now. `changes`
// may include other tables and times; only this table's changes after `at`
// are undone.
Result<Reconstruction> reconstruct_table(const TableFacts& table,
                                         const std::vector<std::string>& current_rows,
                                         std::vector<index::ChangeRecord> changes, int64_t at);

// The rows the changes touched, as they were at `at`, from history alone.
Result<Reconstruction> reconstruct_from_history(const TableFacts& table,
                                                std::vector<index::ChangeRecord> changes,
                                                int64_t at);

// INSERT statements (one per row) putting reconstructed rows into
// `schema`.`table` (e.g. a copy made with CREATE TABLE ... LIKE): how a DBA
// gets the old rows back next to the live ones. Generated columns are left out.
// Starts with SET NAMES utf8mb4 and SET time_zone = '+00:00'.
Result<std::string> rows_insert_sql(const std::vector<ReconstructedRow>& rows,
                                    const TableFacts& facts, const std::string& schema,
                                    const std::string& table);

}  // namespace dbtrail::recover
