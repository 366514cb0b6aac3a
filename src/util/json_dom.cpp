#include "util/json_dom.h"

#include <cstdint>

namespace dbtrail::json_dom {

bool key_less(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;  // string_view compares bytes as unsigned char (char_traits<char>)
}

namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

bool read_hex4(std::string_view text, size_t pos, uint32_t& v) {
  if (pos + 4 > text.size()) return false;
  v = 0;
  for (size_t i = 0; i < 4; ++i) {
    char c = text[pos + i];
    uint32_t d;
    if (c >= '0' && c <= '9')
      d = static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = static_cast<uint32_t>(c - 'A' + 10);
    else
      return false;
    v = (v << 4) | d;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, size_t max_depth) : t_(text), max_depth_(max_depth) {}

  Result<Node> run() {
    Node root;
    if (!value(root, 0)) return fail();
    skip_ws();
    if (pos_ != t_.size()) {
      why_ = "unexpected text after the document";
      return fail();
    }
    return root;
  }

 private:
  Error fail() const {
    return make_error(ErrorCode::kCorrupt, "JSON text is malformed: " + std::string(why_) +
                                               " at byte " + std::to_string(pos_) + " of " +
                                               std::to_string(t_.size()));
  }
  void skip_ws() {
    while (pos_ < t_.size() && is_ws(t_[pos_])) ++pos_;
  }
  bool literal(std::string_view word, Kind kind, Node& out) {
    if (t_.substr(pos_, word.size()) != word) {
      why_ = "unknown literal";
      return false;
    }
    pos_ += word.size();
    out.kind = kind;
    return true;
  }

  bool value(Node& out, size_t depth) {
    skip_ws();
    if (pos_ >= t_.size()) {
      why_ = "document ends where a value was expected";
      return false;
    }
    switch (t_[pos_]) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"':
        out.kind = Kind::kString;
        if (!parse_string_token(t_, pos_, out.text)) {
          why_ = "bad string";
          return false;
        }
        return true;
      case 't':
        return literal("true", Kind::kTrue, out);
      case 'f':
        return literal("false", Kind::kFalse, out);
      case 'n':
        return literal("null", Kind::kNull, out);
      default:
        return number(out);
    }
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? kept verbatim.
  bool number(Node& out) {
    size_t start = pos_;
    auto digits = [&] {
      size_t s = pos_;
      while (pos_ < t_.size() && t_[pos_] >= '0' && t_[pos_] <= '9') ++pos_;
      return pos_ - s;
    };
    if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
    size_t int_start = pos_;
    size_t n = digits();
    bool ok = n > 0 && !(n > 1 && t_[int_start] == '0');
    if (ok && pos_ < t_.size() && t_[pos_] == '.') {
      ++pos_;
      ok = digits() > 0;
    }
    if (ok && pos_ < t_.size() && (t_[pos_] == 'e' || t_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < t_.size() && (t_[pos_] == '+' || t_[pos_] == '-')) ++pos_;
      ok = digits() > 0;
    }
    if (!ok) {
      why_ = "bad number or unexpected character";
      return false;
    }
    out.kind = Kind::kNumber;
    out.text.assign(t_.substr(start, pos_ - start));
    return true;
  }

  bool array(Node& out, size_t depth) {
    if (depth > max_depth_) {
      why_ = "nesting too deep";
      return false;
    }
    out.kind = Kind::kArray;
    ++pos_;  // '['
    skip_ws();
    if (pos_ < t_.size() && t_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      out.elements.emplace_back();
      if (!value(out.elements.back(), depth)) return false;
      skip_ws();
      if (pos_ < t_.size() && t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < t_.size() && t_[pos_] == ']') {
        ++pos_;
        return true;
      }
      why_ = "expected ',' or ']'";
      return false;
    }
  }

  bool object(Node& out, size_t depth) {
    if (depth > max_depth_) {
      why_ = "nesting too deep";
      return false;
    }
    out.kind = Kind::kObject;
    ++pos_;  // '{'
    skip_ws();
    if (pos_ < t_.size() && t_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_ws();
      std::string key;
      if (pos_ >= t_.size() || t_[pos_] != '"' || !parse_string_token(t_, pos_, key)) {
        why_ = "expected a member name";
        return false;
      }
      skip_ws();
      if (pos_ >= t_.size() || t_[pos_] != ':') {
        why_ = "expected ':'";
        return false;
      }
      ++pos_;
      Node v;
      if (!value(v, depth)) return false;
      // Our own printer emits sorted keys: appending at the end is O(1) then.
      // A repeated key keeps its last value.
      auto& ms = out.members;
      if (ms.empty() || key_less(ms.rbegin()->first, key)) {
        ms.emplace_hint(ms.end(), std::move(key), std::move(v));
      } else {
        ms.insert_or_assign(std::move(key), std::move(v));
      }
      skip_ws();
      if (pos_ < t_.size() && t_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < t_.size() && t_[pos_] == '}') {
        ++pos_;
        break;
      }
      why_ = "expected ',' or '}'";
      return false;
    }
    return true;
  }

  std::string_view t_;
  size_t max_depth_;
  size_t pos_ = 0;
  const char* why_ = "";
};

void print_node(const Node& n, std::string& out) {
  switch (n.kind) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kTrue:
      out += "true";
      return;
    case Kind::kFalse:
      out += "false";
      return;
    case Kind::kNumber:
      out += n.text;
      return;
    case Kind::kString:
      append_quoted(out, n.text);
      return;
    case Kind::kArray:
      out += '[';
      for (size_t i = 0; i < n.elements.size(); ++i) {
        if (i > 0) out += ", ";
        print_node(n.elements[i], out);
      }
      out += ']';
      return;
    case Kind::kObject:
      out += '{';
      for (auto it = n.members.begin(); it != n.members.end(); ++it) {
        if (it != n.members.begin()) out += ", ";
        append_quoted(out, it->first);
        out += ": ";
        print_node(it->second, out);
      }
      out += '}';
      return;
  }
}

}  // namespace

Node* find_member(Node& object, std::string_view key) {
  auto it = object.members.find(key);
  return it == object.members.end() ? nullptr : &it->second;
}

void put_member(Node& object, std::string key, Node value) {
  object.members.insert_or_assign(std::move(key), std::move(value));
}

bool erase_member(Node& object, std::string_view key) {
  auto it = object.members.find(key);
  if (it == object.members.end()) return false;
  object.members.erase(it);
  return true;
}

bool parse_string_token(std::string_view text, size_t& pos, std::string& out) {
  if (pos >= text.size() || text[pos] != '"') return false;
  size_t p = pos + 1;
  while (true) {
    // Copy the run of plain bytes in one go.
    size_t run = p;
    while (run < text.size() && text[run] != '"' && text[run] != '\\' &&
           static_cast<unsigned char>(text[run]) >= 0x20)
      ++run;
    out.append(text.substr(p, run - p));
    p = run;
    if (p >= text.size()) return false;
    char c = text[p];
    if (c == '"') {
      pos = p + 1;
      return true;
    }
    if (c != '\\') return false;  // raw control character
    if (++p >= text.size()) return false;
    switch (text[p++]) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!read_hex4(text, p, cp)) return false;
        p += 4;
        if (cp >= 0xdc00 && cp <= 0xdfff) return false;  // lone low surrogate
        if (cp >= 0xd800 && cp <= 0xdbff) {
          uint32_t lo;
          if (p + 2 > text.size() || text[p] != '\\' || text[p + 1] != 'u' ||
              !read_hex4(text, p + 2, lo) || lo < 0xdc00 || lo > 0xdfff)
            return false;
          p += 6;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
}

Result<Node> parse(std::string_view text, size_t max_depth) {
  return Parser(text, max_depth).run();
}

void print(const Node& node, std::string& out) { print_node(node, out); }

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    size_t run = i;
    while (run < s.size()) {
      unsigned char c = static_cast<unsigned char>(s[run]);
      if (c <= 0x1f || c == '"' || c == '\\') break;
      ++run;
    }
    out.append(s.substr(i, run - i));
    if (run == s.size()) break;
    char c = s[run];
    out += '\\';
    switch (c) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '\b':
        out += 'b';
        break;
      case '\f':
        out += 'f';
        break;
      case '\n':
        out += 'n';
        break;
      case '\r':
        out += 'r';
        break;
      case '\t':
        out += 't';
        break;
      default:
        out += "u00";
        out += kHex[(c >> 4) & 0xf];
        out += kHex[c & 0xf];
    }
    i = run + 1;
  }
  out += '"';
}

}  // namespace dbtrail::json_dom
