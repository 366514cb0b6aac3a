#include "oracle_compare.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

namespace dbtrail::conformance {
namespace {

using Json = nlohmann::ordered_json;

std::string show(const Json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

bool is_int_type(const std::string& t) {
  return t == "TINYINT" || t == "SHORTINT" || t == "MEDIUMINT" || t == "INT" || t == "LONGINT" ||
         t == "YEAR";
}

bool is_string_type(const std::string& t) {
  return t == "STRING" || t == "VARSTRING" || t.find("BLOB") != std::string::npos ||
         t.find("TEXT") != std::string::npos;
}

// dbtrail's bytes for a string cell: JSON strings are UTF-8 text, objects with
// "base64" are raw bytes.
bool bytes_of(const Json& got, std::string& out, bool& was_text) {
  if (got.is_string()) {
    out = got.get<std::string>();
    was_text = true;
    return true;
  }
  if (got.is_object() && got.contains("base64") && got["base64"].is_string()) {
    auto b = decode_base64(got["base64"].get<std::string>());
    if (!b) return false;
    out = std::move(*b);
    was_text = false;
    return true;
  }
  return false;
}

std::string compare_int(const OracleCell& cell, const Json& got, CompareStats& st) {
  auto o = parse_oracle_int(cell.text);
  if (!o) return "oracle integer unreadable: " + cell.text;
  if (!got.is_number_integer()) return "expected integer " + cell.text + ", got " + show(got);
  // Signed reading first: dbtrail prints unsigned only when the table map's
  // SIGNEDNESS metadata says so, and the oracle's parenthesised reading is
  // then the one that must match.
  if (got.is_number_unsigned()) {
    uint64_t v = got.get<uint64_t>();
    if (o->signed_value >= 0 && v == static_cast<uint64_t>(o->signed_value)) return "";
    if (o->unsigned_value && v == *o->unsigned_value) {
      ++st.unsigned_readings;
      return "";
    }
  } else {
    if (got.get<int64_t>() == o->signed_value) return "";
  }
  return "expected " + cell.text + ", got " + show(got);
}

std::string compare_decimal(const OracleCell& cell, const Json& got) {
  if (!got.is_string()) return "expected DECIMAL string " + cell.text + ", got " + show(got);
  std::string g = got.get<std::string>();
  auto scale = decimal_scale_from_args(cell.type_args);
  int s = scale ? *scale : decimal_scale_of(cell.text);
  // docs/value-encoding.md: DECIMAL keeps its declared scale ("12.300").
  if (decimal_scale_of(g) != s)
    return "DECIMAL scale " + std::to_string(decimal_scale_of(g)) + " != declared " +
           std::to_string(s) + ": expected " + cell.text + ", got " + show(got);
  if (normalize_decimal(g, s) != normalize_decimal(cell.text, s))
    return "expected " + cell.text + ", got " + show(got);
  return "";
}

std::string compare_float(const OracleCell& cell, const Json& got) {
  if (!got.is_number()) return "expected FLOAT " + cell.text + ", got " + show(got);
  // The oracle prints FLOAT with %g (6 significant digits): spell dbtrail's
  // float32 the same way rather than guess the lost digits.
  float f = static_cast<float>(got.get<double>());
  std::string mine = format_like_mysqlbinlog_float(f);
  if (mine != cell.text) return "expected " + cell.text + " (%g), got " + show(got) + " = " + mine;
  return "";
}

std::string compare_double(const OracleCell& cell, const Json& got) {
  if (!got.is_number()) return "expected DOUBLE " + cell.text + ", got " + show(got);
  // %.20g is enough digits to round-trip a double, so both parse to the same bits.
  char* end = nullptr;
  double want = std::strtod(cell.text.c_str(), &end);
  if (end == cell.text.c_str()) return "oracle DOUBLE unreadable: " + cell.text;
  double have = got.is_number_float()      ? got.get<double>()
                : got.is_number_unsigned() ? static_cast<double>(got.get<uint64_t>())
                                           : static_cast<double>(got.get<int64_t>());
  if (want != have) return "expected " + cell.text + ", got " + show(got);
  return "";
}

std::string compare_temporal(const OracleCell& cell, const Json& got) {
  std::string want;
  if (cell.type == "TIMESTAMP") {
    auto t = timestamp_to_utc_text(cell.text);
    if (!t) return "oracle TIMESTAMP unreadable: " + cell.text;
    want = *t;
  } else {
    auto q = strip_quotes(cell.text);
    if (!q) return "oracle " + cell.type + " unquoted: " + cell.text;
    want.assign(*q);
    if (cell.type == "DATE") {
      // Printed 'YYYY:MM:DD' by these tools.
      for (char& c : want)
        if (c == ':') c = '-';
    } else if (cell.type == "TIME") {
      // A sign slot may be printed as a space.
      while (!want.empty() && want.front() == ' ') want.erase(want.begin());
    }
  }
  if (!got.is_string() || got.get<std::string>() != want)
    return "expected '" + want + "' (printed " + cell.text + "), got " + show(got);
  return "";
}

std::string compare_string(const OracleCell& cell, const Json& got, CompareStats& st) {
  auto inner = strip_quotes(cell.text);
  if (!inner) return "oracle string unquoted: " + printable(cell.text);
  std::string bytes;
  bool was_text = false;
  if (!bytes_of(got, bytes, was_text))
    return "expected string '" + printable(*inner) + "', got " + show(got);
  if (escape_like_mariadb(bytes) == *inner) return "";    // MariaDB spelling
  std::string oracle_bytes = decode_hex_escapes(*inner);  // MySQL spelling
  if (oracle_bytes == bytes) return "";
  // latin1 columns: the oracle prints the stored bytes, dbtrail converts to
  // UTF-8. Only accepted when the stored bytes are not UTF-8 themselves, so a
  // UTF-8 column decoded as latin1 (double encoding) is still caught.
  if (was_text && !is_valid_utf8(oracle_bytes) && latin1_to_utf8(oracle_bytes) == bytes) {
    ++st.latin1_converted;
    return "";
  }
  return "expected bytes '" + printable(oracle_bytes) + "', got '" + printable(bytes) + "' (" +
         show(got) + ")";
}

std::string compare_enum_set(const OracleCell& cell, const Json& got, const std::string& key,
                             NameConsistency& names, CompareStats& st) {
  bool is_set = cell.type == "SET";
  uint64_t want = 0;
  if (is_set) {
    auto b = parse_bit_literal(cell.text);
    if (!b) return "oracle SET unreadable: " + cell.text;
    want = *b;
  } else {
    auto o = parse_oracle_int(cell.text);
    if (!o) return "oracle ENUM unreadable: " + cell.text;
    want = o->unsigned_value ? *o->unsigned_value : static_cast<uint64_t>(o->signed_value);
  }
  if (got.is_number_integer()) {
    uint64_t have =
        got.is_number_unsigned() ? got.get<uint64_t>() : static_cast<uint64_t>(got.get<int64_t>());
    if (have != want) return "expected " + std::to_string(want) + ", got " + show(got);
    return "";
  }
  if (!got.is_string()) return "expected " + cell.type + " " + cell.text + ", got " + show(got);
  // Names came from the table map; the oracle has only the number. Check what
  // can be checked without the member list: a SET has one name per bit, and
  // the number <-> name mapping of a column never changes within a file.
  std::string name = got.get<std::string>();
  if (is_set) {
    size_t count =
        name.empty() ? 0 : 1 + static_cast<size_t>(std::count(name.begin(), name.end(), ','));
    if (count != static_cast<size_t>(std::popcount(want)))
      return "SET " + cell.text + " has " + std::to_string(std::popcount(want)) + " members, got " +
             show(got);
  }
  std::string conflict = names.check(key, want, name);
  if (!conflict.empty()) return conflict;
  ++st.name_checked;
  return "";
}

void compare_image(const std::string& where, const std::string& key_prefix,
                   const std::vector<OracleCell>& cells, const Json& image, NameConsistency& names,
                   CompareStats& st, size_t max_messages) {
  auto fail = [&](const std::string& m) {
    ++st.mismatches;
    if (st.messages.size() < max_messages) st.messages.push_back(where + ": " + m);
  };
  if (!image.is_object()) {
    fail("image is not an object: " + show(image));
    return;
  }
  if (image.size() != cells.size()) {
    fail("column count: oracle " + std::to_string(cells.size()) + ", dbtrail " +
         std::to_string(image.size()));
  }
  size_t k = 0;
  for (auto it = image.begin(); it != image.end() && k < cells.size(); ++it, ++k) {
    const OracleCell& cell = cells[k];
    const std::string& key = it.key();
    // Object order is column order, and absent columns (MINIMAL images) are
    // absent on both sides, so the k-th key pairs with the k-th printed cell.
    if (!key.empty() && key[0] == '@' && std::atoi(key.c_str() + 1) != cell.column) {
      fail("key " + key + " paired with oracle @" + std::to_string(cell.column));
      continue;
    }
    std::string label = where + " @" + std::to_string(cell.column) + " (" + key + ") [" +
                        cell.type + cell.type_args + "]";
    std::string r;
    if (cell.is_null) {
      r = it.value().is_null() ? "" : "expected NULL, got " + show(it.value());
    } else if (it.value().is_null()) {
      r = "expected " + printable(cell.text) + ", got null";
    } else if (cell.type.empty()) {
      // `-v` output: no type; integers and quoted strings are still comparable.
      if (parse_oracle_int(cell.text)) {
        r = compare_int(cell, it.value(), st);
      } else if (strip_quotes(cell.text)) {
        r = compare_string(cell, it.value(), st);
      } else {
        ++st.not_comparable;
        ++st.not_comparable_types["(untyped)"];
        continue;
      }
    } else if (is_int_type(cell.type)) {
      r = compare_int(cell, it.value(), st);
    } else if (cell.type == "DECIMAL") {
      r = compare_decimal(cell, it.value());
    } else if (cell.type == "FLOAT") {
      r = compare_float(cell, it.value());
    } else if (cell.type == "DOUBLE") {
      r = compare_double(cell, it.value());
    } else if (cell.type == "TIMESTAMP" || cell.type == "DATETIME" || cell.type == "DATE" ||
               cell.type == "TIME") {
      r = compare_temporal(cell, it.value());
    } else if (is_string_type(cell.type)) {
      r = compare_string(cell, it.value(), st);
    } else if (cell.type == "ENUM" || cell.type == "SET") {
      size_t before = st.name_checked;
      r = compare_enum_set(cell, it.value(), key_prefix + "@" + std::to_string(cell.column), names,
                           st);
      if (r.empty() && st.name_checked != before) continue;  // checked, not compared
    } else if (cell.type == "BIT") {
      auto b = parse_bit_literal(cell.text);
      if (!b) {
        r = "oracle BIT unreadable: " + cell.text;
      } else if (!it.value().is_number_integer() ||
                 (it.value().is_number_unsigned()
                      ? it.value().get<uint64_t>()
                      : static_cast<uint64_t>(it.value().get<int64_t>())) != *b) {
        r = "expected " + std::to_string(*b) + " (" + cell.text + "), got " + show(it.value());
      }
    } else {
      ++st.not_comparable;
      ++st.not_comparable_types[cell.type];
      continue;
    }
    ++st.values;
    if (!r.empty()) {
      ++st.mismatches;
      if (st.messages.size() < max_messages) st.messages.push_back(label + ": " + r);
    }
  }
}

}  // namespace

void CompareStats::add(const CompareStats& o) {
  rows += o.rows;
  values += o.values;
  mismatches += o.mismatches;
  not_comparable += o.not_comparable;
  unsigned_readings += o.unsigned_readings;
  latin1_converted += o.latin1_converted;
  name_checked += o.name_checked;
  for (const auto& [t, n] : o.not_comparable_types) not_comparable_types[t] += n;
}

std::string NameConsistency::check(const std::string& key, uint64_t number,
                                   const std::string& name) {
  auto& fwd = by_number_[key];
  auto& rev = by_name_[key];
  auto f = fwd.find(number);
  if (f != fwd.end() && f->second != name)
    return "value " + std::to_string(number) + " spelled '" + name + "' here but '" + f->second +
           "' earlier in the same column";
  auto r = rev.find(name);
  if (r != rev.end() && r->second != number)
    return "name '" + name + "' stands for " + std::to_string(number) + " here but " +
           std::to_string(r->second) + " earlier in the same column";
  fwd[number] = name;
  rev[name] = number;
  return "";
}

void compare_file(const std::string& label, const std::vector<OracleRow>& oracle,
                  const std::vector<Json>& dbtrail, CompareStats& st, size_t max_messages) {
  auto fail = [&](const std::string& m) {
    ++st.mismatches;
    if (st.messages.size() < max_messages) st.messages.push_back(label + ": " + m);
  };
  if (oracle.size() != dbtrail.size())
    fail("row count: oracle " + std::to_string(oracle.size()) + ", dbtrail " +
         std::to_string(dbtrail.size()));
  NameConsistency names;
  size_t n = std::min(oracle.size(), dbtrail.size());
  uint64_t previous_pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const OracleRow& o = oracle[i];
    const Json& d = dbtrail[i];
    std::string positions;
    if (o.event_positions.size() > 3) {
      positions = std::to_string(o.event_positions.front()) + ".." +
                  std::to_string(o.event_positions.back()) + " (one of " +
                  std::to_string(o.event_positions.size()) + " rows events)";
    } else {
      for (uint64_t p : o.event_positions)
        positions += (positions.empty() ? "" : "|") + std::to_string(p);
    }
    std::string where = label + " pos=" + positions + " row#" + std::to_string(i) + " " + o.kind +
                        " " + o.schema + "." + o.table;
    auto str = [&](const char* k) {
      return d.contains(k) && d[k].is_string() ? d[k].get<std::string>() : std::string("?");
    };
    if (str("type") != o.kind || str("schema") != o.schema || str("table") != o.table) {
      fail(where + ": row differs: dbtrail has " + str("type") + " " + str("schema") + "." +
           str("table") + " at pos " + (d.contains("pos") ? show(d["pos"]) : "?") +
           "; stopping this file (rows no longer aligned)");
      return;
    }
    // The row's event must be one of its group's rows events, and rows of one
    // group come in event order.
    uint64_t pos =
        d.contains("pos") && d["pos"].is_number_unsigned() ? d["pos"].get<uint64_t>() : 0;
    bool same_group = i > 0 && oracle[i - 1].event_positions == o.event_positions;
    if (std::find(o.event_positions.begin(), o.event_positions.end(), pos) ==
            o.event_positions.end() ||
        (same_group && pos < previous_pos))
      fail(where + ": event position: dbtrail " + (d.contains("pos") ? show(d["pos"]) : "?"));
    previous_pos = pos;
    ++st.rows;
    std::string key_prefix = o.schema + "." + o.table;
    const Json null_json;
    const Json& before = d.contains("before") ? d["before"] : null_json;
    const Json& after = d.contains("after") ? d["after"] : null_json;
    if (o.has_before != !before.is_null()) fail(where + ": before image presence differs");
    if (o.has_after != !after.is_null()) fail(where + ": after image presence differs");
    if (o.has_before && !before.is_null())
      compare_image(where + " before", key_prefix, o.before, before, names, st, max_messages);
    if (o.has_after && !after.is_null())
      compare_image(where + " after", key_prefix, o.after, after, names, st, max_messages);
  }
}

}  // namespace dbtrail::conformance
