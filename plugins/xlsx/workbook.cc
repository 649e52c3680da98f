#include "workbook.h"

#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ascii.h"
#include "baton/connector.h"
#include "cell_text.h"
#include "zip_xml.h"

namespace baton::xlsx {
namespace {

// A cell's text beyond this is refused: Excel stops at 32,767 characters,
// so more means a damaged or hostile file, and memory stays bounded.
constexpr size_t kMaxCellBytes = size_t{16} << 20;

// Cells an .ods sheet may add by repeating rows and cells with content. A
// few hundred bytes of XML can ask for 2^20 rows of 2^14 cells; real sheets
// repeat identical rows a few times. Beyond this the sheet is refused.
constexpr int64_t kMaxRepeatedCells = int64_t{64} << 20;

// A positive count or index from an attribute; `fallback` when absent,
// malformed or below 1.
int64_t ParseCount(const char* text, int64_t fallback) {
  if (!text) return fallback;
  int64_t v = 0;
  const std::string_view s(text);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || v < 1) return fallback;
  return v;
}

void AppendCapped(std::string* out, std::string_view text, bool* overflow) {
  if (out->size() + text.size() > kMaxCellBytes) {
    *overflow = true;
    return;
  }
  out->append(text);
}

std::string ListSheets(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) s += ", ";
    s += "\"" + names[i] + "\"";
  }
  return s.empty() ? "none" : s;
}

// Picks `wanted` among `names`: exact, then ignoring case; empty: the first.
Error PickSheet(const std::string& workbook, const std::vector<std::string>& names,
                const std::string& wanted, size_t* index) {
  if (names.empty())
    return Error::Make(BATON_PARSE_ERROR, workbook + ": the workbook has no sheet");
  if (wanted.empty()) {
    *index = 0;
    return Error::Ok();
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == wanted) {
      *index = i;
      return Error::Ok();
    }
  for (size_t i = 0; i < names.size(); ++i)
    if (ascii::EqualsIgnoreCase(names[i], wanted)) {
      *index = i;
      return Error::Ok();
    }
  return Error::Make(BATON_NOT_FOUND, workbook + ": no sheet \"" + wanted +
                                          "\"; the sheets are " + ListSheets(names));
}

// Rows a sheet handler finished, handed out one by one; a row repeated
// (.ods) is stored once with its count.
class RowQueue {
 public:
  void Push(SheetRow&& row, int64_t repeat) { rows_.push_back({std::move(row), repeat}); }
  bool empty() const { return rows_.empty(); }
  void Pop(SheetRow* out) {
    Item& front = rows_.front();
    if (front.repeat == 1) {
      *out = std::move(front.row);
      rows_.pop_front();
      return;
    }
    *out = front.row;
    --front.repeat;
    ++front.row.row;
  }

 private:
  struct Item {
    SheetRow row;
    int64_t repeat;
  };
  std::deque<Item> rows_;
};

// ---- .xlsx ----

class WorkbookPartHandler : public XmlHandler {
 public:
  struct Sheet {
    std::string name;
    std::string relationship;
  };
  std::vector<Sheet> sheets;
  bool date1904 = false;

  void StartElement(std::string_view name, const char** attributes) override {
    const std::string_view local = LocalName(name);
    if (local == "workbookPr") {
      const char* v = Attribute(attributes, "date1904");
      date1904 = v && (std::string_view(v) == "1" || std::string_view(v) == "true");
    } else if (local == "sheet") {
      const char* n = Attribute(attributes, "name");
      const char* id = Attribute(attributes, "id", "relationships");
      sheets.push_back({n ? n : "", id ? id : ""});
    }
  }
  void EndElement(std::string_view) override {}
  void Text(std::string_view) override {}
};

class RelationshipsHandler : public XmlHandler {
 public:
  std::map<std::string, std::string> target_of_id;
  std::string shared_strings, styles;

  void StartElement(std::string_view name, const char** attributes) override {
    if (LocalName(name) != "Relationship") return;
    const char* id = Attribute(attributes, "Id");
    const char* target = Attribute(attributes, "Target");
    const char* type = Attribute(attributes, "Type");
    if (!id || !target) return;
    target_of_id[id] = target;
    const std::string_view t = type ? type : "";
    if (t.ends_with("/sharedStrings")) shared_strings = target;
    if (t.ends_with("/styles")) styles = target;
  }
  void EndElement(std::string_view) override {}
  void Text(std::string_view) override {}
};

class SharedStringsHandler : public XmlHandler {
 public:
  explicit SharedStringsHandler(std::vector<std::string>* out) : out_(out) {}
  bool overflow = false;

  void StartElement(std::string_view name, const char**) override {
    const std::string_view local = LocalName(name);
    if (local == "si") {
      current_.clear();
    } else if (local == "t") {
      in_t_ = true;
    } else if (local == "rPh") {
      ++phonetic_;  // reading aids for East Asian text, not the text
    }
  }
  void EndElement(std::string_view name) override {
    const std::string_view local = LocalName(name);
    if (local == "si") {
      DecodeEscapes(&current_);
      out_->push_back(std::move(current_));
      current_.clear();
    } else if (local == "t") {
      in_t_ = false;
    } else if (local == "rPh" && phonetic_ > 0) {
      --phonetic_;
    }
  }
  void Text(std::string_view text) override {
    if (in_t_ && phonetic_ == 0) AppendCapped(&current_, text, &overflow);
  }

 private:
  std::vector<std::string>* out_;
  std::string current_;
  bool in_t_ = false;
  int phonetic_ = 0;
};

class StylesHandler : public XmlHandler {
 public:
  std::map<int, std::string> codes;
  std::vector<int> xf_format;

  void StartElement(std::string_view name, const char** attributes) override {
    const std::string_view local = LocalName(name);
    if (local == "numFmt") {
      const char* id = Attribute(attributes, "numFmtId");
      const char* code = Attribute(attributes, "formatCode");
      if (id && code) codes[static_cast<int>(ParseCount(id, 0))] = code;
    } else if (local == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (local == "xf" && in_cell_xfs_) {
      const char* id = Attribute(attributes, "numFmtId");
      xf_format.push_back(id ? static_cast<int>(ParseCount(id, 0)) : 0);
    }
  }
  void EndElement(std::string_view name) override {
    if (LocalName(name) == "cellXfs") in_cell_xfs_ = false;
  }
  void Text(std::string_view) override {}

 private:
  bool in_cell_xfs_ = false;
};

struct XlsxShared {
  std::vector<std::string> strings;
  std::vector<bool> date_style;  // by cell style index (the s attribute)
  bool date1904 = false;
};

class XlsxSheetReader : public SheetReader, public XmlHandler {
 public:
  explicit XlsxSheetReader(const XlsxShared* shared) : shared_(shared) {}

  Error Open(const ZipArchive* archive, const std::string& part) {
    return stream_.Open(archive, part, this);
  }

  Error Next(SheetRow* row, bool* has_row) override {
    while (ready_.empty() && !done_) BATON_CSV_RETURN_IF_ERROR(stream_.Feed(&done_));
    *has_row = !ready_.empty();
    if (*has_row) ready_.Pop(row);
    return Error::Ok();
  }
  void LimitColumns(int64_t columns) override { limit_ = std::min(columns, kMaxColumns); }
  uint64_t size() const override { return stream_.size(); }
  uint64_t consumed() const override { return stream_.consumed(); }
  uint64_t chunks() const override { return stream_.chunks(); }

  void StartElement(std::string_view name, const char** attributes) override {
    const std::string_view local = LocalName(name);
    if (local == "sheetData") {
      in_data_ = true;
    } else if (!in_data_) {
      return;
    } else if (local == "row") {
      int64_t r = ParseCount(Attribute(attributes, "r"), row_number_ + 1);
      row_number_ = std::min(r, kMaxRows + 1);
      row_.Clear();
      next_column_ = 0;
    } else if (local == "c") {
      const char* ref = Attribute(attributes, "r");
      int64_t column = ref ? ColumnOfReference(ref, nullptr) : -1;
      column_ = column >= 0 ? column : next_column_;
      const char* t = Attribute(attributes, "t");
      type_ = t ? t : "n";
      style_ = ParseCount(Attribute(attributes, "s"), 0);
      value_.clear();
      inline_.clear();
      overflow_ = false;
    } else if (local == "v") {
      in_v_ = true;
    } else if (local == "is") {
      in_is_ = true;
    } else if (local == "t" && in_is_) {
      in_t_ = true;
    } else if (local == "rPh") {
      ++phonetic_;
    }
  }

  void EndElement(std::string_view name) override {
    const std::string_view local = LocalName(name);
    if (local == "sheetData") {
      in_data_ = false;
      stream_.Stop();  // the rest of the sheet holds no cells
    } else if (!in_data_) {
      return;
    } else if (local == "v") {
      in_v_ = false;
    } else if (local == "is") {
      in_is_ = false;
    } else if (local == "t") {
      in_t_ = false;
    } else if (local == "rPh") {
      if (phonetic_ > 0) --phonetic_;
    } else if (local == "c") {
      EndCell();
    } else if (local == "row") {
      if (row_number_ <= kMaxRows && (!row_.errors.empty() || HasText(row_))) {
        row_.row = row_number_;
        ready_.Push(std::move(row_), 1);
        row_ = SheetRow();
      }
    }
  }

  void Text(std::string_view text) override {
    if (in_v_) AppendCapped(&value_, text, &overflow_);
    else if (in_is_ && in_t_ && phonetic_ == 0) AppendCapped(&inline_, text, &overflow_);
  }

 private:
  static bool HasText(const SheetRow& r) {
    for (const std::string& c : r.cells)
      if (!c.empty()) return true;
    return false;
  }

  void EndCell() {
    next_column_ = column_ + 1;
    if (column_ >= limit_) return;
    std::string text;
    std::string error;
    if (overflow_) {
      error = "a text longer than 16 MB";
    } else if (type_ == "s") {
      int64_t index = -1;
      const auto r = std::from_chars(value_.data(), value_.data() + value_.size(), index);
      if (r.ec == std::errc() && index >= 0 &&
          static_cast<uint64_t>(index) < shared_->strings.size())
        text = shared_->strings[static_cast<size_t>(index)];
      else if (!value_.empty())
        error = "shared string " + value_ + ", which the workbook does not have";
    } else if (type_ == "inlineStr") {
      text = std::move(inline_);
      DecodeEscapes(&text);
    } else if (type_ == "str" || type_ == "d") {
      text = std::move(value_);
      DecodeEscapes(&text);
    } else if (type_ == "b") {
      text = value_ == "1" ? "true" : value_ == "0" ? "false" : value_;
    } else if (type_ == "e") {
      error = value_.empty() ? "#ERROR" : value_;
    } else if (!value_.empty()) {
      double v = 0;
      const bool is_date = style_ >= 0 &&
                           static_cast<uint64_t>(style_) < shared_->date_style.size() &&
                           shared_->date_style[static_cast<size_t>(style_)];
      if (!ParseNumber(value_, &v)) text = std::move(value_);
      else if (!is_date || !AppendSerialDate(v, shared_->date1904, &text))
        AppendNumber(v, &text);
    }
    if (!error.empty()) {
      row_.errors.emplace_back(column_, std::move(error));
      return;
    }
    if (text.empty()) return;
    if (row_.cells.size() <= static_cast<size_t>(column_))
      row_.cells.resize(static_cast<size_t>(column_) + 1);
    row_.cells[static_cast<size_t>(column_)] = std::move(text);
  }

  const XlsxShared* shared_;
  XmlPartStream stream_;
  RowQueue ready_;
  bool done_ = false;
  int64_t limit_ = kMaxColumns;

  bool in_data_ = false;
  int64_t row_number_ = 0;
  SheetRow row_;
  int64_t next_column_ = 0;
  int64_t column_ = 0;
  std::string type_;
  int64_t style_ = 0;
  std::string value_, inline_;
  bool overflow_ = false;
  bool in_v_ = false, in_is_ = false, in_t_ = false;
  int phonetic_ = 0;
};

// "worksheets/sheet1.xml" relative to xl/, or "/xl/worksheets/sheet1.xml".
std::string PartPath(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  std::string path = "xl/" + target;
  // "../x" climbs out of xl/.
  while (path.compare(0, 6, "xl/../") == 0) path = path.substr(6);
  return path;
}

class XlsxWorkbook : public Workbook {
 public:
  Error Load() {
    WorkbookPartHandler book;
    {
      XmlPartStream s;
      BATON_CSV_RETURN_IF_ERROR(s.Open(&archive_, "xl/workbook.xml", &book));
      BATON_CSV_RETURN_IF_ERROR(s.ParseAll());
    }
    shared_.date1904 = book.date1904;
    RelationshipsHandler rels;
    if (archive_.Has("xl/_rels/workbook.xml.rels")) {
      XmlPartStream s;
      BATON_CSV_RETURN_IF_ERROR(s.Open(&archive_, "xl/_rels/workbook.xml.rels", &rels));
      BATON_CSV_RETURN_IF_ERROR(s.ParseAll());
    }
    for (size_t i = 0; i < book.sheets.size(); ++i) {
      const auto it = rels.target_of_id.find(book.sheets[i].relationship);
      names_.push_back(book.sheets[i].name);
      // Without relationships, sheets are conventionally numbered in order.
      parts_.push_back(it != rels.target_of_id.end()
                           ? PartPath(it->second)
                           : "xl/worksheets/sheet" + std::to_string(i + 1) + ".xml");
    }
    const std::string strings_part =
        rels.shared_strings.empty() ? "xl/sharedStrings.xml" : PartPath(rels.shared_strings);
    if (archive_.Has(strings_part)) {
      SharedStringsHandler h(&shared_.strings);
      XmlPartStream s;
      BATON_CSV_RETURN_IF_ERROR(s.Open(&archive_, strings_part, &h));
      BATON_CSV_RETURN_IF_ERROR(s.ParseAll());
      if (h.overflow)
        return Error::Make(BATON_PARSE_ERROR,
                           name() + ": " + strings_part + " holds a text longer than 16 MB");
    }
    const std::string styles_part =
        rels.styles.empty() ? "xl/styles.xml" : PartPath(rels.styles);
    if (archive_.Has(styles_part)) {
      StylesHandler h;
      XmlPartStream s;
      BATON_CSV_RETURN_IF_ERROR(s.Open(&archive_, styles_part, &h));
      BATON_CSV_RETURN_IF_ERROR(s.ParseAll());
      for (int id : h.xf_format) {
        const auto code = h.codes.find(id);
        shared_.date_style.push_back(
            IsDateFormat(id, code == h.codes.end() ? std::string_view() : code->second));
      }
    }
    return Error::Ok();
  }

  Error SheetNames(std::vector<std::string>* out) override {
    *out = names_;
    return Error::Ok();
  }

  Error OpenSheet(const std::string& sheet, std::unique_ptr<SheetReader>* out,
                  std::string* actual_name) override {
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(PickSheet(name(), names_, sheet, &index));
    auto reader = std::make_unique<XlsxSheetReader>(&shared_);
    BATON_CSV_RETURN_IF_ERROR(reader->Open(&archive_, parts_[index]));
    *actual_name = names_[index];
    *out = std::move(reader);
    return Error::Ok();
  }

  ZipArchive* archive() { return &archive_; }

 private:
  XlsxShared shared_;
  std::vector<std::string> names_;
  std::vector<std::string> parts_;
};

// ---- .ods ----

bool IsTableNs(std::string_view name) {
  return NamespaceOf(name).find(":table:") != std::string_view::npos;
}
bool IsTextNs(std::string_view name) {
  return NamespaceOf(name).find(":text:") != std::string_view::npos;
}

class OdsNamesHandler : public XmlHandler {
 public:
  std::vector<std::string> names;
  void StartElement(std::string_view name, const char** attributes) override {
    if (LocalName(name) != "table" || !IsTableNs(name)) return;
    if (depth_++ == 0) {
      const char* n = Attribute(attributes, "name", ":table:");
      names.push_back(n ? n : "");
    }
  }
  void EndElement(std::string_view name) override {
    if (LocalName(name) == "table" && IsTableNs(name) && depth_ > 0) --depth_;
  }
  void Text(std::string_view) override {}

 private:
  int depth_ = 0;
};

class OdsSheetReader : public SheetReader, public XmlHandler {
 public:
  OdsSheetReader(size_t index, std::string name) : index_(index), name_(std::move(name)) {}

  Error Open(const ZipArchive* archive) {
    return stream_.Open(archive, "content.xml", this);
  }
  Error Next(SheetRow* row, bool* has_row) override {
    while (ready_.empty() && !done_) {
      BATON_CSV_RETURN_IF_ERROR(stream_.Feed(&done_));
      if (!too_many_.empty()) return Error::Make(BATON_PARSE_ERROR, too_many_);
    }
    *has_row = !ready_.empty();
    if (*has_row) ready_.Pop(row);
    return Error::Ok();
  }
  void LimitColumns(int64_t columns) override { limit_ = std::min(columns, kMaxColumns); }
  uint64_t size() const override { return stream_.size(); }
  uint64_t consumed() const override { return stream_.consumed(); }
  uint64_t chunks() const override { return stream_.chunks(); }

  // Counts cells made by repetition; false (and the parse stops) past the
  // budget.
  bool Repeat(int64_t copies) {
    repeated_ += copies;
    if (repeated_ <= kMaxRepeatedCells) return true;
    if (too_many_.empty()) {
      too_many_ = name_ + ": content.xml: the sheet repeats rows or cells with values "
                          "into more than " + std::to_string(kMaxRepeatedCells) +
                  " cells (at row " + std::to_string(row_number_) +
                  "); such a file is damaged or hostile";
      stream_.Stop();
    }
    return false;
  }

  void StartElement(std::string_view name, const char** attributes) override {
    if (!too_many_.empty()) return;
    const std::string_view local = LocalName(name);
    if (local == "table" && IsTableNs(name)) {
      if (depth_ == 0 && tables_seen_++ == index_) in_target_ = true;
      ++depth_;
      return;
    }
    if (!in_target_ || depth_ != 1) return;
    if (annotation_ > 0 || local == "annotation") {
      ++annotation_;  // comments on a cell hold text:p that is not the cell's
      return;
    }
    if (local == "table-row" && IsTableNs(name)) {
      row_repeat_ = ParseCount(Attribute(attributes, "number-rows-repeated", ":table:"), 1);
      row_.Clear();
      column_ = 0;
    } else if ((local == "table-cell" || local == "covered-table-cell") && IsTableNs(name)) {
      in_cell_ = true;
      cell_repeat_ =
          ParseCount(Attribute(attributes, "number-columns-repeated", ":table:"), 1);
      const char* ext_type = Attribute(attributes, "value-type", "calcext");
      is_error_ = ext_type && std::string_view(ext_type) == "error";
      const char* type = Attribute(attributes, "value-type", ":office:");
      type_ = type ? type : "";
      auto get = [&](std::string_view key) {
        const char* v = Attribute(attributes, key, ":office:");
        return std::string(v ? v : "");
      };
      if (type_ == "float" || type_ == "percentage" || type_ == "currency") {
        value_ = get("value");
      } else if (type_ == "date") {
        value_ = get("date-value");
      } else if (type_ == "boolean") {
        value_ = get("boolean-value");
      } else if (type_ == "string") {
        has_string_value_ = Attribute(attributes, "string-value", ":office:") != nullptr;
        value_ = get("string-value");
      } else {
        value_.clear();
      }
      text_.clear();
      paragraphs_ = 0;
      overflow_ = false;
    } else if (in_cell_ && IsTextNs(name)) {
      if (local == "p") {
        if (paragraphs_++ > 0) AppendCapped(&text_, "\n", &overflow_);
        ++in_p_;
      } else if (local == "s") {
        const int64_t n = std::min<int64_t>(
            ParseCount(Attribute(attributes, "c", ":text:"), 1), 1024);
        AppendCapped(&text_, std::string(static_cast<size_t>(n), ' '), &overflow_);
      } else if (local == "tab") {
        AppendCapped(&text_, "\t", &overflow_);
      } else if (local == "line-break") {
        AppendCapped(&text_, "\n", &overflow_);
      }
    }
  }

  void EndElement(std::string_view name) override {
    if (!too_many_.empty()) return;
    const std::string_view local = LocalName(name);
    if (local == "table" && IsTableNs(name)) {
      if (depth_ > 0) --depth_;
      if (in_target_ && depth_ == 0) {
        in_target_ = false;
        stream_.Stop();  // later sheets are not needed
      }
      return;
    }
    if (!in_target_ || depth_ != 1) return;
    if (annotation_ > 0) {
      --annotation_;
      return;
    }
    if ((local == "table-cell" || local == "covered-table-cell") && IsTableNs(name)) {
      EndCell();
      in_cell_ = false;
    } else if (local == "p" && IsTextNs(name)) {
      if (in_p_ > 0) --in_p_;
    } else if (local == "table-row" && IsTableNs(name)) {
      EndRow();
    }
  }

  void Text(std::string_view text) override {
    if (in_cell_ && in_p_ > 0 && annotation_ == 0) AppendCapped(&text_, text, &overflow_);
  }

 private:
  void EndCell() {
    const int64_t first = column_;
    column_ = std::min(column_ + cell_repeat_, kMaxColumns + 1);
    std::string text, error;
    if (overflow_) {
      error = "a text longer than 16 MB";
    } else if (is_error_) {
      error = text_.empty() ? "#ERROR" : text_;
    } else if (type_ == "float" || type_ == "percentage" || type_ == "currency") {
      double v = 0;
      if (ParseNumber(value_, &v)) AppendNumber(v, &text);
      else text = value_;
    } else if (type_ == "date" || type_ == "boolean") {
      text = value_;
    } else if (type_ == "string" && has_string_value_) {
      text = value_;
    } else {
      text = text_;
    }
    if (error.empty() && text.empty()) return;  // repeated empty cells cost nothing
    const int64_t end = std::min(column_, limit_);
    if (end - first > 1 && !Repeat(end - first - 1)) return;
    for (int64_t c = first; c < end; ++c) {
      if (!error.empty()) {
        row_.errors.emplace_back(c, error);
        continue;
      }
      if (row_.cells.size() <= static_cast<size_t>(c))
        row_.cells.resize(static_cast<size_t>(c) + 1);
      row_.cells[static_cast<size_t>(c)] = text;
    }
  }

  void EndRow() {
    const int64_t first = row_number_;
    row_number_ = std::min(row_number_ + row_repeat_, kMaxRows + 1);
    bool content = !row_.errors.empty();
    for (const std::string& c : row_.cells)
      if (!c.empty()) content = true;
    if (!content || first > kMaxRows) return;
    const int64_t cells = static_cast<int64_t>(row_.cells.size() + row_.errors.size());
    if (row_number_ - first > 1 && !Repeat((row_number_ - first - 1) * cells)) return;
    row_.row = first;
    ready_.Push(std::move(row_), row_number_ - first);
    row_ = SheetRow();
  }

  size_t index_;
  std::string name_;  // the workbook's, for messages
  std::string too_many_;
  int64_t repeated_ = 0;
  XmlPartStream stream_;
  RowQueue ready_;
  bool done_ = false;
  int64_t limit_ = kMaxColumns;

  int depth_ = 0;
  size_t tables_seen_ = 0;
  bool in_target_ = false;
  int annotation_ = 0;
  int64_t row_number_ = 1;
  int64_t row_repeat_ = 1;
  SheetRow row_;
  int64_t column_ = 0;
  bool in_cell_ = false;
  int64_t cell_repeat_ = 1;
  bool is_error_ = false;
  bool has_string_value_ = false;
  std::string type_, value_, text_;
  int paragraphs_ = 0;
  int in_p_ = 0;
  bool overflow_ = false;
};

class OdsWorkbook : public Workbook {
 public:
  Error Load() {
    if (!archive_.Has("content.xml"))
      return Error::Make(BATON_PARSE_ERROR,
                         name() + ": not a spreadsheet: the OpenDocument file has no content.xml");
    return Error::Ok();
  }

  Error SheetNames(std::vector<std::string>* out) override {
    if (!names_loaded_) {
      OdsNamesHandler h;
      XmlPartStream s;
      BATON_CSV_RETURN_IF_ERROR(s.Open(&archive_, "content.xml", &h));
      BATON_CSV_RETURN_IF_ERROR(s.ParseAll());
      names_ = std::move(h.names);
      names_loaded_ = true;
    }
    *out = names_;
    return Error::Ok();
  }

  Error OpenSheet(const std::string& sheet, std::unique_ptr<SheetReader>* out,
                  std::string* actual_name) override {
    std::vector<std::string> names;
    BATON_CSV_RETURN_IF_ERROR(SheetNames(&names));
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(PickSheet(name(), names, sheet, &index));
    auto reader = std::make_unique<OdsSheetReader>(index, name());
    BATON_CSV_RETURN_IF_ERROR(reader->Open(&archive_));
    *actual_name = names[index];
    *out = std::move(reader);
    return Error::Ok();
  }

  ZipArchive* archive() { return &archive_; }

 private:
  bool names_loaded_ = false;
  std::vector<std::string> names_;
};

}  // namespace

Error Workbook::Open(const std::string& path, const std::string& name,
                     std::unique_ptr<Workbook>* out) {
  ZipArchive probe;
  BATON_CSV_RETURN_IF_ERROR(probe.Open(path, name));
  if (probe.Has("xl/workbook.xml")) {
    auto book = std::make_unique<XlsxWorkbook>();
    BATON_CSV_RETURN_IF_ERROR(book->archive()->Open(path, name));
    BATON_CSV_RETURN_IF_ERROR(book->Load());
    *out = std::move(book);
    return Error::Ok();
  }
  if (probe.Has("content.xml") || probe.Has("mimetype")) {
    auto book = std::make_unique<OdsWorkbook>();
    BATON_CSV_RETURN_IF_ERROR(book->archive()->Open(path, name));
    BATON_CSV_RETURN_IF_ERROR(book->Load());
    *out = std::move(book);
    return Error::Ok();
  }
  return Error::Make(BATON_PARSE_ERROR,
                     name + ": not a workbook: the zip file has neither xl/workbook.xml "
                            "(.xlsx) nor content.xml (.ods)");
}

}  // namespace baton::xlsx
