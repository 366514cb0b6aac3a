// Reading `mysqlbinlog -vv` / `mariadb-binlog --base64-output=decode-rows -vv`
// text: the row images it prints and the value spellings it uses. This is the
// independent side of the differential test in oracle_test.cpp, so nothing
// here uses dbtrail's own decoder or encoders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dbtrail::conformance {

// One `###   @N=value /* TYPE(args) meta=M nullable=X is_null=Y */` line.
struct OracleCell {
  int column = 0;         // N, 1-based position in the table
  std::string text;       // the value as printed (quotes kept, FLOAT padding trimmed)
  std::string type;       // first word of the comment: INT, VARSTRING, BLOB/TEXT, DECIMAL, ...
                          // empty for `-v` output, which prints no comment
  std::string type_args;  // what follows the type word up to " meta=": "(765)", "(5,2)", ""
  bool is_null = false;   // from is_null=1
};

// One row image pair, as printed under `### INSERT INTO` / `### UPDATE` / `### DELETE FROM`.
struct OracleRow {
  // Start positions of the rows events this row may come from. The tools
  // print a statement's rows only after its last rows event (STMT_END_F), so
  // a group of rows events shares one list; usually it has one entry.
  std::vector<uint64_t> event_positions;
  std::string kind;  // INSERT, UPDATE or DELETE (dbtrail's spelling)
  std::string schema;
  std::string table;
  bool has_before = false;  // a WHERE section was printed
  bool has_after = false;   // a SET section was printed
  std::vector<OracleCell> before;
  std::vector<OracleCell> after;
};

struct OracleDecoding {
  std::vector<OracleRow> rows;
  // Lines that announce events the tool could not decode
  // ("# Ignorable event type 100 (Unknown)"): rows may hide in them.
  std::vector<std::string> unknown_events;
  // `###` lines the parser did not understand; a non-empty list makes the
  // oracle untrustworthy for this file.
  std::vector<std::string> unparsed;
};

// Parses the whole text output of one file. Never fails: what it cannot read
// goes to `unparsed`.
OracleDecoding parse_mysqlbinlog_vv(std::string_view text);

// ---- value spellings -------------------------------------------------------

// "5", "-1 (4294967295)": the signed reading and, when the tool printed it, the
// unsigned one.
struct OracleInt {
  int64_t signed_value = 0;
  std::optional<uint64_t> unsigned_value;
};
std::optional<OracleInt> parse_oracle_int(std::string_view text);

// "b'00000101'" (BIT and SET) to its number. Up to 64 bits.
std::optional<uint64_t> parse_bit_literal(std::string_view text);

// TIMESTAMP as printed: epoch seconds, optionally ".ffffff". Returns
// "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC keeping the printed fraction digits;
// 0 is the zero date "0000-00-00 00:00:00".
std::optional<std::string> timestamp_to_utc_text(std::string_view text);

// The quoted forms ('...'): strips the quotes, nullopt if there are none.
std::optional<std::string_view> strip_quotes(std::string_view text);

// Both tools print bytes below 0x20 as \xHH; MySQL's also prints ' and \ that
// way, MariaDB's writes them raw. Decodes every \xHH (the MySQL reading).
std::string decode_hex_escapes(std::string_view inner);
// The MariaDB spelling of `bytes` (only bytes < 0x20 escaped); comparing in
// this direction is exact even when the data holds a literal "\x41".
std::string escape_like_mariadb(std::string_view bytes);

// DECIMAL text normalized for comparison: no '+', no leading zeros in the
// integer part, no "-" on zero, fraction padded with zeros to `scale` digits.
std::string normalize_decimal(std::string_view text, int scale);
// Digits after the '.', 0 when there is none.
int decimal_scale_of(std::string_view text);
// "(5,2)" -> 2; nullopt when the args do not carry a scale.
std::optional<int> decimal_scale_from_args(std::string_view type_args);

// What `%g` makes of a FLOAT (the tool prints FLOAT with "%-20g", six
// significant digits), so dbtrail's value can be spelled the same way.
std::string format_like_mysqlbinlog_float(float f);

// Standard base64 (with or without padding) to bytes.
std::optional<std::string> decode_base64(std::string_view b64);

bool is_valid_utf8(std::string_view bytes);
// MySQL's latin1 (Windows-1252 with the five holes kept as C1 controls) to UTF-8.
std::string latin1_to_utf8(std::string_view bytes);

// Printable form of bytes for failure messages (non-printables as \xHH).
std::string printable(std::string_view bytes, size_t max_len = 200);

}  // namespace dbtrail::conformance
