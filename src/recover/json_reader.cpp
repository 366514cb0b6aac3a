#include "recover/json_reader.h"

#include "util/json_dom.h"

#include <cstdint>

namespace dbtrail::recover {

const JsonValue* JsonValue::find(std::string_view key) const {
  for (const auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

namespace {

// Nesting deeper than this is refused rather than risk the stack on hostile input.
constexpr int kMaxDepth = 512;

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonValue> document() {
    JsonValue v;
    skip_ws();
    DBT_TRY(value(v, 0));
    skip_ws();
    if (i_ != s_.size()) return fail("unexpected text after the JSON value");
    return v;
  }

 private:
  Error fail(const std::string& what) const {
    return make_error(ErrorCode::kCorrupt,
                      "invalid JSON at byte " + std::to_string(i_) + ": " + what);
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  Status value(JsonValue& v, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    if (i_ >= s_.size()) return fail("unexpected end of input");
    size_t start = i_;
    char c = s_[i_];
    Status st;
    if (c == '{') {
      v.kind = JsonKind::kObject;
      st = object(v, depth);
    } else if (c == '[') {
      v.kind = JsonKind::kArray;
      st = array(v, depth);
    } else if (c == '"') {
      v.kind = JsonKind::kString;
      st = string(v.text);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = JsonKind::kNumber;
      st = number(v.text);
    } else if (literal("true")) {
      v.kind = JsonKind::kTrue;
    } else if (literal("false")) {
      v.kind = JsonKind::kFalse;
    } else if (literal("null")) {
      v.kind = JsonKind::kNull;
    } else {
      return fail("unexpected character");
    }
    if (!st.ok()) return st;
    // Only the outer levels need their text (a line, a row image, a column
    // value); deeper copies would make nested documents quadratic.
    if (depth <= 2) v.raw.assign(s_.substr(start, i_ - start));
    return {};
  }

  Status object(JsonValue& v, int depth) {
    ++i_;
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return {};
    }
    while (true) {
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a member name");
      std::string key;
      DBT_TRY(string(key));
      skip_ws();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
      ++i_;
      skip_ws();
      v.members.emplace_back(std::move(key), JsonValue{});
      DBT_TRY(value(v.members.back().second, depth + 1));
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return {};
      }
      return fail("expected ',' or '}'");
    }
  }

  Status array(JsonValue& v, int depth) {
    ++i_;
    skip_ws();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return {};
    }
    while (true) {
      skip_ws();
      v.elements.emplace_back();
      DBT_TRY(value(v.elements.back(), depth + 1));
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return {};
      }
      return fail("expected ',' or ']'");
    }
  }

  Status number(std::string& out) {
    size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      return i_ - d;
    };
    if (digits() == 0) return fail("a number needs digits");
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) return fail("a fraction needs digits");
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) return fail("an exponent needs digits");
    }
    out.assign(s_.substr(start, i_ - start));
    return {};
  }

  // Strings: the shared JSON string reader (util/json_dom.h).
  Status string(std::string& out) {
    size_t at = i_;
    if (!json_dom::parse_string_token(s_, i_, out)) {
      i_ = at;
      return fail("malformed string (bad escape, surrogate, control character or no closing quote)");
    }
    return {};
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<JsonValue> parse_json(std::string_view text) { return Parser(text).document(); }

}  // namespace dbtrail::recover
