// The few JSON string helpers the index needs without a JSON library:
// changed_columns is stored as a JSON array of strings, and primary-key text
// is taken from a value's JSON rendering.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dbtrail::index {

// ["a","b"]
std::string json_string_array(const std::vector<std::string>& items);
// Parses what json_string_array writes (any valid JSON array of strings).
bool parse_json_string_array(std::string_view json, std::vector<std::string>& out);
// `quoted` is a JSON string literal including its quotes; writes the decoded
// UTF-8 text to `out`. False on malformed input.
bool unescape_json_string(std::string_view quoted, std::string& out);

}  // namespace dbtrail::index
