#include "index/json_strings.h"

#include <cstdint>

#include "util/json_writer.h"

namespace dbtrail::index {

std::string json_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    JsonWriter::append_escaped(out, items[i]);
  }
  out += ']';
  return out;
}

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

bool hex4(std::string_view s, size_t at, uint32_t& v) {
  if (at + 4 > s.size()) return false;
  v = 0;
  for (size_t i = at; i < at + 4; ++i) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
    else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
    else return false;
  }
  return true;
}

// Decodes the string starting at s[i] == '"'; leaves i after the closing quote.
bool read_string(std::string_view s, size_t& i, std::string& out) {
  if (i >= s.size() || s[i] != '"') return false;
  ++i;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '"') return true;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= s.size()) return false;
    char e = s[i++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t cp;
        if (!hex4(s, i, cp)) return false;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {  // high surrogate: its pair must follow
          uint32_t lo;
          if (i + 1 >= s.size() || s[i] != '\\' || s[i + 1] != 'u' || !hex4(s, i + 2, lo) ||
              lo < 0xDC00 || lo > 0xDFFF) {
            return false;
          }
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        append_utf8(out, cp);
        break;
      }
      default: return false;
    }
  }
  return false;
}

void skip_ws(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')) ++i;
}

}  // namespace

bool unescape_json_string(std::string_view quoted, std::string& out) {
  size_t i = 0;
  out.clear();
  return read_string(quoted, i, out) && i == quoted.size();
}

bool parse_json_string_array(std::string_view json, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  skip_ws(json, i);
  if (i >= json.size() || json[i] != '[') return false;
  ++i;
  skip_ws(json, i);
  if (i < json.size() && json[i] == ']') return ++i, skip_ws(json, i), i == json.size();
  for (;;) {
    skip_ws(json, i);
    std::string item;
    if (!read_string(json, i, item)) return false;
    out.push_back(std::move(item));
    skip_ws(json, i);
    if (i >= json.size()) return false;
    if (json[i] == ']') break;
    if (json[i] != ',') return false;
    ++i;
  }
  ++i;
  skip_ws(json, i);
  return i == json.size();
}

}  // namespace dbtrail::index
