// A small, fast JSON text writer appending to a std::string. It tracks commas
// itself so callers only say what comes next. Strings must be UTF-8; invalid
// sequences are written as U+FFFD (callers that must be lossless check
// validity first and choose {"base64": ...} instead).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dbtrail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { sep(); out_ += '{'; first_ = true; }
  void end_object() { out_ += '}'; first_ = false; }
  void begin_array() { sep(); out_ += '['; first_ = true; }
  void end_array() { out_ += ']'; first_ = false; }
  void key(std::string_view k) {
    sep();
    write_escaped(k);
    out_ += ':';
    first_ = true;  // the value that follows takes no comma
  }
  // A key already rendered as `"name":` (escaped, quoted, with the colon).
  void rendered_key(std::string_view k) {
    sep();
    out_ += k;
    first_ = true;
  }
  void null() { sep(); out_ += "null"; }
  void boolean(bool b) { sep(); out_ += b ? "true" : "false"; }
  void int64(int64_t v);
  void uint64(uint64_t v);
  void string(std::string_view s) { sep(); write_escaped(s); }
  // Writes s as a string if it is valid UTF-8; otherwise writes nothing and
  // returns false (one pass: validation and escaping together).
  bool string_if_utf8(std::string_view s);
  // Raw JSON text (a number already formatted, a nested document).
  void raw(std::string_view json) { sep(); out_ += json; }

  std::string& buffer() { return out_; }

  // Appends s as a quoted JSON string.
  static void append_escaped(std::string& out, std::string_view s);

 private:
  void sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void write_escaped(std::string_view s) { append_escaped(out_, s); }

  std::string& out_;
  bool first_ = true;
};

// True if s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace dbtrail
