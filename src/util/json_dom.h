// A tiny ordered JSON DOM: enough to apply the JSON diffs of a
// PARTIAL_UPDATE_ROWS event to a document already printed as text, and to read
// small documents of our own (schema snapshots). Numbers keep their token text (18446744073709551615 and 0.10 must
// survive untouched), strings hold their unescaped bytes, and object members
// stay sorted the way MySQL stores them (key length first, then bytes), so
// printing gives MySQL's canonical text again.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace dbtrail::json_dom {

enum class Kind : unsigned char { kNull, kTrue, kFalse, kNumber, kString, kArray, kObject };

// MySQL's member order (Json_key_comparator): shorter keys first, equal
// lengths by bytes.
bool key_less(std::string_view a, std::string_view b);

struct KeyLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return key_less(a, b); }
};

// A map like MySQL's Json_object (a std::map too): member insert, lookup and
// removal stay O(log n) however many diffs touch a wide object.
struct Node {
  Kind kind = Kind::kNull;
  std::string text;                              // kNumber: token as written; kString: bytes
  std::vector<Node> elements;                    // kArray
  std::map<std::string, Node, KeyLess> members;  // kObject
};

// The member named `key` in `object` (which must be kObject), or nullptr.
Node* find_member(Node& object, std::string_view key);

// Inserts or replaces the member `key`.
void put_member(Node& object, std::string key, Node value);

// Removes the member `key`; false if there was none.
bool erase_member(Node& object, std::string_view key);

// Parses JSON text (RFC 8259). Objects come out sorted; a repeated key keeps
// its last value (as MySQL 8 does). Nesting deeper than `max_depth` is an
// error. kCorrupt with the byte offset on malformed text.
Result<Node> parse(std::string_view text, size_t max_depth = 256);

// Parses a JSON string token starting at text[pos] (which must be '"'),
// appending the unescaped bytes to `out` and advancing `pos` past the closing
// quote. False on malformed input. Shared with the JSON path parser.
bool parse_string_token(std::string_view text, size_t& pos, std::string& out);

// Appends `node` as MySQL prints it: ", " between elements, ": " after keys.
void print(const Node& node, std::string& out);

// Appends `s` in double quotes, escaped like MySQL's double_quote(): \" \\ \b
// \f \n \r \t, other bytes <= 0x1f as \u00xx; everything else (non-ASCII
// UTF-8 included) raw.
void append_quoted(std::string& out, std::string_view s);

}  // namespace dbtrail::json_dom
