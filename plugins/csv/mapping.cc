#include "mapping.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

// Parse failures come back as values: nothing may throw across the plugin's
// C boundary, and a parse error is an ordinary outcome here.
#ifndef TOML_EXCEPTIONS
#define TOML_EXCEPTIONS 0
#endif
#include <toml++/toml.h>

namespace baton::csv {
namespace {

namespace fs = std::filesystem;

const char* const kTables[] = {"people", "touches", "stages",
                               "deals",  "spend",   "paths"};
// Top-level tables other parts of Baton read from the same file.
const char* const kForeignTables[] = {"scorecard", "report"};
const char* const kSettings[] = {"delimiter", "encoding", "on_error", "rejects"};

template <size_t N>
bool OneOf(std::string_view s, const char* const (&list)[N]) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

struct Settings {
  bool has_delimiter = false;
  char delimiter = 0;
  bool has_encoding = false;
  Encoding encoding = Encoding::kUtf8;
  bool has_on_error = false;
  OnError on_error = OnError::kFail;
  std::string rejects;  // as written; empty: not given
};

class Parser {
 public:
  Parser(const std::string& path, Mapping* out) : path_(path), out_(out) {
    folder_ = fs::path(path).parent_path();
    stem_ = fs::path(path).stem().string();
  }

  Error Run(const toml::table& root);

 private:
  Error Invalid(int64_t line, const std::string& what) const {
    return Error::Make(BATON_INVALID_ARGUMENT,
                       path_ + ":" + std::to_string(line) + ": " + what);
  }
  static int64_t Line(const toml::node& n) { return n.source().begin.line; }
  static int64_t Line(const toml::key& k, int64_t fallback) {
    int64_t l = k.source().begin.line;
    return l > 0 ? l : fallback;
  }
  std::string Resolve(const std::string& file) const {
    fs::path p(file);
    if (p.is_absolute() || folder_.empty()) return p.string();
    return (folder_ / p).string();
  }

  Error ReadSetting(std::string_view key, const toml::node& value, int64_t line,
                    const std::string& where, Settings* s) const;
  Error ReadFunnel(const toml::node& node, int64_t line);
  Error ReadStageMap(const toml::node& node, int64_t line);
  Error ReadEntry(const std::string& table, int index, const toml::table& t,
                  const Settings& top, Entry* e) const;
  Error ReadFieldValue(const std::string& context, const std::string& key,
                       const toml::node& value, int64_t line,
                       FieldMapping* f) const;
  Error ReadWhere(const std::string& context, const toml::node& node,
                  int64_t line, std::vector<WhereClause>* out) const;

  std::string path_;
  Mapping* out_;
  fs::path folder_;
  std::string stem_;
};

std::string TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    default: return "nothing";
  }
}

std::string Pad(unsigned v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

std::string DateText(const toml::date& d) {
  return Pad(d.year, 4) + "-" + Pad(d.month, 2) + "-" + Pad(d.day, 2);
}

std::string TimeText(const toml::time& t) {
  std::string s = Pad(t.hour, 2) + ":" + Pad(t.minute, 2) + ":" + Pad(t.second, 2);
  if (t.nanosecond) s += "." + Pad(t.nanosecond, 9);
  return s;
}

// The text of a scalar (a constant or a `where` value) as a CSV cell would
// hold it, so the host parses constants exactly as it parses columns.
bool ScalarText(const toml::node& n, std::string* out) {
  if (auto v = n.as_string()) {
    *out = v->get();
  } else if (auto i = n.as_integer()) {
    *out = std::to_string(i->get());
  } else if (auto f = n.as_floating_point()) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, f->get());
    *out = std::string(buf, r.ptr);
  } else if (auto b = n.as_boolean()) {
    *out = b->get() ? "true" : "false";
  } else if (auto d = n.as_date()) {
    *out = DateText(d->get());
  } else if (auto dt = n.as_date_time()) {
    const toml::date_time& v = dt->get();
    *out = DateText(v.date) + "T" + TimeText(v.time);
    if (v.offset) {
      int m = v.offset->minutes;
      if (m == 0) {
        *out += "Z";
      } else {
        *out += m < 0 ? "-" : "+";
        if (m < 0) m = -m;
        *out += Pad(static_cast<unsigned>(m / 60), 2) + ":" +
                Pad(static_cast<unsigned>(m % 60), 2);
      }
    }
  } else {
    return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string Entry::Context(const std::string& mapping_path) const {
  return mapping_path + ":" + std::to_string(line) + ": [[" + table + "]] #" +
         std::to_string(index);
}

bool IsWorkbook(std::string_view file) {
  for (std::string_view ext : {".xlsx", ".xlsm", ".ods"}) {
    if (file.size() < ext.size()) continue;
    bool same = true;
    for (size_t i = 0; i < ext.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(file[file.size() - ext.size() + i])) !=
          ext[i])
        same = false;
    if (same) return true;
  }
  return false;
}

Error ParseDelimiter(std::string_view text, char* out) {
  if (text == "," || text == ";" || text == "|" || text == "\t") {
    *out = text[0];
    return Error::Ok();
  }
  // A TOML literal string '\t' holds a backslash and a t.
  if (text == "\\t" || Lower(text) == "tab") {
    *out = '\t';
    return Error::Ok();
  }
  return Error::Make(BATON_INVALID_ARGUMENT,
                     "delimiter \"" + std::string(text) +
                         "\" is not supported; use \",\", \";\", \"\\t\" or \"|\"");
}

Error ParseEncoding(std::string_view text, Encoding* out) {
  const std::string v = Lower(text);
  if (v == "utf-8" || v == "utf8" || v == "utf-8-sig") {
    *out = Encoding::kUtf8;
    return Error::Ok();
  }
  // Files labelled Latin-1 are in practice Windows-1252 (the WHATWG encoding
  // standard maps both labels the same way), and cp1252 is a superset of the
  // printable Latin-1 characters.
  if (v == "cp1252" || v == "windows-1252" || v == "latin1" || v == "latin-1" ||
      v == "iso-8859-1" || v == "iso8859-1") {
    *out = Encoding::kCp1252;
    return Error::Ok();
  }
  return Error::Make(BATON_INVALID_ARGUMENT,
                     "encoding \"" + std::string(text) +
                         "\" is not supported; use \"utf-8\" or \"cp1252\"");
}

Error ParseOnError(std::string_view text, OnError* out) {
  if (text == "fail") {
    *out = OnError::kFail;
  } else if (text == "skip") {
    *out = OnError::kSkip;
  } else {
    return Error::Make(BATON_INVALID_ARGUMENT,
                       "on_error \"" + std::string(text) +
                           "\" is not supported; use \"fail\" or \"skip\"");
  }
  return Error::Ok();
}

Error Parser::ReadSetting(std::string_view key, const toml::node& value,
                          int64_t line, const std::string& where,
                          Settings* s) const {
  const auto* str = value.as_string();
  if (!str)
    return Invalid(line, where + std::string(key) + " must be a string, not " +
                             TypeName(value));
  const std::string& v = str->get();
  Error e;
  if (key == "delimiter") {
    e = ParseDelimiter(v, &s->delimiter);
    s->has_delimiter = true;
  } else if (key == "encoding") {
    e = ParseEncoding(v, &s->encoding);
    s->has_encoding = true;
  } else if (key == "on_error") {
    e = ParseOnError(v, &s->on_error);
    s->has_on_error = true;
  } else {
    if (v.empty()) return Invalid(line, where + "rejects is empty");
    s->rejects = v;
  }
  if (!e.ok()) return Invalid(line, where + e.message);
  return Error::Ok();
}

Error Parser::ReadFunnel(const toml::node& node, int64_t line) {
  const auto* t = node.as_table();
  if (!t) return Invalid(line, "funnel must be a table ([funnel]), not " + TypeName(node));
  out_->has_funnel = true;
  out_->funnel_line = line;
  bool has_stages = false;
  for (auto&& [k, v] : *t) {
    const int64_t l = Line(k, line);
    std::vector<std::string>* list = nullptr;
    if (k.str() == "stages") {
      list = &out_->funnel;
      has_stages = true;
    } else if (k.str() == "exits") {
      list = &out_->exits;
    } else {
      return Invalid(l, "unknown key \"" + std::string(k.str()) +
                            "\" in [funnel]; keys are stages and exits");
    }
    const auto* a = v.as_array();
    if (!a)
      return Invalid(l, "[funnel] " + std::string(k.str()) +
                            " must be an array of stage names, not " + TypeName(v));
    for (const toml::node& item : *a) {
      const auto* s = item.as_string();
      if (!s || s->get().empty())
        return Invalid(l, "[funnel] " + std::string(k.str()) +
                              " must hold non-empty stage names (strings)");
      list->push_back(s->get());
    }
  }
  if (!has_stages || out_->funnel.empty())
    return Invalid(line, "[funnel] needs stages = [\"first\", ..., \"last\"]");
  return Error::Ok();
}

Error Parser::ReadStageMap(const toml::node& node, int64_t line) {
  const auto* t = node.as_table();
  if (!t)
    return Invalid(line, "stage_map must be a table ([stage_map]), not " + TypeName(node));
  out_->stage_map_line = line;
  for (auto&& [k, v] : *t) {
    const auto* s = v.as_string();
    if (!s)
      return Invalid(Line(k, line),
                     "[stage_map] \"" + std::string(k.str()) +
                         "\" must map to a stage name or \"ignore\" (a string), not " +
                         TypeName(v));
    out_->stage_map.emplace_back(std::string(k.str()), s->get());
  }
  return Error::Ok();
}

Error Parser::ReadFieldValue(const std::string& context, const std::string& key,
                             const toml::node& value, int64_t line,
                             FieldMapping* f) const {
  f->key = key;
  if (const auto* s = value.as_string()) {
    if (s->get().empty())
      return Invalid(line, context + ": " + key + " names an empty column");
    f->column = s->get();
    return Error::Ok();
  }
  const auto* t = value.as_table();
  if (!t)
    return Invalid(line, context + ": " + key +
                             " must be a column name (a string) or { value = ... } "
                             "(a constant), not " + TypeName(value));
  bool has = false;
  for (auto&& [k, v] : *t) {
    if (k.str() == "value") {
      if (!ScalarText(v, &f->constant))
        return Invalid(line, context + ": " + key +
                                 ": { value = ... } must be a string, number, "
                                 "boolean or date, not " + TypeName(v));
      f->is_constant = true;
    } else if (k.str() == "column") {
      const auto* s = v.as_string();
      if (!s || s->get().empty())
        return Invalid(line, context + ": " + key +
                                 ": { column = ... } must name a column (a string)");
      f->column = s->get();
    } else {
      return Invalid(line, context + ": " + key + ": unknown key \"" +
                               std::string(k.str()) +
                               "\"; write { value = ... } for a constant or "
                               "{ column = \"...\" } for a column");
    }
    if (has)
      return Invalid(line, context + ": " + key +
                               ": give either value or column, not both");
    has = true;
  }
  if (!has)
    return Invalid(line, context + ": " + key +
                             " is an empty table; write { value = ... } for a "
                             "constant");
  return Error::Ok();
}

Error Parser::ReadWhere(const std::string& context, const toml::node& node,
                        int64_t line, std::vector<WhereClause>* out) const {
  const auto* t = node.as_table();
  if (!t)
    return Invalid(line, context + ": where must be a table such as "
                                   "{ column = \"value\" }, not " + TypeName(node));
  for (auto&& [k, v] : *t) {
    WhereClause w;
    w.column = std::string(k.str());
    std::string text;
    if (const auto* a = v.as_array()) {
      for (const toml::node& item : *a) {
        if (!ScalarText(item, &text))
          return Invalid(line, context + ": where " + w.column +
                                   ": the values must be strings or numbers");
        w.values.push_back(text);
      }
      if (w.values.empty())
        return Invalid(line, context + ": where " + w.column +
                                 " lists no values, so no row would be kept");
    } else if (ScalarText(v, &text)) {
      w.values.push_back(text);
    } else {
      return Invalid(line, context + ": where " + w.column +
                               " must be a value or an array of values, not " +
                               TypeName(v));
    }
    out->push_back(std::move(w));
  }
  return Error::Ok();
}

Error Parser::ReadEntry(const std::string& table, int index,
                        const toml::table& t, const Settings& top,
                        Entry* e) const {
  e->table = table;
  e->index = index;
  e->line = Line(t);
  const std::string context = "[[" + table + "]] #" + std::to_string(index);
  Settings s = top;
  std::string file;
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    const int64_t line = Line(k, e->line);
    if (key == "file") {
      const auto* str = v.as_string();
      if (!str || str->get().empty())
        return Invalid(line, context + ": file must be a path (a non-empty string)");
      file = str->get();
    } else if (OneOf(key, kSettings)) {
      BATON_CSV_RETURN_IF_ERROR(ReadSetting(key, v, line, context + ": ", &s));
    } else if (key == "where") {
      BATON_CSV_RETURN_IF_ERROR(ReadWhere(context, v, line, &e->where));
    } else if (key == "sheet") {
      const auto* str = v.as_string();
      if (!str || str->get().empty())
        return Invalid(line, context + ": sheet must be a sheet name (a non-empty string)");
      e->sheet = str->get();
    } else if (key == "header_row") {
      const auto* n = v.as_integer();
      if (!n || n->get() < 1 || n->get() > 1048576)
        return Invalid(line, context +
                                 ": header_row must be a row number from 1 to 1048576");
      e->header_row = n->get();
    } else if (key == "modified_at") {
      const auto* str = v.as_string();
      if (!str || str->get().empty())
        return Invalid(line, context + ": modified_at must be the name of the column "
                                       "holding each row's last modification time");
      e->modified_at = str->get();
    } else if (key == "separator") {
      const auto* str = v.as_string();
      if (table != "paths")
        return Invalid(line, context + ": separator is only for [[paths]]");
      if (!str || str->get().empty())
        return Invalid(line, context + ": separator must be a non-empty string");
      e->separator = str->get();
    } else if (key == "attributes") {
      if (table != "people")
        return Invalid(line, context + ": attributes are only for [[people]]");
      if (const auto* a = v.as_array()) {
        for (const toml::node& item : *a) {
          const auto* name = item.as_string();
          if (!name || name->get().empty())
            return Invalid(line, context +
                                     ": attributes = [...] must list column names "
                                     "(non-empty strings)");
          FieldMapping f;
          f.field = "attribute:" + name->get();
          f.key = "attributes";
          f.column = name->get();
          e->fields.push_back(std::move(f));
        }
      } else if (const auto* at = v.as_table()) {
        for (auto&& [ak, av] : *at) {
          FieldMapping f;
          BATON_CSV_RETURN_IF_ERROR(ReadFieldValue(
              context, "attributes." + std::string(ak.str()), av, line, &f));
          f.field = "attribute:" + std::string(ak.str());
          e->fields.push_back(std::move(f));
        }
      } else {
        return Invalid(line, context +
                                 ": attributes must be a list of columns or a "
                                 "table { name = \"column\" }, not " + TypeName(v));
      }
    } else {
      // A canonical field; the sink checks the name against the table's.
      FieldMapping f;
      BATON_CSV_RETURN_IF_ERROR(ReadFieldValue(context, key, v, line, &f));
      f.field = key;
      e->fields.push_back(std::move(f));
    }
  }
  if (file.empty())
    return Invalid(e->line, context + " has no file = \"...\" (the CSV file it reads)");
  e->file = file;
  e->path = Resolve(file);
  if (s.has_delimiter) e->csv.delimiter = s.delimiter;
  e->csv.encoding = s.encoding;
  e->on_error = s.on_error;
  e->rejects_path = s.rejects.empty()
                        ? (folder_ / (stem_ + ".rejects.csv")).string()
                        : Resolve(s.rejects);
  return Error::Ok();
}

Error Parser::Run(const toml::table& root) {
  // Settings first: tables iterate in key order, not file order, and the
  // top-level settings apply to every entry.
  Settings top;
  for (auto&& [k, v] : root) {
    if (OneOf(k.str(), kSettings))
      BATON_CSV_RETURN_IF_ERROR(ReadSetting(k.str(), v, Line(k, Line(v)), "", &top));
  }
  for (auto&& [k, v] : root) {
    const std::string key(k.str());
    const int64_t line = Line(k, Line(v));
    if (OneOf(key, kSettings) || OneOf(key, kForeignTables)) continue;
    if (key == "funnel") {
      BATON_CSV_RETURN_IF_ERROR(ReadFunnel(v, line));
    } else if (key == "stage_map") {
      BATON_CSV_RETURN_IF_ERROR(ReadStageMap(v, line));
    } else if (OneOf(key, kTables)) {
      const auto* a = v.as_array();
      if (!a)
        return Invalid(line, key + " must be an array of tables: write [[" + key +
                                 "]], not [" + key + "]");
      int index = 0;
      for (const toml::node& item : *a) {
        const auto* t = item.as_table();
        if (!t)
          return Invalid(Line(item) > 0 ? Line(item) : line,
                         key + " must be an array of tables: write [[" + key + "]]");
        Entry e;
        BATON_CSV_RETURN_IF_ERROR(ReadEntry(key, ++index, *t, top, &e));
        out_->entries.push_back(std::move(e));
      }
    } else {
      return Invalid(line, "unknown key \"" + key +
                               "\"; the mapping knows delimiter, encoding, "
                               "on_error, rejects, [funnel], [stage_map], "
                               "[[people]], [[touches]], [[stages]], [[deals]], "
                               "[[spend]], [[paths]] (and [scorecard], [report])");
    }
  }
  // Load in the order the author wrote the entries.
  std::stable_sort(out_->entries.begin(), out_->entries.end(),
                   [](const Entry& a, const Entry& b) { return a.line < b.line; });
  return Error::Ok();
}

Error ParseMappingText(std::string_view text, const std::string& path,
                       Mapping* out) {
  *out = Mapping();
  out->path = path;
  // Windows editors often save UTF-8 with a byte order mark.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  toml::parse_result result = toml::parse(text, path);
  if (!result) {
    const toml::parse_error& err = result.error();
    return Error::Make(BATON_PARSE_ERROR,
                       path + ":" + std::to_string(err.source().begin.line) + ":" +
                           std::to_string(err.source().begin.column) +
                           ": not valid TOML: " + std::string(err.description()));
  }
  Parser parser(path, out);
  return parser.Run(result.table());
}

Error ParseMapping(const std::string& path, Mapping* out) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st))
    return Error::Make(BATON_NOT_FOUND, "mapping file " + path + " not found");
  if (fs::is_directory(st))
    return Error::Make(BATON_IO_ERROR,
                       "mapping " + path + " is a folder; give the .toml file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Make(BATON_IO_ERROR, "cannot open mapping file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::Make(BATON_IO_ERROR, "cannot read mapping file " + path);
  return ParseMappingText(text.str(), path, out);
}

}  // namespace baton::csv
