#include "report/xlsx_report.h"

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/timestamp.h"
#include "report/sections.h"
#include "table/table.h"

namespace baton {
namespace {

constexpr double kMillisPerExcelDay = 86400000.0;
// Excel's serial day of 1970-01-01 (the 1900 date system).
constexpr double kExcelUnixEpoch = 25569.0;

double ExcelDate(int64_t millis) {
  return kExcelUnixEpoch + static_cast<double>(millis) / kMillisPerExcelDay;
}

bool StartsWith(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
bool Contains(std::string_view s, std::string_view p) {
  return s.find(p) != std::string_view::npos;
}

// How a column is shown, from its type and name (the analyses name their
// columns consistently: rate_*, *_rate, share, roi are fractions; *days* and
// *hours* durations; spend, revenue, amounts and costs money).
enum class Kind { kText, kCount, kMoney, kRate, kDuration, kNumber, kDate };

Kind KindOf(const Column& c) {
  switch (c.type) {
    case ColumnType::kString: return Kind::kText;
    case ColumnType::kInt64: return Kind::kCount;
    case ColumnType::kTimestamp: return Kind::kDate;
    case ColumnType::kFloat64: break;
  }
  std::string_view n = c.name;
  if (StartsWith(n, "rate") || EndsWith(n, "_rate") || StartsWith(n, "share") ||
      n == "roi" || n == "removal_effect" || n == "ratio")
    return Kind::kRate;
  if (Contains(n, "days") || Contains(n, "hours")) return Kind::kDuration;
  if (n == "spend" || n == "revenue" || n == "cac" || Contains(n, "amount") ||
      StartsWith(n, "cost"))
    return Kind::kMoney;
  return Kind::kNumber;
}

struct Formats {
  lxw_format* title = nullptr;
  lxw_format* header = nullptr;
  lxw_format* caption = nullptr;
  lxw_format* label = nullptr;
  lxw_format* link = nullptr;
  lxw_format* count = nullptr;
  lxw_format* money = nullptr;
  lxw_format* rate = nullptr;
  lxw_format* duration = nullptr;
  lxw_format* number = nullptr;
  lxw_format* date = nullptr;
  lxw_format* date_only = nullptr;

  lxw_format* Of(Kind k) const {
    switch (k) {
      case Kind::kText: return nullptr;
      case Kind::kCount: return count;
      case Kind::kMoney: return money;
      case Kind::kRate: return rate;
      case Kind::kDuration: return duration;
      case Kind::kNumber: return number;
      case Kind::kDate: return date;
    }
    return nullptr;
  }
};

Formats MakeFormats(lxw_workbook* wb) {
  Formats f;
  auto numeric = [&](const char* pattern) {
    lxw_format* x = workbook_add_format(wb);
    format_set_num_format(x, pattern);
    return x;
  };
  f.title = workbook_add_format(wb);
  format_set_bold(f.title);
  format_set_font_size(f.title, 16);
  f.header = workbook_add_format(wb);
  format_set_bold(f.header);
  format_set_bottom(f.header, LXW_BORDER_THIN);
  format_set_bg_color(f.header, 0xF4F6F9);
  f.caption = workbook_add_format(wb);
  format_set_bold(f.caption);
  format_set_font_size(f.caption, 12);
  f.label = workbook_add_format(wb);
  format_set_bold(f.label);
  f.link = workbook_add_format(wb);
  format_set_font_color(f.link, 0x2F5D8A);
  format_set_underline(f.link, LXW_UNDERLINE_SINGLE);
  f.count = numeric("#,##0");
  f.money = numeric("#,##0.00");
  f.rate = numeric("0.0%");
  f.duration = numeric("0.0");
  f.number = numeric("#,##0.00");
  f.date = numeric("yyyy-mm-dd hh:mm");
  f.date_only = numeric("yyyy-mm-dd");
  return f;
}

// Decimal digits of |v|'s integer part with thousands separators, plus a
// minus sign: the width of "#,##0" without formatting a string.
size_t IntegerWidth(double v) {
  double a = std::floor(std::abs(v));
  size_t digits = 1;
  while (a >= 10 && digits < 20) {
    a /= 10;
    ++digits;
  }
  return digits + (digits - 1) / 3 + (v < 0 ? 1 : 0);
}

// Characters a cell needs under its format.
size_t CellWidth(const Column& c, Kind k, size_t row) {
  switch (k) {
    case Kind::kText: return c.strings[row].size();
    case Kind::kCount: return IntegerWidth(static_cast<double>(c.ints[row]));
    case Kind::kDate: return 16;
    case Kind::kRate: return IntegerWidth(c.doubles[row] * 100) + 3;
    case Kind::kDuration: return IntegerWidth(c.doubles[row]) + 2;
    case Kind::kMoney:
    case Kind::kNumber: return IntegerWidth(c.doubles[row]) + 3;
  }
  return 8;
}

// Where a table landed on its sheet: the header row and the last data row
// (header_row when empty), zero-based.
struct Placed {
  lxw_row_t header_row = 0;
  lxw_row_t last_row = 0;
  lxw_col_t columns = 0;
};

// The sheet being written, with what failing cells need for their message.
struct SheetWriter {
  lxw_worksheet* ws;
  std::string name;
  const Formats& formats;
  std::vector<size_t> widths;  // characters, per column
  // Rows whose float cells are fractions whatever their column's name (the
  // scorecard's rate KPIs); empty for most tables.
  std::vector<uint8_t> fraction_rows;

  void Fit(lxw_col_t col, size_t chars) {
    if (widths.size() <= col) widths.resize(col + 1, 0);
    widths[col] = std::max(widths[col], chars);
  }

  Status Check(lxw_error err, lxw_row_t row, lxw_col_t col) const {
    if (err == LXW_NO_ERROR) return Status::OK();
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, row, col);
    return Status::InvalidArgument("sheet " + name + ", cell " + cell +
                                   ": cannot write the value: " + lxw_strerror(err));
  }

  Status Text(lxw_row_t row, lxw_col_t col, const std::string& text,
              lxw_format* format = nullptr) {
    Fit(col, text.size());
    return Check(worksheet_write_string(ws, row, col, text.c_str(), format), row, col);
  }

  // The table with its header at `row`; nulls stay empty cells.
  Result<Placed> WriteTable(const Table& t, lxw_row_t row) {
    const size_t rows = t.num_rows();
    if (rows + row + 1 > LXW_ROW_MAX)
      return Status::InvalidArgument(
          "sheet " + name + ": the table " + t.name() + " has " + std::to_string(rows) +
          " rows, more than a sheet holds (1,048,576); write it as CSV instead");
    if (t.num_columns() > LXW_COL_MAX)
      return Status::InvalidArgument("sheet " + name + ": the table " + t.name() +
                                     " has more columns than a sheet holds (16,384)");
    Placed p{row, static_cast<lxw_row_t>(row + rows),
             static_cast<lxw_col_t>(t.num_columns())};
    for (size_t c = 0; c < t.num_columns(); ++c) {
      const Column& col = t.column(c);
      const auto x = static_cast<lxw_col_t>(c);
      BATON_RETURN_IF_ERROR(Text(row, x, col.name, formats.header));
      const Kind kind = KindOf(col);
      lxw_format* format = formats.Of(kind);
      for (size_t r = 0; r < rows; ++r) {
        if (!col.valid[r]) continue;
        const auto y = static_cast<lxw_row_t>(row + 1 + r);
        lxw_error err = LXW_NO_ERROR;
        switch (col.type) {
          case ColumnType::kString:
            err = worksheet_write_string(ws, y, x, col.strings[r].c_str(), nullptr);
            break;
          case ColumnType::kInt64:
            err = worksheet_write_number(ws, y, x, static_cast<double>(col.ints[r]), format);
            break;
          case ColumnType::kTimestamp:
            err = worksheet_write_number(ws, y, x, ExcelDate(col.ints[r]), format);
            break;
          case ColumnType::kFloat64:
            if (!std::isfinite(col.doubles[r])) continue;  // no Excel value for inf
            if (r < fraction_rows.size() && fraction_rows[r] && kind == Kind::kNumber) {
              err = worksheet_write_number(ws, y, x, col.doubles[r], formats.rate);
              Fit(x, CellWidth(col, Kind::kRate, r));
            } else {
              err = worksheet_write_number(ws, y, x, col.doubles[r], format);
            }
            break;
        }
        BATON_RETURN_IF_ERROR(Check(err, y, x));
        Fit(x, CellWidth(col, kind, r));
      }
    }
    return p;
  }

  void ApplyWidths() {
    for (size_t c = 0; c < widths.size(); ++c) {
      // A little room for the autofilter button; longer text than 60
      // characters overflows (or is cut at the next filled cell).
      const double w = std::min<double>(60, static_cast<double>(widths[c]) + 3);
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w,
                           nullptr);
    }
  }
};

// ---- Charts --------------------------------------------------------------------

// A chart drawn from the main table: categories from one column, one series
// per value column.
struct ChartSpec {
  uint8_t type = LXW_CHART_COLUMN;  // LXW_CHART_COLUMN (vertical) or LXW_CHART_BAR
  std::string title;
  std::string category;             // column name
  std::vector<std::string> values;  // column names, one series each
  const char* axis_format = nullptr;
  bool legend = false;
  bool labels = false;
  bool invert_negative = false;
};

void InsertChart(lxw_workbook* wb, SheetWriter* sheet, const Table& t, const Placed& p,
                 const ChartSpec& spec) {
  const int cat = t.ColumnIndex(spec.category);
  if (cat < 0 || t.num_rows() == 0) return;
  std::vector<int> values;
  for (const std::string& v : spec.values)
    if (int c = t.ColumnIndex(v); c >= 0) values.push_back(c);
  if (values.empty()) return;
  lxw_chart* chart = workbook_add_chart(wb, spec.type);
  const char* sheet_name = sheet->name.c_str();
  for (int v : values) {
    lxw_chart_series* s = chart_add_series(chart, nullptr, nullptr);
    chart_series_set_categories(s, sheet_name, p.header_row + 1, static_cast<lxw_col_t>(cat),
                                p.last_row, static_cast<lxw_col_t>(cat));
    chart_series_set_values(s, sheet_name, p.header_row + 1, static_cast<lxw_col_t>(v),
                            p.last_row, static_cast<lxw_col_t>(v));
    chart_series_set_name_range(s, sheet_name, p.header_row, static_cast<lxw_col_t>(v));
    if (spec.labels) chart_series_set_labels(s);
    if (spec.invert_negative) chart_series_set_invert_if_negative(s);
  }
  chart_title_set_name(chart, spec.title.c_str());
  if (!spec.legend) chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
  else chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
  // In a bar chart the categories run up the y axis and the values along x.
  const bool horizontal = spec.type == LXW_CHART_BAR;
  lxw_chart_axis* value_axis = horizontal ? chart->x_axis : chart->y_axis;
  if (spec.axis_format) chart_axis_set_num_format(value_axis, spec.axis_format);
  if (horizontal) {
    // The first category at the top, as in the table, with the value axis
    // kept at the bottom.
    chart_axis_set_reverse(chart->y_axis);
    chart_axis_set_crossing_max(chart->y_axis);
  }
  // Taller for many categories so each bar keeps its label.
  const double rows = static_cast<double>(t.num_rows()) *
                      (spec.type == LXW_CHART_BAR ? static_cast<double>(values.size()) : 1);
  lxw_chart_options opt{};
  opt.x_scale = 1.5;
  opt.y_scale = std::clamp(rows / 12.0, 1.2, 4.0);
  worksheet_insert_chart_opt(sheet->ws, 1, static_cast<lxw_col_t>(p.columns + 1), chart,
                             &opt);
}

// The attribution table (model, key, conversions, ...) pivoted for the
// chart: one row per key in first-seen order, one column per model in
// first-seen order, credited conversions in the cells.
Table AttributionPivot(const Table& t, const std::string& by) {
  Table out("attribution_by_model");
  const int c_model = t.ColumnIndex("model"), c_key = t.ColumnIndex("key"),
            c_conv = t.ColumnIndex("conversions");
  if (c_model < 0 || c_key < 0 || c_conv < 0) return out;
  std::vector<std::string> models, keys;
  std::map<std::string, size_t> model_index, key_index;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    const std::string& m = t.column(c_model).strings[r];
    const std::string& k = t.column(c_key).strings[r];
    if (model_index.emplace(m, models.size()).second) models.push_back(m);
    if (key_index.emplace(k, keys.size()).second) keys.push_back(k);
  }
  std::vector<std::vector<double>> cells(models.size(),
                                         std::vector<double>(keys.size(), std::nan("")));
  for (size_t r = 0; r < t.num_rows(); ++r)
    if (!t.IsNull(c_conv, r))
      cells[model_index[t.column(c_model).strings[r]]][key_index[t.column(c_key).strings[r]]] =
          t.column(c_conv).doubles[r];
  out.AddColumn(by.empty() ? "key" : by, ColumnType::kString);
  for (const std::string& m : models) out.AddColumn(m, ColumnType::kFloat64);
  for (size_t k = 0; k < keys.size(); ++k) {
    out.AppendString(0, keys[k]);
    for (size_t m = 0; m < models.size(); ++m) out.AppendDoubleOrNull(m + 1, cells[m][k]);
  }
  return out;
}

// ---- Sheets --------------------------------------------------------------------

// The sheet name of a section: a short name for the known ones, else its
// title within Excel's rules (31 characters, none of []:*?/\).
std::string SheetName(const Section& section) {
  static const std::map<std::string, std::string> kNames = {
      {"scorecard", "Scorecard"}, {"funnel", "Funnel"}, {"handoff", "Hand-off"},
      {"attribution", "Attribution"}, {"spend", "Spend"}, {"deals", "Deals"},
      {"scoring", "Scores"}};
  if (auto it = kNames.find(section.id); it != kNames.end()) return it->second;
  const std::string& title = section.title;
  std::string out;
  for (char ch : title) {
    const bool forbidden = ch == '[' || ch == ']' || ch == ':' || ch == '*' || ch == '?' ||
                           ch == '/' || ch == '\\';
    out += forbidden ? '_' : ch;
  }
  if (out.size() > 31) out.resize(31);
  return out.empty() ? "Sheet" : out;
}

// Text of a section's HTML body (its explanation when it has no table).
std::string PlainText(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char ch = html[i];
    if (in_tag) {
      in_tag = ch != '>';
      continue;
    }
    if (ch == '<') {
      in_tag = true;
      continue;
    }
    if (ch == '&') {
      static const std::pair<const char*, const char*> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""},
          {"&#39;", "'"}, {"&ndash;", "-"}, {"&middot;", "-"}};
      bool done = false;
      for (const auto& [entity, text] : kEntities)
        if (html.substr(i, std::strlen(entity)) == entity) {
          out += text;
          i += std::strlen(entity) - 1;
          done = true;
          break;
        }
      if (done) continue;
    }
    out += ch == '\n' ? ' ' : ch;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Status WriteSectionSheet(lxw_workbook* wb, const Formats& formats, const Section& section,
                         const std::string& by_attribution) {
  SheetWriter sheet{nullptr, SheetName(section), formats, {}, {}};
  sheet.ws = workbook_add_worksheet(wb, sheet.name.c_str());
  if (!sheet.ws)
    return Status::Internal("cannot add the sheet " + sheet.name + " to the workbook");

  // The main table (the chart's data) at A1, the others below it.
  std::vector<const SectionTable*> tables;
  for (const SectionTable& t : section.tables) tables.push_back(&t);
  SectionTable pivot;
  ChartSpec chart;
  if (section.id == "funnel") {
    chart = {LXW_CHART_COLUMN, "People reaching each stage", "stage", {"reached"},
             "#,##0", false, true, false};
  } else if (section.id == "handoff") {
    chart = {LXW_CHART_COLUMN, "Hand-offs by time to the first sales touch", "bucket",
             {"handed_off"}, "#,##0", false, true, false};
  } else if (section.id == "attribution") {
    pivot = {"Credited conversions by model", AttributionPivot(tables[0]->table,
                                                               by_attribution)};
    tables.insert(tables.begin(), &pivot);
    std::vector<std::string> models;
    for (size_t c = 1; c < pivot.table.num_columns(); ++c)
      models.push_back(pivot.table.column(c).name);
    chart = {LXW_CHART_BAR, "Credited conversions by model", pivot.table.column(0).name,
             models, "#,##0.0", true, false, false};
  } else if (section.id == "spend") {
    chart = {LXW_CHART_BAR, "Return on spend", "key", {"roi"}, "0%", false, false, true};
  } else if (section.id == "scoring") {
    chart = {LXW_CHART_COLUMN, "Conversion by score decile (1 = highest scores)", "decile",
             {"rate"}, "0%", false, false, false};
  } else if (section.id == "deals") {
    chart = {LXW_CHART_COLUMN, "Deals: won, lost and open", "key", {"won", "lost", "open"},
             "#,##0", true, false, false};
  }

  lxw_row_t row = 0;
  for (size_t i = 0; i < tables.size(); ++i) {
    const Table& t = tables[i]->table;
    if (i > 0) {
      row += 2;
      BATON_RETURN_IF_ERROR(sheet.Check(
          worksheet_write_string(sheet.ws, row, 0, tables[i]->caption.c_str(),
                                 formats.caption),
          row, 0));
      ++row;
    }
    sheet.fraction_rows.clear();
    if (section.id == "scorecard") {
      // As the HTML tiles do: a KPI whose value and target both lie in
      // [-1, 1] is a rate, shown as a percentage.
      const int c_value = t.ColumnIndex("value"), c_target = t.ColumnIndex("target");
      for (size_t r = 0; c_value >= 0 && c_target >= 0 && r < t.num_rows(); ++r) {
        const Column& v = t.column(static_cast<size_t>(c_value));
        const Column& g = t.column(static_cast<size_t>(c_target));
        const bool fraction = v.valid[r] && g.valid[r] && std::abs(v.doubles[r]) <= 1 &&
                              std::abs(g.doubles[r]) <= 1;
        sheet.fraction_rows.push_back(fraction ? 1 : 0);
      }
    }
    BATON_ASSIGN_OR_RETURN(Placed p, sheet.WriteTable(t, row));
    if (i == 0) {
      worksheet_freeze_panes(sheet.ws, 1, 0);
      if (t.num_columns() > 0)
        worksheet_autofilter(sheet.ws, 0, 0, std::max<lxw_row_t>(p.last_row, 1),
                             static_cast<lxw_col_t>(p.columns - 1));
      if (!chart.category.empty()) InsertChart(wb, &sheet, t, p, chart);
    }
    row = p.last_row + 1;
  }
  sheet.ApplyWidths();
  return Status::OK();
}

std::string CountText(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Status WriteAboutSheet(lxw_workbook* wb, const Formats& formats, const std::string& title,
                       const ReportContext& ctx, const std::vector<const Section*>& shown,
                       const std::vector<const Section*>& missing) {
  SheetWriter sheet{workbook_add_worksheet(wb, "About"), "About", formats, {}, {}};
  if (!sheet.ws) return Status::Internal("cannot add the sheet About to the workbook");
  const Workspace& ws = ctx.ws;
  lxw_row_t row = 0;
  BATON_RETURN_IF_ERROR(sheet.Check(
      worksheet_write_string(sheet.ws, row, 0, title.c_str(), formats.title), row, 0));
  row += 2;

  std::string source;
  for (const LoadStat& l : ws.load_stats()) {
    if (!source.empty()) source += ", ";
    source += l.file.empty() ? l.connector : l.file;
  }
  if (source.empty()) source = "(rows added through the API)";
  BATON_RETURN_IF_ERROR(sheet.Text(row, 0, "Source", formats.label));
  BATON_RETURN_IF_ERROR(sheet.Text(row++, 1, source));

  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  BATON_RETURN_IF_ERROR(sheet.Text(row, 0, "Generated (UTC)", formats.label));
  BATON_RETURN_IF_ERROR(
      sheet.Check(worksheet_write_number(sheet.ws, row, 1, ExcelDate(now), formats.date), row, 1));
  sheet.Fit(1, 16);
  ++row;
  if (ws.min_time() != kNoTime) {
    BATON_RETURN_IF_ERROR(sheet.Text(row, 0, "Data from (UTC)", formats.label));
    BATON_RETURN_IF_ERROR(sheet.Check(
        worksheet_write_number(sheet.ws, row, 1, ExcelDate(ws.min_time()), formats.date_only),
        row, 1));
    ++row;
    BATON_RETURN_IF_ERROR(sheet.Text(row, 0, "Data to (UTC)", formats.label));
    BATON_RETURN_IF_ERROR(sheet.Check(
        worksheet_write_number(sheet.ws, row, 1, ExcelDate(ws.max_time()), formats.date_only),
        row, 1));
    ++row;
  }
  const std::pair<const char*, size_t> counts[] = {
      {"People", ws.num_people()},     {"Touches", ws.touches().size()},
      {"Stage entries", ws.stages().size()}, {"Deals", ws.deals().size()},
      {"Spend rows", ws.spend().size()}};
  for (const auto& [label, n] : counts) {
    BATON_RETURN_IF_ERROR(sheet.Text(row, 0, label, formats.label));
    BATON_RETURN_IF_ERROR(sheet.Check(
        worksheet_write_number(sheet.ws, row, 1, static_cast<double>(n), formats.count), row,
        1));
    sheet.Fit(1, CountText(n).size());
    ++row;
  }

  row += 1;
  BATON_RETURN_IF_ERROR(sheet.Text(row++, 0, "Sheets", formats.caption));
  for (const Section* s : shown) {
    const std::string name = SheetName(*s);
    // A link to the sheet; Excel wants the name quoted when it has a '-'.
    const std::string target = "internal:'" + name + "'!A1";
    BATON_RETURN_IF_ERROR(sheet.Check(
        worksheet_write_url_opt(sheet.ws, row, 0, target.c_str(), formats.link, name.c_str(),
                                nullptr),
        row, 0));
    sheet.Fit(0, name.size());
    std::string what;
    for (const SectionTable& t : s->tables)
      what += (what.empty() ? "" : "; ") + t.caption;
    BATON_RETURN_IF_ERROR(sheet.Text(row++, 1, what));
  }
  if (!missing.empty()) {
    row += 1;
    BATON_RETURN_IF_ERROR(sheet.Text(row++, 0, "Not in this workbook", formats.caption));
    for (const Section* s : missing) {
      BATON_RETURN_IF_ERROR(sheet.Text(row, 0, s->title, formats.label));
      BATON_RETURN_IF_ERROR(sheet.Text(row++, 1, PlainText(s->html)));
    }
  }
  if (!ws.notes().empty() || !ctx.warnings.empty()) {
    row += 1;
    BATON_RETURN_IF_ERROR(sheet.Text(row++, 0, "Notes", formats.caption));
    for (const std::string& n : ws.notes()) BATON_RETURN_IF_ERROR(sheet.Text(row++, 1, n));
    for (const std::string& w : ctx.warnings) BATON_RETURN_IF_ERROR(sheet.Text(row++, 1, w));
  }
  // Long sentences overflow into the empty cells to their right.
  sheet.ApplyWidths();
  return Status::OK();
}

Result<std::string> ReportTitle(const std::map<std::string, std::string>& options) {
  std::string title = "Baton alignment report";
  for (const auto& [key, value] : options) {
    if (key.rfind("report.", 0) != 0) continue;
    if (key != "report.title")
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the report options are report.title");
    title = value;
  }
  return title;
}

struct WorkbookDeleter {
  void operator()(lxw_workbook* wb) const { lxw_workbook_free(wb); }
};

std::string TemporaryName(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp-" + std::to_string(static_cast<long>(::getpid())) + "-" +
         std::to_string(counter.fetch_add(1));
}

}  // namespace

Status WriteXlsxReport(const Workspace& ws, const std::string& path,
                       const std::map<std::string, std::string>& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the report needs a frozen workspace: call Freeze() after loading");
  if (path.empty())
    return Status::InvalidArgument("the output path is empty; name a .xlsx file to write");
  BATON_ASSIGN_OR_RETURN(std::string title, ReportTitle(options));
  ReportContext ctx{ws, options, {}};
  BATON_ASSIGN_OR_RETURN(std::vector<Section> sections, BuildSections(&ctx));
  std::vector<const Section*> shown, missing;
  for (const Section& s : sections) (s.tables.empty() ? missing : shown).push_back(&s);
  std::string by_attribution = "channel";
  if (auto it = options.find("attribution.by"); it != options.end()) by_attribution = it->second;

  const std::string temp = TemporaryName(path);
  auto fail = [&](const std::string& what, bool remove) {
    if (remove) ::unlink(temp.c_str());
    return Status::IoError("cannot write " + path + ": " + what +
                           "; check that the folder exists and is writable");
  };
  // Claim the temporary name first: libxlsxwriter only opens its file at the
  // end, after all the work, and says less about why it could not.
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return fail("cannot create the temporary file " + temp + ": " + std::strerror(errno),
                false);
  ::close(fd);
  std::unique_ptr<lxw_workbook, WorkbookDeleter> wb(workbook_new(temp.c_str()));
  if (!wb) {
    ::unlink(temp.c_str());
    return Status::Internal("cannot allocate a workbook for " + path);
  }
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>(title.c_str());
  properties.comments = const_cast<char*>("Made by Baton");
  workbook_set_properties(wb.get(), &properties);
  const Formats formats = MakeFormats(wb.get());
  Status st = WriteAboutSheet(wb.get(), formats, title, ctx, shown, missing);
  for (size_t i = 0; st.ok() && i < shown.size(); ++i)
    st = WriteSectionSheet(wb.get(), formats, *shown[i], by_attribution);
  if (!st.ok()) {
    ::unlink(temp.c_str());
    return st;
  }

  // workbook_close writes the file and frees the workbook, whatever happens.
  const lxw_error err = workbook_close(wb.release());
  const int saved_errno = errno;
  if (err != LXW_NO_ERROR) {
    std::string what = std::string("libxlsxwriter: ") + lxw_strerror(err);
    if (err == LXW_ERROR_CREATING_XLSX_FILE || err == LXW_ERROR_CREATING_TMPFILE ||
        err == LXW_ERROR_ZIP_FILE_OPERATION)
      what += std::string(" (") + std::strerror(saved_errno) + ")";
    return fail(what, true);
  }
  // Durable before it is visible, as WriteFileAtomically does; file systems
  // without fsync say EINVAL.
  const int synced = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (synced < 0) return fail("reopening " + temp + ": " + std::strerror(errno), true);
  if (::fsync(synced) != 0 && errno != EINVAL && errno != EROFS) {
    const int sync_errno = errno;
    ::close(synced);
    return fail("syncing " + temp + ": " + std::strerror(sync_errno), true);
  }
  ::close(synced);
  if (::rename(temp.c_str(), path.c_str()) != 0)
    return fail("renaming " + temp + " into place: " + std::strerror(errno), true);
  return Status::OK();
}

}  // namespace baton
