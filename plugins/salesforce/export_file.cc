#include "export_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "csv_reader.h"

namespace baton::crm {
namespace {

namespace fs = std::filesystem;

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits RFC 4180 text into records. Row numbers follow the spreadsheet view:
// a record takes the number of the line it starts on counted in records, and
// a blank line takes a number but yields no record.
int SplitRecords(const std::string& text, ExportFile* out, std::string* error) {
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false;
  bool quoted_field = false;
  bool record_has_content = false;
  int64_t row = 1;
  int64_t quote_start_row = 0;
  bool header_done = false;
  auto end_field = [&]() {
    record.push_back(std::move(field));
    field.clear();
    quoted_field = false;
  };
  auto end_record = [&]() {
    if (record_has_content) {
      end_field();
      if (!header_done) {
        header_done = true;
        out->header = std::move(record);
      } else {
        out->rows.push_back(std::move(record));
        out->row_numbers.push_back(row);
      }
    }
    record.clear();
    field.clear();
    quoted_field = false;
    record_has_content = false;
    ++row;
  };
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < n && text[i + 1] == '"') {
          field.push_back('"');
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        continue;
      }
      field.push_back(c);
      ++i;
      continue;
    }
    if (c == '"' && field.empty() && !quoted_field) {
      in_quotes = true;
      quoted_field = true;
      record_has_content = true;
      quote_start_row = row;
      ++i;
      continue;
    }
    if (c == ',') {
      record_has_content = true;
      end_field();
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      end_record();
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      continue;
    }
    record_has_content = true;
    field.push_back(c);
    ++i;
  }
  if (in_quotes) {
    *error = out->name + ":" + std::to_string(quote_start_row) +
             ": a quoted value is not closed before the end of the file; "
             "the file is probably truncated";
    return BATON_PARSE_ERROR;
  }
  end_record();
  return BATON_OK;
}

}  // namespace

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int ExportFile::Column(std::string_view column) const {
  const std::string want = Lower(column);
  for (size_t i = 0; i < header.size(); ++i)
    if (Lower(TrimSpaces(header[i])) == want) return static_cast<int>(i);
  return -1;
}

const std::string& ExportFile::Cell(size_t row, int col) const {
  static const std::string kEmpty;
  if (col < 0 || row >= rows.size()) return kEmpty;
  const auto& r = rows[row];
  if (static_cast<size_t>(col) >= r.size()) return kEmpty;
  return r[static_cast<size_t>(col)];
}

int ReadExportFile(const std::string& path, const std::string& name,
                   const std::string& encoding, ExportFile* out,
                   std::string* error) {
  out->name = name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = name + ": cannot open " + path + "; check that it exists and is readable";
    return BATON_IO_ERROR;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    *error = name + ": reading " + path + " failed";
    return BATON_IO_ERROR;
  }
  return ParseExportText(buffer.str(), name, encoding, out, error);
}

int ParseExportText(std::string raw, const std::string& name,
                    const std::string& encoding, ExportFile* out,
                    std::string* error) {
  out->name = name;
  if (raw.size() >= 3 && raw.compare(0, 3, "\xEF\xBB\xBF") == 0) raw.erase(0, 3);

  const std::string enc = Lower(encoding);
  bool transcode = false;
  if (enc == "cp1252" || enc == "windows-1252") {
    transcode = true;
  } else if (enc == "utf-8" || enc == "utf8" || enc == "auto" || enc.empty()) {
    size_t bad = 0;
    if (!csv::IsValidUtf8(raw, &bad)) {
      if (enc == "auto" || enc.empty()) {
        transcode = true;
      } else {
        // Count lines up to the bad byte so the user can find it.
        int64_t line = 1 + std::count(raw.begin(), raw.begin() + static_cast<long>(bad), '\n');
        *error = name + ": line " + std::to_string(line) + " (byte " +
                 std::to_string(bad) +
                 "): not valid UTF-8; pass the option encoding=cp1252 (or "
                 "encoding=auto) if the export is in Windows-1252";
        return BATON_PARSE_ERROR;
      }
    }
  } else {
    *error = "option encoding=\"" + encoding +
             "\" is not supported; use auto, utf-8 or cp1252";
    return BATON_INVALID_ARGUMENT;
  }
  if (transcode) {
    std::string utf8(raw.size() * 3, '\0');
    int undefined = -1;
    size_t len = csv::Cp1252ToUtf8(raw, utf8.data(), &undefined);
    utf8.resize(len);
    raw.swap(utf8);
    out->encoding = "cp1252";
  } else {
    out->encoding = "utf-8";
  }
  return SplitRecords(raw, out, error);
}

int ListFolder(const std::string& folder, const std::string& connector,
               std::vector<std::pair<std::string, std::string>>* files,
               std::string* error) {
  std::error_code ec;
  if (folder.empty()) {
    *error = connector + ": no folder given; write " + connector + ":FOLDER";
    return BATON_INVALID_ARGUMENT;
  }
  if (!fs::exists(folder, ec)) {
    *error = connector + ": folder " + folder +
             " not found; give the folder that holds the export's CSV files";
    return BATON_NOT_FOUND;
  }
  if (!fs::is_directory(folder, ec)) {
    *error = connector + ": " + folder +
             " is not a folder; give the folder that holds the export's CSV files";
    return BATON_NOT_FOUND;
  }
  fs::directory_iterator it(folder, ec);
  if (ec) {
    *error = connector + ": cannot list folder " + folder + ": " + ec.message();
    return BATON_IO_ERROR;
  }
  for (const auto& entry : it) {
    if (!entry.is_regular_file(ec)) continue;
    files->emplace_back(Lower(entry.path().filename().string()),
                        entry.path().string());
  }
  std::sort(files->begin(), files->end());
  return BATON_OK;
}

int BatchWriter::Open(const char* table, const std::string& file,
                      const std::vector<baton_field_spec>& fields) {
  accepted_ = 0;
  skipped_ = 0;
  scratch_.resize(fields.size());
  int rc = sink_->open(sink_->self, table, file.c_str(), fields.data(),
                       fields.size(), &batch_);
  open_ = rc == BATON_OK;
  return rc;
}

int BatchWriter::Row(int64_t row_number, const std::vector<std::string>& values) {
  for (size_t i = 0; i < scratch_.size(); ++i) {
    static const std::string kEmpty;
    const std::string& v = i < values.size() ? values[i] : kEmpty;
    scratch_[i] = baton_str{v.data(), v.size()};
  }
  int rc = sink_->row(sink_->self, batch_, row_number, scratch_.data());
  if (rc == BATON_OK) ++accepted_;
  return rc;
}

int BatchWriter::Close() {
  if (!open_) return BATON_OK;
  open_ = false;
  return sink_->close(sink_->self, batch_, accepted_, 0, nullptr);
}

}  // namespace baton::crm
