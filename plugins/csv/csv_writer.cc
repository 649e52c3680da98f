#include "csv_writer.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#if defined(_WIN32)
#include <process.h>
#define BATON_CSV_GETPID _getpid
#else
#include <unistd.h>
#define BATON_CSV_GETPID getpid
#endif

namespace baton::csv {
namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;

// "dir/olist.rejects.csv", 2 -> "dir/olist.rejects.2.csv".
std::string NumberedPath(const std::string& path, int n) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::string ext = p.extension().string();
  fs::path stem = p.parent_path() / p.stem();
  return stem.string() + "." + std::to_string(n) + (ext.empty() ? ".csv" : ext);
}

}  // namespace

void AppendCsvField(std::string* out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

AtomicFile::~AtomicFile() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_path_.c_str());
  }
}

Error AtomicFile::Open(const std::string& path) {
  if (file_)
    return Error::Make(BATON_FAILED_PRECONDITION, path + ": the file is already open");
  path_ = path;
  temp_path_ = path + ".tmp." + std::to_string(BATON_CSV_GETPID());
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_)
    return Error::Make(BATON_IO_ERROR, "cannot write " + temp_path_ + ": " +
                                           std::strerror(errno));
  return Error::Ok();
}

Error AtomicFile::Write(std::string_view data) {
  if (!file_)
    return Error::Make(BATON_FAILED_PRECONDITION, path_ + ": the file is not open");
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size())
    return Error::Make(BATON_IO_ERROR, "cannot write " + temp_path_ + ": " +
                                           std::strerror(errno));
  return Error::Ok();
}

Error AtomicFile::Commit() {
  if (!file_)
    return Error::Make(BATON_FAILED_PRECONDITION, path_ + ": the file is not open");
  std::FILE* f = file_;
  file_ = nullptr;
  const bool write_failed = std::fflush(f) != 0 || std::ferror(f);
  const int err = errno;
  if (std::fclose(f) != 0 || write_failed) {
    std::remove(temp_path_.c_str());
    return Error::Make(BATON_IO_ERROR, "cannot write " + temp_path_ + ": " +
                                           std::strerror(write_failed ? err : errno));
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int rename_err = errno;
    std::remove(temp_path_.c_str());
    return Error::Make(BATON_IO_ERROR, "cannot rename " + temp_path_ + " to " +
                                           path_ + ": " + std::strerror(rename_err));
  }
  return Error::Ok();
}

Error RejectsLog::Open(const std::string& path,
                       const std::vector<std::string>& header, size_t* handle,
                       std::string* used_path) {
  int taken = 0;  // how many files of other headers already claim `path`
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i]->requested_path != path) continue;
    if (files_[i]->header == header) {
      *handle = i;
      *used_path = files_[i]->out.path();
      return Error::Ok();
    }
    ++taken;
  }
  auto f = std::make_unique<File>();
  f->requested_path = path;
  f->header = header;
  const std::string actual = taken == 0 ? path : NumberedPath(path, taken + 1);
  BATON_CSV_RETURN_IF_ERROR(f->out.Open(actual));
  for (size_t i = 0; i < header.size(); ++i) {
    if (i) f->buffer.push_back(',');
    AppendCsvField(&f->buffer, header[i]);
  }
  f->buffer += header.empty() ? "_file,_row,_error\n" : ",_file,_row,_error\n";
  *handle = files_.size();
  *used_path = actual;
  files_.push_back(std::move(f));
  return Error::Ok();
}

Error RejectsLog::Add(size_t handle, const std::string& file, int64_t row,
                      const std::vector<baton_str>& fields,
                      const std::string& error) {
  if (handle >= files_.size())
    return Error::Make(BATON_INTERNAL, "rejects: no file " + std::to_string(handle));
  File& f = *files_[handle];
  const size_t n = f.header.size();
  for (size_t i = 0; i < n; ++i) {
    if (i) f.buffer.push_back(',');
    if (i < fields.size())
      AppendCsvField(&f.buffer, std::string_view(fields[i].data, fields[i].size));
  }
  std::string message = error;
  if (fields.size() > n) {
    message += "; fields past the header's " + std::to_string(n) + ":";
    for (size_t i = n; i < fields.size(); ++i) {
      message += i == n ? " " : ", ";
      message.push_back('"');
      message.append(fields[i].data, fields[i].size);
      message.push_back('"');
    }
  }
  if (n) f.buffer.push_back(',');
  AppendCsvField(&f.buffer, file);
  f.buffer.push_back(',');
  f.buffer += std::to_string(row);
  f.buffer.push_back(',');
  AppendCsvField(&f.buffer, message);
  f.buffer.push_back('\n');
  if (f.buffer.size() >= kFlushBytes) return Flush(&f);
  return Error::Ok();
}

Error RejectsLog::Flush(File* f) {
  Error e = f->out.Write(f->buffer);
  f->buffer.clear();
  return e;
}

Error RejectsLog::Commit() {
  Error first;
  for (auto& f : files_) {
    if (!f->out.is_open()) continue;
    Error e = Flush(f.get());
    if (e.ok()) e = f->out.Commit();
    if (!e.ok() && first.ok()) first = e;
  }
  return first;
}

}  // namespace baton::csv
