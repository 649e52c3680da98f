// ZipArchive and XmlPartStream: the parts of a workbook (a zip file) read as
// XML in chunks, never whole.
//
// ZipArchive owns an open libzip archive, read-only. XmlPartStream reads one
// part (an entry) through expat with namespace processing: element and
// attribute names arrive as "URI|local" (or "local" without a namespace), so
// prefixes do not matter. Each Feed() inflates one chunk and parses it; the
// handler's callbacks run inside Feed().
//
// Errors name the workbook (as the caller gave it) and the part: a file that
// is not a zip or is truncated, a missing part, a failed inflate or CRC, and
// XML that is not well-formed (with expat's line and column).
//
// Ownership: an XmlPartStream borrows its archive, which must outlive it.
// Neither is thread-safe; use each from one thread.
#ifndef BATON_PLUGINS_XLSX_ZIP_XML_H_
#define BATON_PLUGINS_XLSX_ZIP_XML_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"

struct zip;
struct zip_file;
struct XML_ParserStruct;

namespace baton::xlsx {

using csv::Error;

class ZipArchive {
 public:
  ZipArchive() = default;
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Opens `path`; `name` names it in messages. Errors: BATON_NOT_FOUND (no
  // such file), BATON_PARSE_ERROR (not a zip file, or a damaged one).
  Error Open(const std::string& path, const std::string& name);

  bool Has(const std::string& part) const;
  // The uncompressed size of `part`; 0 when unknown.
  uint64_t Size(const std::string& part) const;
  const std::string& name() const { return name_; }
  struct zip* handle() const { return zip_; }

 private:
  struct zip* zip_ = nullptr;
  std::string name_;
};

// Receives the events of an XmlPartStream. Names are "URI|local" or "local";
// attributes are NULL-terminated name, value pairs as expat gives them.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void StartElement(std::string_view name, const char** attributes) = 0;
  virtual void EndElement(std::string_view name) = 0;
  virtual void Text(std::string_view text) = 0;
};

// The local part of "URI|local".
std::string_view LocalName(std::string_view name);
// The namespace URI of "URI|local"; empty without one.
std::string_view NamespaceOf(std::string_view name);
// The value of the attribute with this local name (and, when `ns_hint` is
// not empty, a namespace URI containing it); NULL when absent.
const char* Attribute(const char** attributes, std::string_view local,
                      std::string_view ns_hint = {});

class XmlPartStream {
 public:
  XmlPartStream() = default;
  ~XmlPartStream();
  XmlPartStream(const XmlPartStream&) = delete;
  XmlPartStream& operator=(const XmlPartStream&) = delete;

  // Opens `part` of `archive` for `handler`. Errors: BATON_NOT_FOUND (no
  // such part), BATON_PARSE_ERROR (cannot be opened), BATON_OUT_OF_MEMORY.
  Error Open(const ZipArchive* archive, const std::string& part, XmlHandler* handler);

  // Parses the next chunk; *done is true after the end of the part was
  // parsed. Errors: BATON_PARSE_ERROR (inflate, CRC, malformed XML).
  Error Feed(bool* done);
  // Parses the whole part.
  Error ParseAll();

  uint64_t size() const { return size_; }
  uint64_t consumed() const { return consumed_; }
  uint64_t chunks() const { return chunks_; }
  // Stops the parse at the end of the current callback (the handler found
  // what it needed); Feed() then reports done.
  void Stop();

 private:
  const ZipArchive* archive_ = nullptr;
  std::string part_;
  struct zip_file* file_ = nullptr;
  XML_ParserStruct* parser_ = nullptr;
  XmlHandler* handler_ = nullptr;
  std::vector<char> buffer_;
  uint64_t size_ = 0;
  uint64_t consumed_ = 0;
  uint64_t chunks_ = 0;
  bool done_ = false;
  bool stopped_ = false;
};

}  // namespace baton::xlsx

#endif  // BATON_PLUGINS_XLSX_ZIP_XML_H_
