#include "store/workspace_file.h"

#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <type_traits>

namespace baton {
namespace {

constexpr char kMagic[8] = {'B', 'A', 'T', 'O', 'N', 'W', 'S', '\0'};
constexpr size_t kHeaderBytes = 24;   // magic, version, count, table crc, 0
constexpr size_t kEntryBytes = 40;    // name[16], offset, size, crc, 0
constexpr size_t kNameBytes = 16;
constexpr uint32_t kMaxSections = 64;

// Sections every version-1 file has, in the order they are written.
constexpr const char* kSections[] = {"meta",   "person_ids", "labels", "stage_map",
                                     "people", "touches",    "stages", "deals",
                                     "spend",  "paths",      "sources"};

// Slicing-by-8 tables: t[0] is the byte-at-a-time table; t[k][b] is the
// CRC of byte b followed by k zero bytes, so eight bytes are folded per step
// (the checksum of a 200 MB file otherwise costs more than reading it).
using CrcTables = std::array<std::array<uint32_t, 256>, 8>;
CrcTables MakeCrcTables() {
  CrcTables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  return t;
}

// ---- Writing ----

class Writer {
 public:
  template <typename T>
  void Put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out_.append(b, sizeof(T));
  }
  template <typename T>
  void Array(const std::vector<T>& v) {
    Put<uint64_t>(v.size());
    if (!v.empty()) out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void Str(std::string_view s) {
    Put<uint32_t>(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  // A list of strings: count, every length, then the bytes of all.
  template <typename Get>
  void Strings(uint64_t n, Get get) {
    Put<uint64_t>(n);
    for (uint64_t i = 0; i < n; ++i) Put<uint32_t>(static_cast<uint32_t>(get(i).size()));
    for (uint64_t i = 0; i < n; ++i) out_.append(get(i));
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

void PutStrings(Writer* w, const Dictionary& d) {
  w->Strings(d.size(), [&](uint64_t i) { return d.Get(static_cast<uint32_t>(i)); });
}

// ---- Reading ----

// Reads one section's bytes; every read is bounds-checked and fails with a
// message naming the file, the section and what was being read.
class Reader {
 public:
  Reader(std::string_view data, const std::string& file, const std::string& section)
      : data_(data), file_(file), section_(section) {}

  Status Error(const std::string& what) const {
    return Status::ParseError(file_ + ": section \"" + section_ + "\": " + what +
                              "; the file is damaged: sync again from the source "
                              "(or restore a backup)");
  }

  template <typename T>
  Status Get(T* v, const char* what) {
    if (data_.size() - pos_ < sizeof(T))
      return Error(std::string("truncated while reading ") + what);
    std::memcpy(v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::OK();
  }

  template <typename T>
  Status Array(std::vector<T>* v, const char* what) {
    uint64_t n;
    BATON_RETURN_IF_ERROR(Get(&n, what));
    if (n > (data_.size() - pos_) / sizeof(T))
      return Error(std::string("column ") + what + " claims " + std::to_string(n) +
                   " values, more than the section holds");
    v->resize(n);
    if (n) std::memcpy(v->data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return Status::OK();
  }

  // An array that must have exactly `n` values.
  template <typename T>
  Status ArrayOf(std::vector<T>* v, uint64_t n, const char* what) {
    BATON_RETURN_IF_ERROR(Array(v, what));
    if (v->size() != n)
      return Error(std::string("column ") + what + " has " + std::to_string(v->size()) +
                   " values, expected " + std::to_string(n));
    return Status::OK();
  }

  Status Str(std::string* s, const char* what) {
    uint32_t n;
    BATON_RETURN_IF_ERROR(Get(&n, what));
    if (n > data_.size() - pos_) return Error(std::string("truncated string ") + what);
    s->assign(data_.data() + pos_, n);
    pos_ += n;
    return Status::OK();
  }

  // A list of strings as views into the section's bytes.
  Status Strings(std::vector<std::string_view>* out, const char* what) {
    uint64_t n;
    BATON_RETURN_IF_ERROR(Get(&n, what));
    if (n > (data_.size() - pos_) / 4)
      return Error(std::string("the list of ") + what + " claims " + std::to_string(n) +
                   " strings, more than the section holds");
    std::vector<uint32_t> lengths(n);
    if (n) std::memcpy(lengths.data(), data_.data() + pos_, n * 4);
    pos_ += n * 4;
    out->clear();
    out->reserve(n);
    for (uint32_t len : lengths) {
      if (len > data_.size() - pos_) return Error(std::string("truncated ") + what);
      out->emplace_back(data_.data() + pos_, len);
      pos_ += len;
    }
    return Status::OK();
  }

  Status Done() const {
    if (pos_ != data_.size())
      return Error(std::to_string(data_.size() - pos_) + " unexpected bytes at the end");
    return Status::OK();
  }

  // Every code must be < limit (or equal `allowed`, e.g. kNoPerson).
  template <typename T>
  Status Codes(const std::vector<T>& v, uint64_t limit, const char* what,
               uint64_t allowed = ~uint64_t{0}) const {
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i] >= limit && v[i] != allowed)
        return Error(std::string("column ") + what + " row " + std::to_string(i) +
                     ": code " + std::to_string(v[i]) + " is out of range (limit " +
                     std::to_string(limit) + ")");
    return Status::OK();
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  const std::string& file_;
  std::string section_;
};

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

bool WorkspaceEmpty(const Workspace& ws) {
  return ws.num_people() == 0 && ws.labels().size() <= 1 && ws.touches().size() == 0 &&
         ws.stages().size() == 0 && ws.deals().size() == 0 && ws.spend().size() == 0 &&
         ws.paths().size() == 0 && ws.people().attributes.empty();
}

Status ReadDictionary(Reader* r, Dictionary* d, const char* what) {
  std::vector<std::string_view> strings;
  BATON_RETURN_IF_ERROR(r->Strings(&strings, what));
  const uint32_t base = d->reserves_empty() ? 1 : 0;
  if (d->reserves_empty() && (strings.empty() || !strings[0].empty()))
    return r->Error(std::string("the first of the ") + what + " must be the empty string");
  if (strings.size() > 0xfffffff0u) return r->Error(std::string("too many ") + what);
  for (size_t i = base; i < strings.size(); ++i) {
    if (d->Intern(strings[i]) != i)
      return r->Error(std::string("the ") + what + " list \"" + std::string(strings[i]) +
                      "\" twice");
  }
  return Status::OK();
}

Status ReadPeople(Reader* r, Workspace* ws) {
  PeopleColumns& p = ws->mutable_people();
  const uint64_t n = ws->num_people();
  const uint64_t labels = ws->labels().size();
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.account, n, "account"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.created_at, n, "created_at"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.source, n, "source"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.owner, n, "owner"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.listed, n, "listed"));
  BATON_RETURN_IF_ERROR(r->Codes(p.account, labels, "account"));
  BATON_RETURN_IF_ERROR(r->Codes(p.source, labels, "source"));
  BATON_RETURN_IF_ERROR(r->Codes(p.owner, labels, "owner"));
  BATON_RETURN_IF_ERROR(r->Codes(p.listed, 2, "listed"));
  uint32_t num_attributes;
  BATON_RETURN_IF_ERROR(r->Get(&num_attributes, "the number of attributes"));
  p.attributes.clear();
  for (uint32_t a = 0; a < num_attributes; ++a) {
    uint32_t key;
    BATON_RETURN_IF_ERROR(r->Get(&key, "an attribute key"));
    if (key == 0 || key >= labels || p.attributes.count(key))
      return r->Error("attribute key code " + std::to_string(key) +
                      " is out of range or repeated");
    std::vector<uint32_t> values;
    BATON_RETURN_IF_ERROR(r->ArrayOf(&values, n, "attribute values"));
    BATON_RETURN_IF_ERROR(r->Codes(values, labels, "attribute values"));
    p.attributes.emplace(key, std::move(values));
  }
  return r->Done();
}

Status ReadTouches(Reader* r, Workspace* ws) {
  TouchColumns& t = ws->mutable_touches();
  const uint64_t labels = ws->labels().size();
  BATON_RETURN_IF_ERROR(r->Array(&t.person, "person"));
  const uint64_t n = t.person.size();
  BATON_RETURN_IF_ERROR(r->ArrayOf(&t.at, n, "at"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&t.channel, n, "channel"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&t.campaign, n, "campaign"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&t.side, n, "side"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&t.activity, n, "activity"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&t.cost, n, "cost"));
  BATON_RETURN_IF_ERROR(r->Codes(t.person, ws->num_people(), "person"));
  BATON_RETURN_IF_ERROR(r->Codes(t.channel, labels, "channel"));
  BATON_RETURN_IF_ERROR(r->Codes(t.campaign, labels, "campaign"));
  BATON_RETURN_IF_ERROR(r->Codes(t.side, 2, "side"));
  BATON_RETURN_IF_ERROR(r->Codes(t.activity, labels, "activity"));
  for (size_t i = 0; i < n; ++i)
    if (t.at[i] == kNoTime) return r->Error("touch row " + std::to_string(i) + " has no time");
  return r->Done();
}

Status ReadStages(Reader* r, Workspace* ws) {
  StageColumns& s = ws->mutable_stages();
  BATON_RETURN_IF_ERROR(r->Array(&s.person, "person"));
  const uint64_t n = s.person.size();
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.stage, n, "stage"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.at, n, "at"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.disposition, n, "disposition"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.reason, n, "reason"));
  BATON_RETURN_IF_ERROR(r->Codes(s.person, ws->num_people(), "person"));
  BATON_RETURN_IF_ERROR(r->Codes(s.stage, ws->stage_map().num_stages(), "stage"));
  BATON_RETURN_IF_ERROR(r->Codes(s.disposition, 4, "disposition"));
  BATON_RETURN_IF_ERROR(r->Codes(s.reason, ws->labels().size(), "reason"));
  for (size_t i = 0; i < n; ++i)
    if (s.at[i] == kNoTime) return r->Error("stage row " + std::to_string(i) + " has no time");
  return r->Done();
}

Status ReadDeals(Reader* r, Workspace* ws) {
  DealColumns& d = ws->mutable_deals();
  const uint64_t labels = ws->labels().size();
  BATON_RETURN_IF_ERROR(r->Array(&d.id, "id"));
  const uint64_t n = d.id.size();
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.account, n, "account"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.person, n, "person"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.created_at, n, "created_at"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.closed_at, n, "closed_at"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.amount, n, "amount"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.currency, n, "currency"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.stage, n, "stage"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.is_won, n, "is_won"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.is_closed, n, "is_closed"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.owner, n, "owner"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.source, n, "source"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&d.campaign, n, "campaign"));
  for (const auto& [col, name] :
       {std::pair{&d.id, "id"}, {&d.account, "account"}, {&d.currency, "currency"},
        {&d.stage, "stage"}, {&d.owner, "owner"}, {&d.source, "source"},
        {&d.campaign, "campaign"}})
    BATON_RETURN_IF_ERROR(r->Codes(*col, labels, name));
  BATON_RETURN_IF_ERROR(r->Codes(d.person, ws->num_people(), "person", kNoPerson));
  BATON_RETURN_IF_ERROR(r->Codes(d.is_won, 2, "is_won"));
  BATON_RETURN_IF_ERROR(r->Codes(d.is_closed, 2, "is_closed"));
  return r->Done();
}

Status ReadSpend(Reader* r, Workspace* ws) {
  SpendColumns& s = ws->mutable_spend();
  const uint64_t labels = ws->labels().size();
  BATON_RETURN_IF_ERROR(r->Array(&s.channel, "channel"));
  const uint64_t n = s.channel.size();
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.campaign, n, "campaign"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.period_start, n, "period_start"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.period_end, n, "period_end"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.amount, n, "amount"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&s.currency, n, "currency"));
  BATON_RETURN_IF_ERROR(r->Codes(s.channel, labels, "channel"));
  BATON_RETURN_IF_ERROR(r->Codes(s.campaign, labels, "campaign"));
  BATON_RETURN_IF_ERROR(r->Codes(s.currency, labels, "currency"));
  return r->Done();
}

Status ReadPaths(Reader* r, Workspace* ws) {
  PathColumns& p = ws->mutable_paths();
  BATON_RETURN_IF_ERROR(r->Array(&p.offsets, "offsets"));
  BATON_RETURN_IF_ERROR(r->Array(&p.channels, "channels"));
  if (p.offsets.empty() || p.offsets[0] != 0 || p.offsets.back() != p.channels.size())
    return r->Error("path offsets do not start at 0 and end at the number of channels");
  for (size_t i = 1; i < p.offsets.size(); ++i)
    if (p.offsets[i] < p.offsets[i - 1]) return r->Error("path offsets decrease");
  const uint64_t n = p.offsets.size() - 1;
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.conversions, n, "conversions"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.value, n, "value"));
  BATON_RETURN_IF_ERROR(r->ArrayOf(&p.nulls, n, "nulls"));
  BATON_RETURN_IF_ERROR(r->Codes(p.channels, ws->labels().size(), "channels"));
  return r->Done();
}

Status ReadSources(Reader* r, std::vector<SourceState>* sources) {
  uint32_t n;
  BATON_RETURN_IF_ERROR(r->Get(&n, "the number of sources"));
  std::vector<SourceState> out;
  for (uint32_t i = 0; i < n; ++i) {
    SourceState s;
    BATON_RETURN_IF_ERROR(r->Str(&s.source, "a source"));
    for (int64_t* v : {&s.high_water, &s.synced_at, &s.people, &s.touches, &s.stages,
                       &s.deals, &s.spend})
      BATON_RETURN_IF_ERROR(r->Get(v, "source state"));
    out.push_back(std::move(s));
  }
  BATON_RETURN_IF_ERROR(r->Done());
  if (sources) *sources = std::move(out);
  return Status::OK();
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  static const CrcTables kT = MakeCrcTables();
  uint32_t c = 0xffffffffu;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  if constexpr (std::endian::native == std::endian::little) {
    for (; n >= 8; n -= 8, p += 8) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + 4, 4);
      lo ^= c;
      c = kT[7][lo & 0xff] ^ kT[6][(lo >> 8) & 0xff] ^ kT[5][(lo >> 16) & 0xff] ^
          kT[4][lo >> 24] ^ kT[3][hi & 0xff] ^ kT[2][(hi >> 8) & 0xff] ^
          kT[1][(hi >> 16) & 0xff] ^ kT[0][hi >> 24];
    }
  }
  for (; n > 0; --n, ++p) c = kT[0][(c ^ *p) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

bool IsWorkspaceFile(const std::string& path) {
  if (path.size() > 6 && path.compare(path.size() - 6, 6, ".baton") == 0) return true;
  std::ifstream in(path, std::ios::binary);
  char head[8];
  return in && in.read(head, 8) && std::memcmp(head, kMagic, 8) == 0;
}

std::string EncodeWorkspace(const Workspace& ws, const std::vector<SourceState>& sources) {
  std::vector<std::string> bodies;
  {
    Writer w;
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    w.Put<int64_t>(now);
    w.Put<int64_t>(ws.min_time());
    w.Put<int64_t>(ws.max_time());
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    PutStrings(&w, ws.person_ids());
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    PutStrings(&w, ws.labels());
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const StageMap& m = ws.stage_map();
    w.Put<uint32_t>(static_cast<uint32_t>(m.num_funnel()));
    w.Strings(m.num_stages(), [&](uint64_t i) -> std::string_view {
      return m.Name(static_cast<int>(i));
    });
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const PeopleColumns& p = ws.people();
    w.Array(p.account);
    w.Array(p.created_at);
    w.Array(p.source);
    w.Array(p.owner);
    w.Array(p.listed);
    w.Put<uint32_t>(static_cast<uint32_t>(p.attributes.size()));
    for (const auto& [key, values] : p.attributes) {
      w.Put<uint32_t>(key);
      w.Array(values);
    }
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const TouchColumns& t = ws.touches();
    w.Array(t.person);
    w.Array(t.at);
    w.Array(t.channel);
    w.Array(t.campaign);
    w.Array(t.side);
    w.Array(t.activity);
    w.Array(t.cost);
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const StageColumns& s = ws.stages();
    w.Array(s.person);
    w.Array(s.stage);
    w.Array(s.at);
    w.Array(s.disposition);
    w.Array(s.reason);
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const DealColumns& d = ws.deals();
    w.Array(d.id);
    w.Array(d.account);
    w.Array(d.person);
    w.Array(d.created_at);
    w.Array(d.closed_at);
    w.Array(d.amount);
    w.Array(d.currency);
    w.Array(d.stage);
    w.Array(d.is_won);
    w.Array(d.is_closed);
    w.Array(d.owner);
    w.Array(d.source);
    w.Array(d.campaign);
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const SpendColumns& s = ws.spend();
    w.Array(s.channel);
    w.Array(s.campaign);
    w.Array(s.period_start);
    w.Array(s.period_end);
    w.Array(s.amount);
    w.Array(s.currency);
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    const PathColumns& p = ws.paths();
    w.Array(p.offsets);
    w.Array(p.channels);
    w.Array(p.conversions);
    w.Array(p.value);
    w.Array(p.nulls);
    bodies.push_back(std::move(w.bytes()));
  }
  {
    Writer w;
    w.Put<uint32_t>(static_cast<uint32_t>(sources.size()));
    for (const SourceState& s : sources) {
      w.Str(s.source);
      for (int64_t v : {s.high_water, s.synced_at, s.people, s.touches, s.stages, s.deals,
                        s.spend})
        w.Put<int64_t>(v);
    }
    bodies.push_back(std::move(w.bytes()));
  }

  const uint32_t n = static_cast<uint32_t>(bodies.size());
  Writer table;
  uint64_t offset = kHeaderBytes + uint64_t{n} * kEntryBytes;
  for (uint32_t i = 0; i < n; ++i) {
    char name[kNameBytes] = {};
    std::memcpy(name, kSections[i], std::strlen(kSections[i]));
    table.bytes().append(name, kNameBytes);
    table.Put<uint64_t>(offset);
    table.Put<uint64_t>(bodies[i].size());
    table.Put<uint32_t>(Crc32(bodies[i]));
    table.Put<uint32_t>(0);
    offset += bodies[i].size();
  }
  Writer out;
  out.bytes().append(kMagic, 8);
  out.Put<uint32_t>(kWorkspaceFileVersion);
  out.Put<uint32_t>(n);
  out.Put<uint32_t>(Crc32(table.bytes()));
  out.Put<uint32_t>(0);
  out.bytes() += table.bytes();
  for (const std::string& b : bodies) out.bytes() += b;
  return std::move(out.bytes());
}

Status SaveWorkspaceFile(const Workspace& ws, const std::vector<SourceState>& sources,
                         const std::string& path) {
  if constexpr (std::endian::native != std::endian::little)
    return Status::Unsupported("saved workspaces are little-endian; this machine is not");
  const std::string bytes = EncodeWorkspace(ws, sources);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f)
    return Status::IoError("cannot write " + tmp + ": " + std::strerror(errno) +
                           "; check that the folder exists and is writable");
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!written || !flushed || !closed) {
    std::remove(tmp.c_str());
    return Status::IoError("writing " + tmp + " failed (disk full?); " + path +
                           " is unchanged");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::IoError("cannot rename " + tmp + " to " + path + ": " + why);
  }
  return Status::OK();
}

Status ReadWorkspaceFile(const std::string& path, Workspace* ws,
                         std::vector<SourceState>* sources) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::NotFound("cannot open saved workspace " + path);
  const std::streamoff size = in.tellg();
  if (size < 0) return Status::IoError("cannot read the size of " + path);
  // One buffer of the file's size: the columns are copied out of it once.
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size))
    return Status::IoError("reading " + path + " failed after " +
                           std::to_string(in.gcount()) + " bytes");
  return ReadWorkspaceBytes(bytes, path, ws, sources);
}

Status ReadWorkspaceBytes(std::string_view bytes, const std::string& name, Workspace* ws,
                          std::vector<SourceState>* sources) {
  if constexpr (std::endian::native != std::endian::little)
    return Status::Unsupported("saved workspaces are little-endian; this machine is not");
  if (ws->frozen() || !WorkspaceEmpty(*ws))
    return Status::FailedPrecondition(
        "a saved workspace is read into an empty workspace only; read " + name +
        " first, then other sources");
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return Status::ParseError(name + " is not a saved Baton workspace (it does not start "
                                     "with \"BATONWS\"); write one with `baton sync`");
  const uint32_t version = Load<uint32_t>(bytes.data() + 8);
  const uint32_t n = Load<uint32_t>(bytes.data() + 12);
  const uint32_t table_crc = Load<uint32_t>(bytes.data() + 16);
  if (version > kWorkspaceFileVersion)
    return Status::Unsupported(name + " has format version " + std::to_string(version) +
                               "; this Baton reads up to version " +
                               std::to_string(kWorkspaceFileVersion) + ": upgrade Baton");
  if (version == 0 || Load<uint32_t>(bytes.data() + 20) != 0)
    return Status::ParseError(name + ": the file header is damaged (version 0 or a "
                                     "reserved field set)");
  if (n > kMaxSections || bytes.size() - kHeaderBytes < uint64_t{n} * kEntryBytes)
    return Status::ParseError(name + ": the section table is truncated or damaged (" +
                              std::to_string(n) + " sections in " +
                              std::to_string(bytes.size()) + " bytes)");
  const std::string_view table = bytes.substr(kHeaderBytes, uint64_t{n} * kEntryBytes);
  if (Crc32(table) != table_crc)
    return Status::ParseError(name + ": the section table fails its checksum; the file "
                                     "is damaged");
  std::map<std::string, std::string_view> sections;
  for (uint32_t i = 0; i < n; ++i) {
    const char* e = table.data() + uint64_t{i} * kEntryBytes;
    std::string section(e, strnlen(e, kNameBytes));
    const uint64_t offset = Load<uint64_t>(e + 16);
    const uint64_t size = Load<uint64_t>(e + 24);
    const uint32_t crc = Load<uint32_t>(e + 32);
    if (offset > bytes.size() || size > bytes.size() - offset)
      return Status::ParseError(name + ": section \"" + section + "\" lies past the end of "
                                "the file (" + std::to_string(bytes.size()) +
                                " bytes): the file is truncated");
    const std::string_view body = bytes.substr(offset, size);
    if (Crc32(body) != crc)
      return Status::ParseError(name + ": section \"" + section +
                                "\" fails its checksum; the file is damaged");
    sections[section] = body;
  }
  for (const char* s : kSections)
    if (!sections.count(s))
      return Status::ParseError(name + ": section \"" + s + "\" is missing");
  auto reader = [&](const char* s) { return Reader(sections[s], name, s); };

  int64_t min_time, max_time, saved_at;
  {
    Reader r = reader("meta");
    BATON_RETURN_IF_ERROR(r.Get(&saved_at, "saved_at"));
    BATON_RETURN_IF_ERROR(r.Get(&min_time, "min_time"));
    BATON_RETURN_IF_ERROR(r.Get(&max_time, "max_time"));
    BATON_RETURN_IF_ERROR(r.Done());
  }
  {
    Reader r = reader("stage_map");
    uint32_t num_funnel;
    std::vector<std::string_view> names;
    BATON_RETURN_IF_ERROR(r.Get(&num_funnel, "the funnel length"));
    BATON_RETURN_IF_ERROR(r.Strings(&names, "stage names"));
    BATON_RETURN_IF_ERROR(r.Done());
    if (num_funnel > names.size()) return r.Error("the funnel is longer than the stages");
    std::vector<std::string> funnel(names.begin(), names.begin() + num_funnel);
    std::vector<std::string> exits(names.begin() + num_funnel, names.end());
    Status s = ws->mutable_stage_map().SetStages(funnel, exits);
    if (!s.ok()) return r.Error(s.message());
  }
  {
    Reader r = reader("labels");
    BATON_RETURN_IF_ERROR(ReadDictionary(&r, &ws->mutable_labels(), "labels"));
    BATON_RETURN_IF_ERROR(r.Done());
  }
  {
    Reader r = reader("person_ids");
    BATON_RETURN_IF_ERROR(ReadDictionary(&r, &ws->mutable_person_ids(), "person ids"));
    BATON_RETURN_IF_ERROR(r.Done());
  }
  {
    Reader r = reader("people");
    BATON_RETURN_IF_ERROR(ReadPeople(&r, ws));
  }
  {
    Reader r = reader("touches");
    BATON_RETURN_IF_ERROR(ReadTouches(&r, ws));
  }
  {
    Reader r = reader("stages");
    BATON_RETURN_IF_ERROR(ReadStages(&r, ws));
  }
  {
    Reader r = reader("deals");
    BATON_RETURN_IF_ERROR(ReadDeals(&r, ws));
  }
  {
    Reader r = reader("spend");
    BATON_RETURN_IF_ERROR(ReadSpend(&r, ws));
  }
  {
    Reader r = reader("paths");
    BATON_RETURN_IF_ERROR(ReadPaths(&r, ws));
  }
  {
    Reader r = reader("sources");
    BATON_RETURN_IF_ERROR(ReadSources(&r, sources));
  }
  ws->NoteTimeRange(min_time, max_time);
  return Status::OK();
}

}  // namespace baton
