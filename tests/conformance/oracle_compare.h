// Value-by-value comparison of dbtrail's JSON row images with the row images
// a mysqlbinlog-style oracle printed (oracle_parse.h). The rules for each
// column type are in oracle_compare.cpp next to the code that applies them.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "oracle_parse.h"

namespace dbtrail::conformance {

// Counters for one file (and, summed, for a run).
struct CompareStats {
  size_t rows = 0;               // row changes compared (both sides present)
  size_t values = 0;             // cells that matched or mismatched
  size_t mismatches = 0;         // every failed check, including row-level ones
  size_t not_comparable = 0;     // cells with no comparison rule (type below)
  size_t unsigned_readings = 0;  // integers where dbtrail printed the unsigned reading
  size_t latin1_converted = 0;   // strings equal only after latin1 -> UTF-8 of the oracle bytes
  size_t name_checked = 0;       // ENUM/SET printed as names: only consistency-checked
  std::map<std::string, size_t> not_comparable_types;
  std::vector<std::string> messages;  // first mismatches, for the report
  std::vector<std::string> notes;     // unsigned readings and the like (informational)

  void add(const CompareStats& o);
};

// Remembers, per column of a table, which number dbtrail spelled as which
// ENUM/SET name, to catch an inconsistent mapping when no names are available
// to the oracle.
class NameConsistency {
 public:
  // Returns an empty string when consistent, else what conflicts.
  std::string check(const std::string& key, uint64_t number, const std::string& name);

 private:
  std::map<std::string, std::map<uint64_t, std::string>> by_number_;
  std::map<std::string, std::map<std::string, uint64_t>> by_name_;
};

// Compares one file. `label` names it in messages. Row counts and order must
// agree; each row's kind, schema, table and event position too; then each
// cell by its oracle type. `max_messages` caps stats.messages per file.
void compare_file(const std::string& label, const std::vector<OracleRow>& oracle,
                  const std::vector<nlohmann::ordered_json>& dbtrail, CompareStats& stats,
                  size_t max_messages = 40);

// Compares one cell; returns "" on a match, "n/a" when there is no rule for
// the type (counted as not comparable), else a description of the mismatch.
// `consistency_key` identifies the column for ENUM/SET name checks.
std::string compare_cell(const OracleCell& cell, const nlohmann::ordered_json& got,
                         const std::string& consistency_key, NameConsistency& names,
                         CompareStats& stats);

}  // namespace dbtrail::conformance
