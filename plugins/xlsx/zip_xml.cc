#include "zip_xml.h"

#include <expat.h>
#include <zip.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "baton/connector.h"

namespace baton::xlsx {
namespace {

constexpr size_t kChunkBytes = size_t{64} << 10;
constexpr char kNamespaceSeparator = '|';

void OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
  static_cast<XmlHandler*>(self)->StartElement(name, attributes);
}
void OnEnd(void* self, const XML_Char* name) {
  static_cast<XmlHandler*>(self)->EndElement(name);
}
void OnText(void* self, const XML_Char* text, int len) {
  static_cast<XmlHandler*>(self)->Text(std::string_view(text, static_cast<size_t>(len)));
}

}  // namespace

std::string_view LocalName(std::string_view name) {
  const size_t bar = name.rfind(kNamespaceSeparator);
  return bar == std::string_view::npos ? name : name.substr(bar + 1);
}

std::string_view NamespaceOf(std::string_view name) {
  const size_t bar = name.rfind(kNamespaceSeparator);
  return bar == std::string_view::npos ? std::string_view() : name.substr(0, bar);
}

const char* Attribute(const char** attributes, std::string_view local,
                      std::string_view ns_hint) {
  for (size_t i = 0; attributes && attributes[i]; i += 2) {
    const std::string_view name = attributes[i];
    if (LocalName(name) != local) continue;
    if (!ns_hint.empty() && NamespaceOf(name).find(ns_hint) == std::string_view::npos)
      continue;
    return attributes[i + 1];
  }
  return nullptr;
}

ZipArchive::~ZipArchive() {
  if (zip_) zip_discard(zip_);
}

Error ZipArchive::Open(const std::string& path, const std::string& name) {
  name_ = name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Error::Make(BATON_NOT_FOUND, name + ": no such file (looked for " + path + ")");
  int code = 0;
  zip_ = zip_open(path.c_str(), ZIP_RDONLY, &code);
  if (!zip_) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string why = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Error::Make(BATON_PARSE_ERROR,
                       name + ": not a workbook: it cannot be read as a zip file (" + why +
                           "); .xlsx and .ods files are zip files, so this one is "
                           "truncated, damaged or of another kind");
  }
  return Error::Ok();
}

bool ZipArchive::Has(const std::string& part) const {
  return zip_ && zip_name_locate(zip_, part.c_str(), 0) >= 0;
}

uint64_t ZipArchive::Size(const std::string& part) const {
  zip_stat_t st;
  zip_stat_init(&st);
  if (!zip_ || zip_stat(zip_, part.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    return 0;
  return st.size;
}

XmlPartStream::~XmlPartStream() {
  if (parser_) XML_ParserFree(parser_);
  if (file_) zip_fclose(file_);
}

Error XmlPartStream::Open(const ZipArchive* archive, const std::string& part,
                          XmlHandler* handler) {
  archive_ = archive;
  part_ = part;
  handler_ = handler;
  if (!archive->Has(part))
    return Error::Make(BATON_NOT_FOUND, archive->name() + ": the part " + part +
                                            " is missing, so this is not a complete workbook");
  file_ = zip_fopen(archive->handle(), part.c_str(), 0);
  if (!file_)
    return Error::Make(BATON_PARSE_ERROR, archive->name() + ": " + part + " cannot be opened (" +
                                              zip_strerror(archive->handle()) + ")");
  size_ = archive->Size(part);
  parser_ = XML_ParserCreateNS(nullptr, kNamespaceSeparator);
  if (!parser_) return Error::Make(BATON_OUT_OF_MEMORY, "out of memory for an XML parser");
  XML_SetUserData(parser_, handler);
  XML_SetElementHandler(parser_, &OnStart, &OnEnd);
  XML_SetCharacterDataHandler(parser_, &OnText);
  buffer_.resize(kChunkBytes);
  return Error::Ok();
}

void XmlPartStream::Stop() {
  stopped_ = true;
  if (parser_) XML_StopParser(parser_, XML_FALSE);
}

Error XmlPartStream::Feed(bool* done) {
  *done = done_;
  if (done_) return Error::Ok();
  const zip_int64_t n = zip_fread(file_, buffer_.data(), buffer_.size());
  if (n < 0)
    return Error::Make(BATON_PARSE_ERROR,
                       archive_->name() + ": " + part_ + " cannot be read (" +
                           zip_file_strerror(file_) + "); the workbook is damaged");
  ++chunks_;
  consumed_ += static_cast<uint64_t>(n);
  const bool last = n == 0;
  if (XML_Parse(parser_, buffer_.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) ==
      XML_STATUS_ERROR) {
    if (stopped_) {
      done_ = *done = true;
      return Error::Ok();
    }
    return Error::Make(BATON_PARSE_ERROR,
                       archive_->name() + ": " + part_ + ": malformed XML at line " +
                           std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
                           std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": " +
                           XML_ErrorString(XML_GetErrorCode(parser_)) +
                           "; the workbook is damaged: open and save it again");
  }
  if (last || stopped_) done_ = *done = true;
  return Error::Ok();
}

Error XmlPartStream::ParseAll() {
  bool done = false;
  while (!done) BATON_CSV_RETURN_IF_ERROR(Feed(&done));
  return Error::Ok();
}

}  // namespace baton::xlsx
