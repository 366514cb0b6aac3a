// Test helper: decodes a fixture file in-process and collects what came out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace dbtrail::testing {

struct DecodedFile {
  Status status;                               // first error, if any
  std::vector<nlohmann::ordered_json> rows;    // one per row change, like the CLI's lines
  std::map<std::string, int> event_counts;     // by SOURCES.md name (FDE, QUERY, ...)
  std::map<std::string, int> inner_counts;     // events inside TRANSACTION_PAYLOAD
  std::vector<std::string> queries;            // DDL / statements seen by on_query
  int commits = 0;
};

std::string shared_dir();          // ../shared next to the repository
std::string fixture(const std::string& rel);  // shared_dir()/fixtures/binlog/rel
bool fixtures_present();

// Reads (gunzipping *.gz) and decodes the whole file.
DecodedFile decode_fixture(const std::string& path);

}  // namespace dbtrail::testing
