#include "schema/ddl.h"

#include <algorithm>
#include <cctype>

namespace dbtrail::schema {

namespace {

enum class Tok : uint8_t { kWord, kQuoted, kString, kNumber, kPunct };

struct Token {
  Tok kind;
  std::string text;  // kQuoted/kString: unescaped content
};

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Splits SQL into tokens. Comments are skipped, except versioned ones
// (/*!50100 ... */, /*M!100500 ... */) whose content the server executes.
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0, n = s.size();
  while (i < n) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#' || (c == '-' && i + 2 < n + 1 && s.substr(i, 2) == "--" &&
                     (i + 2 == n || std::isspace(static_cast<unsigned char>(s[i + 2]))))) {
      while (i < n && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      size_t j = i + 2;
      if (j < n && s[j] == 'M' && j + 1 < n && s[j + 1] == '!') ++j;
      if (j < n && s[j] == '!') {
        ++j;
        while (j < n && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        i = j;  // keep the content; the closing */ is skipped below
        continue;
      }
      size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    if (c == '*' && i + 1 < n && s[i + 1] == '/') {
      i += 2;
      continue;
    }
    if (c == '`' || c == '"' || c == '\'') {
      // Backquotes: identifiers; quotes: strings (ANSI_QUOTES is not assumed).
      char q = c;
      std::string v;
      ++i;
      while (i < n) {
        if (s[i] == q) {
          if (i + 1 < n && s[i + 1] == q) {
            v += q;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (s[i] == '\\' && q != '`' && i + 1 < n) {
          v += s[i + 1];
          i += 2;
          continue;
        }
        v += s[i++];
      }
      out.push_back({q == '`' ? Tok::kQuoted : Tok::kString, std::move(v)});
      continue;
    }
    if (is_word_char(c)) {
      size_t j = i;
      while (j < n && is_word_char(s[j])) ++j;
      bool digits = std::all_of(s.begin() + long(i), s.begin() + long(j),
                                [](char d) { return std::isdigit(static_cast<unsigned char>(d)); });
      out.push_back({digits ? Tok::kNumber : Tok::kWord, std::string(s.substr(i, j - i))});
      i = j;
      continue;
    }
    out.push_back({Tok::kPunct, std::string(1, c)});
    ++i;
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = char(std::toupper(static_cast<unsigned char>(c)));
  return u;
}
std::string lower(std::string_view s) {
  std::string u(s);
  for (auto& c : u) c = char(std::tolower(static_cast<unsigned char>(c)));
  return u;
}

// A cursor over a token range [i, end).
struct Cur {
  const std::vector<Token>& t;
  size_t i;
  size_t end;

  bool done() const { return i >= end; }
  const Token* peek(size_t k = 0) const { return i + k < end ? &t[i + k] : nullptr; }
  bool is(std::string_view kw, size_t k = 0) const {
    const Token* p = peek(k);
    return p && p->kind == Tok::kWord && upper(p->text) == kw;
  }
  bool punct(char c, size_t k = 0) const {
    const Token* p = peek(k);
    return p && p->kind == Tok::kPunct && p->text[0] == c;
  }
  bool eat(std::string_view kw) {
    if (!is(kw)) return false;
    ++i;
    return true;
  }
  bool eat_punct(char c) {
    if (!punct(c)) return false;
    ++i;
    return true;
  }
  // IF [NOT] EXISTS
  bool eat_if_exists() {
    if (is("IF") && is("EXISTS", 1)) {
      i += 2;
      return true;
    }
    if (is("IF") && is("NOT", 1) && is("EXISTS", 2)) {
      i += 3;
      return true;
    }
    return false;
  }
  std::optional<std::string> ident() {
    const Token* p = peek();
    if (!p || (p->kind != Tok::kWord && p->kind != Tok::kQuoted && p->kind != Tok::kString &&
               p->kind != Tok::kNumber))
      return std::nullopt;
    ++i;
    return p->text;
  }
  // [schema.]table
  std::optional<TableRef> table(std::string_view def) {
    auto a = ident();
    if (!a) return std::nullopt;
    if (punct('.')) {
      ++i;
      auto b = ident();
      if (!b) return std::nullopt;
      return TableRef{*a, *b};
    }
    return TableRef{std::string(def), *a};
  }
  // Index just after the parenthesis group opening at i (which must be '(').
  size_t group_end() const {
    int depth = 0;
    for (size_t k = i; k < end; ++k) {
      if (t[k].kind != Tok::kPunct) continue;
      if (t[k].text[0] == '(') ++depth;
      if (t[k].text[0] == ')' && --depth == 0) return k + 1;
    }
    return end;
  }
};

// Top-level comma-separated parts of [b, e).
std::vector<std::pair<size_t, size_t>> split_commas(const std::vector<Token>& t, size_t b,
                                                    size_t e) {
  std::vector<std::pair<size_t, size_t>> parts;
  int depth = 0;
  size_t start = b;
  for (size_t k = b; k < e; ++k) {
    if (t[k].kind != Tok::kPunct) continue;
    char c = t[k].text[0];
    if (c == '(')
      ++depth;
    else if (c == ')')
      --depth;
    else if (c == ',' && depth == 0) {
      parts.emplace_back(start, k);
      start = k + 1;
    }
  }
  if (start < e) parts.emplace_back(start, e);
  return parts;
}

// Renders tokens [b, e) compactly ("varchar(20)", "decimal(10,2)").
std::string render(const std::vector<Token>& t, size_t b, size_t e) {
  std::string s;
  for (size_t k = b; k < e; ++k) {
    if (t[k].kind == Tok::kString) {
      s += '\'';
      for (char c : t[k].text) s += c == '\'' ? std::string("''") : std::string(1, c);
      s += '\'';
    } else {
      s += t[k].kind == Tok::kWord ? lower(t[k].text) : t[k].text;
    }
  }
  return s;
}

// "(a, b(10) DESC, ...)" at cur: the column names; functional parts skipped.
std::vector<std::string> key_columns(Cur& c) {
  std::vector<std::string> cols;
  if (!c.punct('(')) return cols;
  size_t e = c.group_end();
  for (auto [b, pe] : split_commas(c.t, c.i + 1, e - 1)) {
    if (b < pe && c.t[b].kind != Tok::kPunct) cols.push_back(c.t[b].text);
  }
  c.i = e;
  return cols;
}

struct ColumnSpec {
  Column col;
  bool primary = false;
  bool unique = false;
};

// name type [attributes...] over [b, e).
std::optional<ColumnSpec> parse_column(const std::vector<Token>& t, size_t b, size_t e) {
  Cur c{t, b, e};
  auto name = c.ident();
  if (!name || c.done() || c.peek()->kind != Tok::kWord) return std::nullopt;
  ColumnSpec spec;
  spec.col.name = *name;
  size_t type_b = c.i;
  spec.col.data_type = lower(c.peek()->text);
  ++c.i;
  if (spec.col.data_type == "double") c.eat("PRECISION");
  if (c.punct('(')) {
    size_t ge = c.group_end();
    if (spec.col.data_type == "enum" || spec.col.data_type == "set") {
      for (size_t k = c.i + 1; k + 1 < ge; ++k) {
        if (t[k].kind == Tok::kString) spec.col.enum_values.push_back(t[k].text);
      }
    }
    c.i = ge;
  }
  spec.col.column_type = render(t, type_b, c.i);
  if (spec.col.data_type == "serial") {  // BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
    spec.col.data_type = "bigint";
    spec.col.column_type = "bigint unsigned";
    spec.col.is_unsigned = true;
    spec.col.nullable = false;
    spec.unique = true;
  }
  bool generated = false;
  while (!c.done()) {
    if (c.punct('(')) {
      c.i = c.group_end();
      continue;
    }
    const Token& k = *c.peek();
    ++c.i;
    if (k.kind != Tok::kWord) continue;
    std::string w = upper(k.text);
    if (w == "UNSIGNED") {
      spec.col.is_unsigned = true;
      spec.col.column_type += " unsigned";
    } else if (w == "ZEROFILL") {
      spec.col.is_unsigned = true;
    } else if (w == "NOT" && c.is("NULL")) {
      ++c.i;
      spec.col.nullable = false;
    } else if (w == "NULL") {
      spec.col.nullable = true;
    } else if (w == "PRIMARY" && c.is("KEY")) {
      ++c.i;
      spec.primary = true;
      spec.col.nullable = false;
    } else if (w == "UNIQUE") {
      spec.unique = true;
      c.eat("KEY");
    } else if (w == "KEY" && !spec.unique) {
      spec.primary = true;  // a lone KEY in a column definition means PRIMARY KEY
      spec.col.nullable = false;
    } else if (w == "AS" || w == "GENERATED") {
      generated = true;
    } else if (w == "VIRTUAL") {
      spec.col.generated = Generated::kVirtual;
    } else if (w == "STORED" || w == "PERSISTENT") {
      spec.col.generated = Generated::kStored;
    } else if (w == "DEFAULT" || w == "COMMENT" || w == "ON" || w == "COLLATE" || w == "CHECK") {
      // The value that follows is no attribute of ours.
      if (w == "ON") c.eat("UPDATE");
      if (c.punct('('))
        c.i = c.group_end();
      else if (!c.done())
        ++c.i;
    } else if (w == "REFERENCES") {
      break;  // inline FOREIGN KEY: ignored by the server too
    }
  }
  if (generated && spec.col.generated == Generated::kNo) spec.col.generated = Generated::kVirtual;
  if (spec.col.data_type == "year") spec.col.is_unsigned = true;
  return spec;
}

bool is_key_clause(const Cur& c) {
  static constexpr std::string_view kStarts[] = {"PRIMARY",  "UNIQUE",  "KEY",        "INDEX",
                                                 "FULLTEXT", "SPATIAL", "CONSTRAINT", "FOREIGN",
                                                 "CHECK",    "PERIOD",  "VECTOR"};
  const Token* p = c.peek();
  if (!p || p->kind != Tok::kWord) return false;
  std::string w = upper(p->text);
  for (auto s : kStarts)
    if (w == s) return true;
  return false;
}

void drop_from_keys(Table& t, const std::string& col) {
  auto same = [&](const std::string& a) { return lower(a) == lower(col); };
  // The server removes a dropped column from every key; a key left empty goes.
  std::erase_if(t.primary_key, same);
  for (auto& u : t.unique_keys) std::erase_if(u.columns, same);
  std::erase_if(t.unique_keys, [](const UniqueKey& u) { return u.columns.empty(); });
  std::erase_if(t.foreign_keys, [&](const ForeignKey& f) {
    return std::any_of(f.columns.begin(), f.columns.end(), same);
  });
}

void rename_in_keys(Table& t, const std::string& from, const std::string& to) {
  auto fix = [&](std::string& a) {
    if (lower(a) == lower(from)) a = to;
  };
  for (auto& k : t.primary_key) fix(k);
  for (auto& u : t.unique_keys)
    for (auto& k : u.columns) fix(k);
  for (auto& f : t.foreign_keys)
    for (auto& k : f.columns) fix(k);
}

// PRIMARY KEY / UNIQUE / FOREIGN KEY clause at c (after ADD, or a CREATE item).
void apply_key_clause(Cur c, Table& t, std::string_view def_schema) {
  std::string symbol;
  if (c.eat("CONSTRAINT")) {
    if (!c.is("PRIMARY") && !c.is("UNIQUE") && !c.is("FOREIGN") && !c.is("CHECK")) {
      symbol = c.ident().value_or("");
    }
  }
  if (c.eat("PRIMARY")) {
    c.eat("KEY");
    while (!c.done() && !c.punct('(')) ++c.i;
    t.primary_key = key_columns(c);
    for (const auto& k : t.primary_key) {
      int i = t.index_of(k);
      if (i >= 0) t.columns[size_t(i)].nullable = false;
    }
  } else if (c.eat("UNIQUE")) {
    if (!c.eat("KEY")) c.eat("INDEX");
    c.eat_if_exists();
    std::string name;
    if (!c.punct('(') && !c.is("USING")) name = c.ident().value_or("");
    while (!c.done() && !c.punct('(')) ++c.i;
    UniqueKey u{name.empty() ? symbol : name, key_columns(c)};
    if (u.name.empty() && !u.columns.empty()) u.name = u.columns[0];
    if (!u.columns.empty()) t.unique_keys.push_back(std::move(u));
  } else if (c.eat("FOREIGN")) {
    c.eat("KEY");
    c.eat_if_exists();
    std::string name;
    if (!c.punct('(')) name = c.ident().value_or("");
    ForeignKey f;
    f.name = symbol.empty() ? name : symbol;
    f.columns = key_columns(c);
    if (c.eat("REFERENCES")) {
      auto r = c.table(def_schema);
      if (r) {
        f.ref_schema = r->schema;
        f.ref_table = r->table;
      }
      f.ref_columns = key_columns(c);
    }
    if (!f.columns.empty()) t.foreign_keys.push_back(std::move(f));
  }
}

void add_column(Table& t, ColumnSpec spec, int position) {
  if (int old = t.index_of(spec.col.name); old >= 0) {
    t.columns.erase(t.columns.begin() + old);  // applied twice (snapshot taken after it)
    if (position > old) --position;
  }
  if (spec.primary) t.primary_key = {spec.col.name};
  if (spec.unique) t.unique_keys.push_back({spec.col.name, {spec.col.name}});
  if (position < 0 || size_t(position) > t.columns.size()) position = int(t.columns.size());
  t.columns.insert(t.columns.begin() + position, std::move(spec.col));
}

// FIRST / AFTER col at the end of [b, e): returns the new end and the position.
size_t placement(const std::vector<Token>& tk, size_t b, size_t e, const Table& t, int& pos) {
  pos = -1;
  if (e > b && tk[e - 1].kind == Tok::kWord && upper(tk[e - 1].text) == "FIRST") {
    pos = 0;
    return e - 1;
  }
  if (e >= b + 2 && tk[e - 2].kind == Tok::kWord && upper(tk[e - 2].text) == "AFTER") {
    int a = t.index_of(tk[e - 1].text);
    pos = a < 0 ? -1 : a + 1;
    return e - 2;
  }
  return e;
}

// One ALTER TABLE specification over [b, e). False when it touches columns in
// a way not understood.
bool apply_alter_spec(const std::vector<Token>& tk, size_t b, size_t e, Table& t,
                      std::string_view def_schema, std::optional<TableRef>& rename_to) {
  Cur c{tk, b, e};
  if (c.eat("ADD")) {
    if (is_key_clause(c)) {
      apply_key_clause(c, t, def_schema);
      return true;
    }
    if (c.is("PARTITION")) return true;
    c.eat("COLUMN");
    c.eat_if_exists();
    if (c.punct('(')) {  // ADD (a INT, b INT)
      size_t ge = c.group_end();
      for (auto [pb, pe] : split_commas(tk, c.i + 1, ge - 1)) {
        Cur item{tk, pb, pe};
        if (is_key_clause(item)) {
          apply_key_clause(item, t, def_schema);
          continue;
        }
        auto spec = parse_column(tk, pb, pe);
        if (!spec) return false;
        add_column(t, std::move(*spec), -1);
      }
      return true;
    }
    int pos;
    size_t ce = placement(tk, c.i, e, t, pos);
    auto spec = parse_column(tk, c.i, ce);
    if (!spec) return false;
    add_column(t, std::move(*spec), pos);
    return true;
  }
  if (c.eat("DROP")) {
    if (c.eat("PRIMARY")) {
      t.primary_key.clear();
      return true;
    }
    if (c.eat("INDEX") || c.eat("KEY")) {
      c.eat_if_exists();
      auto name = c.ident().value_or("");
      std::erase_if(t.unique_keys,
                    [&](const UniqueKey& u) { return lower(u.name) == lower(name); });
      return true;
    }
    if (c.eat("FOREIGN")) {
      c.eat("KEY");
      c.eat_if_exists();
      auto name = c.ident().value_or("");
      std::erase_if(t.foreign_keys,
                    [&](const ForeignKey& f) { return lower(f.name) == lower(name); });
      return true;
    }
    if (c.eat("CONSTRAINT")) {
      c.eat_if_exists();
      auto name = lower(c.ident().value_or(""));
      std::erase_if(t.unique_keys, [&](const UniqueKey& u) { return lower(u.name) == name; });
      std::erase_if(t.foreign_keys, [&](const ForeignKey& f) { return lower(f.name) == name; });
      return true;
    }
    if (c.is("CHECK") || c.is("PARTITION") || c.is("SYSTEM") || c.is("PERIOD")) return true;
    c.eat("COLUMN");
    c.eat_if_exists();
    auto name = c.ident();
    if (!name) return false;
    int i = t.index_of(*name);
    if (i >= 0) t.columns.erase(t.columns.begin() + i);
    drop_from_keys(t, *name);
    return true;
  }
  if (c.eat("CHANGE")) {
    c.eat("COLUMN");
    c.eat_if_exists();
    auto old = c.ident();
    if (!old) return false;
    int at = t.index_of(*old);
    int pos;
    size_t ce = placement(tk, c.i, e, t, pos);
    auto spec = parse_column(tk, c.i, ce);
    if (!spec) return false;
    if (pos < 0) pos = at;
    if (at >= 0) {
      t.columns.erase(t.columns.begin() + at);
      if (pos > at) --pos;
    }
    rename_in_keys(t, *old, spec->col.name);
    add_column(t, std::move(*spec), pos);
    return true;
  }
  if (c.eat("MODIFY")) {
    c.eat("COLUMN");
    c.eat_if_exists();
    int pos;
    size_t ce = placement(tk, c.i, e, t, pos);
    auto spec = parse_column(tk, c.i, ce);
    if (!spec) return false;
    int at = t.index_of(spec->col.name);
    if (pos < 0) pos = at;
    if (at >= 0) {
      t.columns.erase(t.columns.begin() + at);
      if (pos > at) --pos;
    }
    add_column(t, std::move(*spec), pos);
    return true;
  }
  if (c.eat("RENAME")) {
    if (c.eat("COLUMN")) {
      c.eat_if_exists();
      auto from = c.ident();
      if (!from || !c.eat("TO")) return false;
      auto to = c.ident();
      if (!to) return false;
      int i = t.index_of(*from);
      if (i >= 0) t.columns[size_t(i)].name = *to;
      rename_in_keys(t, *from, *to);
      return true;
    }
    if (c.eat("INDEX") || c.eat("KEY")) {
      auto from = c.ident().value_or("");
      c.eat("TO");
      auto to = c.ident().value_or("");
      for (auto& u : t.unique_keys)
        if (lower(u.name) == lower(from)) u.name = to;
      return true;
    }
    if (!c.eat("TO")) c.eat("AS");
    rename_to = c.table(def_schema);
    return rename_to.has_value();
  }
  if (c.eat("CONVERT")) {
    // New character set: the binlog's charset metadata (or a live read) knows the ids.
    for (auto& col : t.columns)
      if (col.collation != 63) col.collation = 0;
    return true;
  }
  return true;  // ENGINE=, ALTER COLUMN .. DEFAULT, ALGORITHM=, options: no column change
}

Table parse_create_body(const std::vector<Token>& tk, size_t b, size_t e, const TableRef& name,
                        bool& complete) {
  Table t;
  t.schema = name.schema;
  t.name = name.table;
  for (auto [pb, pe] : split_commas(tk, b, e)) {
    Cur item{tk, pb, pe};
    if (is_key_clause(item)) {
      apply_key_clause(item, t, name.schema);
      continue;
    }
    auto spec = parse_column(tk, pb, pe);
    if (!spec) {
      complete = false;
      continue;
    }
    add_column(t, std::move(*spec), -1);
  }
  return t;
}

void put_table(Snapshot& snap, Table t) {
  auto key = std::make_pair(t.schema, t.name);
  snap.tables[key] = std::move(t);
}

}  // namespace

std::optional<DdlEffect> apply_ddl(Snapshot& snap, std::string_view sql,
                                   std::string_view default_schema) {
  std::vector<Token> tk = tokenize(sql);
  size_t end = tk.size();
  while (end > 0 && tk[end - 1].kind == Tok::kPunct && tk[end - 1].text == ";") --end;
  Cur c{tk, 0, end};
  DdlEffect fx;
  if (c.eat("CREATE")) {
    if (c.eat("OR")) c.eat("REPLACE");
    if (c.is("TEMPORARY")) return std::nullopt;  // session-local: never in row events' schema
    if (c.eat("DATABASE") || c.eat("SCHEMA")) return std::nullopt;
    bool unique = c.eat("UNIQUE");
    if (!unique && !c.eat("FULLTEXT") && !c.eat("SPATIAL")) c.eat("VECTOR");
    if (c.eat("INDEX")) {
      c.eat_if_exists();
      auto name = c.ident();
      while (!c.done() && !c.is("ON")) ++c.i;
      if (!name || !c.eat("ON")) return std::nullopt;
      auto ref = c.table(default_schema);
      if (!ref) return std::nullopt;
      fx.ddl_type = "ALTER";
      fx.tables.push_back(*ref);
      auto it = snap.tables.find({ref->schema, ref->table});
      if (it == snap.tables.end()) {
        fx.complete = false;
      } else if (unique) {
        auto cols = key_columns(c);
        if (!cols.empty()) it->second.unique_keys.push_back({*name, cols});
      }
      return fx;
    }
    if (!c.eat("TABLE")) return std::nullopt;
    bool if_not_exists = c.eat_if_exists();
    auto ref = c.table(default_schema);
    if (!ref) return std::nullopt;
    fx.ddl_type = "CREATE";
    fx.tables.push_back(*ref);
    if (if_not_exists && snap.find(ref->schema, ref->table)) return fx;  // no-op on the server
    bool paren_like = c.punct('(') && c.is("LIKE", 1);
    if (paren_like) ++c.i;
    if (c.eat("LIKE")) {
      auto src = c.table(default_schema);
      const Table* from = src ? snap.find(src->schema, src->table) : nullptr;
      if (!from) {
        fx.complete = false;
        snap.tables.erase({ref->schema, ref->table});
        return fx;
      }
      Table t = *from;
      t.schema = ref->schema;
      t.name = ref->table;
      t.foreign_keys.clear();  // LIKE copies no foreign keys
      put_table(snap, std::move(t));
      return fx;
    }
    Table t;
    t.schema = ref->schema;
    t.name = ref->table;
    if (c.punct('(')) {
      size_t ge = c.group_end();
      t = parse_create_body(tk, c.i + 1, ge - 1, *ref, fx.complete);
      c.i = ge;
    }
    // CREATE ... [AS] SELECT adds the select's columns: only a live server knows.
    for (size_t k = c.i; k < end; ++k) {
      if (tk[k].kind == Tok::kWord && upper(tk[k].text) == "SELECT") fx.complete = false;
    }
    put_table(snap, std::move(t));
    return fx;
  }
  if (c.eat("ALTER")) {
    c.eat("ONLINE");
    c.eat("IGNORE");
    if (!c.eat("TABLE")) return std::nullopt;
    c.eat_if_exists();
    auto ref = c.table(default_schema);
    if (!ref) return std::nullopt;
    fx.ddl_type = "ALTER";
    auto it = snap.tables.find({ref->schema, ref->table});
    if (it == snap.tables.end()) {
      fx.complete = false;
      fx.tables.push_back(*ref);
      // A RENAME inside still moves it: find the new name for the live read.
      for (auto [b, e] : split_commas(tk, c.i, end)) {
        Table scratch;
        std::optional<TableRef> to;
        apply_alter_spec(tk, b, e, scratch, default_schema, to);
        if (to) {
          fx.dropped.push_back(*ref);
          fx.tables.back() = *to;
        }
      }
      return fx;
    }
    Table t = it->second;
    std::optional<TableRef> rename_to;
    for (auto [b, e] : split_commas(tk, c.i, end)) {
      if (!apply_alter_spec(tk, b, e, t, default_schema, rename_to)) fx.complete = false;
    }
    if (rename_to && !(*rename_to == *ref)) {
      snap.tables.erase(it);
      fx.dropped.push_back(*ref);
      t.schema = rename_to->schema;
      t.name = rename_to->table;
      fx.tables.push_back(*rename_to);
    } else {
      fx.tables.push_back(*ref);
    }
    put_table(snap, std::move(t));
    return fx;
  }
  if (c.eat("RENAME")) {
    if (!c.eat("TABLE") && !c.eat("TABLES")) return std::nullopt;
    fx.ddl_type = "RENAME";
    for (auto [b, e] : split_commas(tk, c.i, end)) {
      Cur p{tk, b, e};
      p.eat_if_exists();
      auto from = p.table(default_schema);
      if (!from) return std::nullopt;
      while (!p.done() && !p.is("TO")) ++p.i;
      if (!p.eat("TO")) return std::nullopt;
      auto to = p.table(default_schema);
      if (!to) return std::nullopt;
      // Renames run in order (a swap goes through a third name).
      auto it = snap.tables.find({from->schema, from->table});
      if (it != snap.tables.end()) {
        Table t = std::move(it->second);
        snap.tables.erase(it);
        t.schema = to->schema;
        t.name = to->table;
        put_table(snap, std::move(t));
      } else {
        fx.complete = false;
      }
      std::erase(fx.tables, *from);
      fx.dropped.push_back(*from);
      std::erase(fx.dropped, *to);
      fx.tables.push_back(*to);
    }
    return fx;
  }
  if (c.eat("DROP")) {
    if (c.eat("DATABASE") || c.eat("SCHEMA")) {
      c.eat_if_exists();
      auto db = c.ident();
      if (!db) return std::nullopt;
      fx.ddl_type = "DROP";
      for (auto it = snap.tables.begin(); it != snap.tables.end();) {
        if (it->first.first == *db) {
          fx.dropped.push_back({it->first.first, it->first.second});
          it = snap.tables.erase(it);
        } else {
          ++it;
        }
      }
      return fx;
    }
    if (c.eat("INDEX")) {
      c.eat_if_exists();
      auto name = c.ident();
      if (!name || !c.eat("ON")) return std::nullopt;
      auto ref = c.table(default_schema);
      if (!ref) return std::nullopt;
      fx.ddl_type = "ALTER";
      fx.tables.push_back(*ref);
      auto it = snap.tables.find({ref->schema, ref->table});
      if (it == snap.tables.end()) {
        fx.complete = false;
      } else if (upper(*name) == "PRIMARY") {
        it->second.primary_key.clear();
      } else {
        std::erase_if(it->second.unique_keys,
                      [&](const UniqueKey& u) { return lower(u.name) == lower(*name); });
      }
      return fx;
    }
    if (c.is("TEMPORARY")) return std::nullopt;
    if (!c.eat("TABLE") && !c.eat("TABLES")) return std::nullopt;
    c.eat_if_exists();
    fx.ddl_type = "DROP";
    for (auto [b, e] : split_commas(tk, c.i, end)) {
      Cur p{tk, b, e};
      auto ref = p.table(default_schema);
      if (!ref) continue;
      snap.tables.erase({ref->schema, ref->table});
      fx.dropped.push_back(*ref);
    }
    return fx;
  }
  if (c.eat("TRUNCATE")) {
    c.eat("TABLE");
    auto ref = c.table(default_schema);
    if (!ref) return std::nullopt;
    fx.ddl_type = "TRUNCATE";
    fx.tables.push_back(*ref);
    if (!snap.find(ref->schema, ref->table)) fx.complete = false;
    return fx;
  }
  return std::nullopt;
}

std::optional<DdlEffect> detect_ddl(std::string_view sql, std::string_view default_schema) {
  Snapshot scratch;
  return apply_ddl(scratch, sql, default_schema);
}

}  // namespace dbtrail::schema
