// Writing CSV: field quoting, atomically replaced output files, and the
// rejects files of a load.
//
// Output is RFC 4180 with LF line ends (as Baton's own Table::ToCsv writes),
// UTF-8, a header row, and fields quoted only when they hold a comma, a
// quote, CR or LF (quotes doubled inside).
//
// Ownership and threads: each object owns its files and is used by one
// thread. Files are written under PATH.tmp.<pid> and renamed to PATH on
// Commit, so a reader never sees half a file and a failure leaves any older
// PATH untouched; an uncommitted temporary file is removed on destruction.
#ifndef BATON_PLUGINS_CSV_CSV_WRITER_H_
#define BATON_PLUGINS_CSV_CSV_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"
#include "error.h"

namespace baton::csv {

// Appends `value` to `out` as one CSV field.
void AppendCsvField(std::string* out, std::string_view value);

class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates PATH.tmp.<pid>. Errors: BATON_IO_ERROR naming the path and why.
  Error Open(const std::string& path);
  // Errors: BATON_IO_ERROR (disk full, ...), BATON_FAILED_PRECONDITION when
  // not open.
  Error Write(std::string_view data);
  // Flushes, closes and renames onto PATH. Errors: BATON_IO_ERROR.
  Error Commit();

  const std::string& path() const { return path_; }
  bool is_open() const { return file_ != nullptr; }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
};

// RejectsLog: the rows a load skipped (on_error = "skip"), each written with
// its fields as read (after unquoting and transcoding) plus the columns
// _file, _row and _error. The original columns come first, so that a fixed
// rejects file can be loaded again through the same mapping entry (the
// three extra columns are simply not mapped).
class RejectsLog {
 public:
  RejectsLog() = default;
  RejectsLog(const RejectsLog&) = delete;
  RejectsLog& operator=(const RejectsLog&) = delete;

  // Returns in *handle the file for rows of `header` bound for `path`. Rows
  // of different headers cannot share a CSV file, so when `path` already
  // receives rows of another header in this load, this one gets
  // STEM.2.csv (then .3, ...) beside it; *used_path says which.
  Error Open(const std::string& path, const std::vector<std::string>& header,
             size_t* handle, std::string* used_path);

  // Writes one rejected row. Fields beyond the header's count are named in
  // the _error text (so nothing read is dropped); missing ones are empty.
  Error Add(size_t handle, const std::string& file, int64_t row,
            const std::vector<baton_str>& fields, const std::string& error);

  // Renames every file into place. Called once at the end of a load,
  // whether it succeeded or failed, so that rows rejected before a failure
  // are not lost.
  Error Commit();

 private:
  struct File {
    std::string requested_path;
    std::vector<std::string> header;
    AtomicFile out;
    std::string buffer;
  };
  Error Flush(File* f);

  std::vector<std::unique_ptr<File>> files_;
};

}  // namespace baton::csv

#endif  // BATON_PLUGINS_CSV_CSV_WRITER_H_
