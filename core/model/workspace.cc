#include "model/workspace.h"

#include <sys/mman.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <numeric>
#include <system_error>
#include <thread>

#include "common/text.h"

namespace baton {
namespace {

template <typename T>
void Permute(std::vector<T>* v, const std::vector<uint32_t>& order) {
  std::vector<T> out(v->size());
  for (size_t i = 0; i < order.size(); ++i) out[i] = (*v)[order[i]];
  v->swap(out);
}

// Orders rows by (person, at, original position) with a counting sort on
// person followed by a sort of each person's rows by time; builds offsets.
std::vector<uint32_t> OrderByPersonTime(const std::vector<uint32_t>& person,
                                        const std::vector<int64_t>& at,
                                        uint32_t num_people,
                                        std::vector<uint32_t>* offsets) {
  offsets->assign(static_cast<size_t>(num_people) + 1, 0);
  for (uint32_t p : person) ++(*offsets)[p + 1];
  for (size_t i = 1; i < offsets->size(); ++i) (*offsets)[i] += (*offsets)[i - 1];
  std::vector<uint32_t> order(person.size());
  std::vector<uint32_t> fill(offsets->begin(), offsets->end() - 1);
  for (uint32_t i = 0; i < person.size(); ++i) order[fill[person[i]]++] = i;
  auto earlier = [&](uint32_t x, uint32_t y) { return at[x] < at[y]; };
  for (uint32_t p = 0; p < num_people; ++p) {
    auto b = order.begin() + (*offsets)[p], e = order.begin() + (*offsets)[p + 1];
    if (e - b < 2 || std::is_sorted(b, e, earlier)) continue;
    // A person has a handful of rows: an insertion sort (stable, as it moves
    // a row only past strictly later ones) spares stable_sort's buffer.
    if (e - b > 32) {
      std::stable_sort(b, e, earlier);
      continue;
    }
    for (auto i = b + 1; i != e; ++i) {
      const uint32_t x = *i;
      auto j = i;
      for (; j != b && earlier(x, *(j - 1)); --j) *j = *(j - 1);
      *j = x;
    }
  }
  return order;
}

// Grows a column to room for n rows. A column of millions of rows takes
// a page fault per 4 KiB as it fills, which costs about as much as parsing
// its values: the new buffer's whole 2 MiB pages are marked for huge pages
// before the old rows are copied in (so the copy faults them in as huge
// pages too). Only a hint: without huge pages the kernel uses small ones.
template <typename T>
void GrowColumn(std::vector<T>* v, size_t n) {
  if (v->capacity() >= n) return;
  std::vector<T> bigger;
  bigger.reserve(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  const uintptr_t begin = reinterpret_cast<uintptr_t>(bigger.data());
  const uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t last = (begin + n * sizeof(T)) & ~(kHugePage - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#endif
  bigger.insert(bigger.end(), v->begin(), v->end());
  v->swap(bigger);
}

// Freeze seals the person ids on a second thread from this many people.
constexpr uint32_t kParallelSealPeople = 65536;

// The next capacity of a table's columns: doubling, as std::vector would.
size_t NextCapacity(size_t capacity) { return std::max<size_t>(2 * capacity, 4096); }

// When rows are already ordered by (person, at) (exports grouped by person,
// in time order), fills the offsets OrderByPersonTime would and returns
// true, without building an order; else false (with *offsets unspecified).
// Branch-free per row, since the rows per person vary: walking backwards,
// each row stores its index as its person's offset (the first row's store
// comes last), and order violations are or-ed together and checked per block.
bool OffsetsIfOrdered(const std::vector<uint32_t>& person,
                      const std::vector<int64_t>& at, uint32_t num_people,
                      std::vector<uint32_t>* offsets) {
  constexpr uint32_t kUnset = 0xffffffffu;
  constexpr uint32_t kBlock = 1u << 16;
  const uint32_t n = static_cast<uint32_t>(person.size());
  offsets->assign(static_cast<size_t>(num_people) + 1, kUnset);
  uint32_t* off = offsets->data();
  const uint32_t* pe = person.data();
  const int64_t* t = at.data();
  off[num_people] = n;
  for (uint32_t end = n; end > 0;) {
    const uint32_t begin = end > kBlock ? end - kBlock : 0;
    bool disordered = false;
    for (uint32_t i = end; i-- > begin;) {
      off[pe[i]] = i;
      if (i > 0)
        disordered |= (pe[i] < pe[i - 1]) | ((pe[i] == pe[i - 1]) & (t[i] < t[i - 1]));
    }
    if (disordered) return false;
    end = begin;
  }
  // People without rows start where the next person does.
  for (uint32_t p = num_people; p-- > 0;)
    if (off[p] == kUnset) off[p] = off[p + 1];
  return true;
}

bool IsIdentity(const std::vector<uint32_t>& order) {
  for (uint32_t i = 0; i < order.size(); ++i)
    if (order[i] != i) return false;
  return true;
}

}  // namespace

bool ParseSide(std::string_view text, Side* out) {
  if (text == "sales") {  // the common spellings first, without case folding
    *out = Side::kSales;
    return true;
  }
  if (text.empty() || text == "marketing" || AsciiEqualsIgnoreCase(text, "marketing")) {
    *out = Side::kMarketing;
    return true;
  }
  if (AsciiEqualsIgnoreCase(text, "sales")) {
    *out = Side::kSales;
    return true;
  }
  return false;
}

bool ParseDisposition(std::string_view text, Disposition* out) {
  static const struct {
    const char* name;
    Disposition d;
  } kNames[] = {{"advanced", Disposition::kAdvanced},
                {"accepted", Disposition::kAccepted},
                {"rejected", Disposition::kRejected},
                {"recycled", Disposition::kRecycled}};
  if (text.empty()) {
    *out = Disposition::kAdvanced;
    return true;
  }
  for (const auto& n : kNames) {
    if (text == n.name) {
      *out = n.d;
      return true;
    }
  }
  for (const auto& n : kNames) {
    if (AsciiEqualsIgnoreCase(text, n.name)) {
      *out = n.d;
      return true;
    }
  }
  return false;
}

const char* SideName(Side s) {
  return s == Side::kSales ? "sales" : "marketing";
}

const char* DispositionName(Disposition d) {
  switch (d) {
    case Disposition::kAdvanced: return "advanced";
    case Disposition::kAccepted: return "accepted";
    case Disposition::kRejected: return "rejected";
    case Disposition::kRecycled: return "recycled";
  }
  return "advanced";
}

Workspace::Workspace() = default;

Status Workspace::CheckBuilding() const {
  if (frozen_)
    return Status::FailedPrecondition(
        "the workspace is frozen: rows can only be added before the first "
        "analysis");
  return Status::OK();
}

void Workspace::NoteTime(int64_t t) {
  if (t == kNoTime) return;
  if (min_time_ == kNoTime || t < min_time_) min_time_ = t;
  if (max_time_ == kNoTime || t > max_time_) max_time_ = t;
}

uint32_t Workspace::PersonIndex(std::string_view person_id) {
  // Exports usually list a person's rows together: the previous id is the
  // likeliest, and comparing with it avoids a random probe of a table with
  // millions of ids.
  // Tables also tend to list people in the same order, so the person indexed
  // after the previous one is the next likeliest.
  if (last_person_ != kNoPerson) {
    if (person_ids_.Equals(last_person_, person_id)) return last_person_;
    const uint32_t next = last_person_ + 1;
    if (next < person_ids_.size() && person_ids_.Equals(next, person_id)) {
      last_person_ = next;
      return next;
    }
  }
  uint32_t before = person_ids_.size();
  uint32_t p = person_ids_.Intern(person_id);
  last_person_ = p;
  if (p == before) {
    if (people_.account.size() == people_.account.capacity())
      GrowPeople(NextCapacity(people_.account.capacity()));
    people_.account.push_back(0);
    people_.created_at.push_back(kNoTime);
    people_.source.push_back(0);
    people_.owner.push_back(0);
    people_.listed.push_back(0);
    for (auto& [key, values] : people_.attributes) values.push_back(0);
  }
  return p;
}

void Workspace::Reserve(std::string_view table, size_t n) {
  if (table == "touches") {
    GrowTouches(touches_.size() + n);
  } else if (table == "stages") {
    GrowStages(stages_.size() + n);
  } else if (table == "people") {
    GrowPeople(people_.account.size() + n);
  }
}

void Workspace::GrowTouches(size_t n) {
  GrowColumn(&touches_.person, n);
  GrowColumn(&touches_.at, n);
  GrowColumn(&touches_.channel, n);
  GrowColumn(&touches_.campaign, n);
  GrowColumn(&touches_.side, n);
  GrowColumn(&touches_.activity, n);
  GrowColumn(&touches_.cost, n);
}

void Workspace::GrowPeople(size_t n) {
  GrowColumn(&people_.account, n);
  GrowColumn(&people_.created_at, n);
  GrowColumn(&people_.source, n);
  GrowColumn(&people_.owner, n);
  GrowColumn(&people_.listed, n);
  for (auto& [key, values] : people_.attributes) GrowColumn(&values, n);
}

void Workspace::GrowStages(size_t n) {
  GrowColumn(&stages_.person, n);
  GrowColumn(&stages_.stage, n);
  GrowColumn(&stages_.at, n);
  GrowColumn(&stages_.disposition, n);
  GrowColumn(&stages_.reason, n);
}

Status Workspace::AddPerson(const PersonRow& row) {
  uint32_t p;
  return AddPerson(row, &p);
}

Status Workspace::AddPerson(const PersonRow& row, uint32_t* person) {
  if (frozen_) return CheckBuilding();
  if (row.person_id.empty())
    return Status::InvalidArgument("person_id is empty");
  uint32_t p = PersonIndex(row.person_id);
  *person = p;
  people_.listed[p] = 1;
  if (!row.account_id.empty() && people_.account[p] == 0)
    people_.account[p] = labels_.Intern(row.account_id);
  if (!row.source.empty() && people_.source[p] == 0)
    people_.source[p] = source_cache_.Intern(&labels_, row.source);
  if (!row.owner.empty() && people_.owner[p] == 0)
    people_.owner[p] = owner_cache_.Intern(&labels_, row.owner);
  if (row.created_at != kNoTime && people_.created_at[p] == kNoTime) {
    people_.created_at[p] = row.created_at;
    NoteTime(row.created_at);
  }
  return Status::OK();
}

Status Workspace::SetAttribute(std::string_view person_id, std::string_view key,
                               std::string_view value) {
  if (frozen_) return CheckBuilding();
  if (person_id.empty()) return Status::InvalidArgument("person_id is empty");
  if (key.empty()) return Status::InvalidArgument("attribute name is empty");
  uint32_t p = PersonIndex(person_id);
  uint32_t k = labels_.Intern(key);
  auto it = people_.attributes.find(k);
  if (it == people_.attributes.end())
    it = people_.attributes.emplace(k, std::vector<uint32_t>(num_people(), 0)).first;
  if (!value.empty() && it->second[p] == 0) it->second[p] = labels_.Intern(value);
  return Status::OK();
}

Result<uint32_t> Workspace::AddAttributeKey(std::string_view key) {
  if (frozen_) return CheckBuilding();
  if (key.empty()) return Status::InvalidArgument("attribute name is empty");
  uint32_t k = labels_.Intern(key);
  if (people_.attributes.find(k) == people_.attributes.end())
    people_.attributes.emplace(k, std::vector<uint32_t>(num_people(), 0));
  return k;
}

Status Workspace::SetAttributeCode(uint32_t person, uint32_t key,
                                   std::string_view value) {
  if (frozen_) return CheckBuilding();
  if (person >= num_people())
    return Status::InvalidArgument("person index " + std::to_string(person) +
                                   " is out of range");
  if (key != last_attribute_key_) {
    auto it = people_.attributes.find(key);
    if (it == people_.attributes.end())
      return Status::InvalidArgument("attribute code " + std::to_string(key) +
                                     " was not added by AddAttributeKey");
    last_attribute_key_ = key;
    last_attribute_ = &it->second;  // map nodes never move
    last_attribute_cache_ = &attribute_caches_[key];
  }
  uint32_t& slot = (*last_attribute_)[person];
  if (!value.empty() && slot == 0) slot = last_attribute_cache_->Intern(&labels_, value);
  return Status::OK();
}

Status Workspace::AddTouch(const TouchRow& row) {
  if (frozen_) return CheckBuilding();
  if (row.person_id.empty()) return Status::InvalidArgument("person_id is empty");
  if (row.at == kNoTime) return Status::InvalidArgument("touch time is missing");
  if (touches_.person.size() == touches_.person.capacity())
    GrowTouches(NextCapacity(touches_.person.capacity()));
  touches_.person.push_back(PersonIndex(row.person_id));
  touches_.at.push_back(row.at);
  touches_.channel.push_back(channel_cache_.Intern(&labels_, row.channel));
  touches_.campaign.push_back(campaign_cache_.Intern(&labels_, row.campaign));
  touches_.side.push_back(static_cast<uint8_t>(row.side));
  touches_.activity.push_back(activity_cache_.Intern(&labels_, row.activity));
  touches_.cost.push_back(row.cost);
  NoteTime(row.at);
  return Status::OK();
}

Result<int> Workspace::MapStage(std::string_view value, bool* ignored) const {
  *ignored = false;
  int code = stage_map_.Lookup(value);
  if (code == StageMap::kIgnore) {
    *ignored = true;
    return code;
  }
  if (code == StageMap::kUnknown) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on
    // "literal" + std::string(...).
    std::string message(1, '"');
    message.append(value);
    message += "\" is not a known stage; stages are ";
    message += stage_map_.Describe();
    message += "; map it under [stage_map]";
    return Status::InvalidArgument(std::move(message));
  }
  return code;
}

Status Workspace::AddStage(const StageRow& row) {
  if (frozen_) return CheckBuilding();
  if (row.person_id.empty()) return Status::InvalidArgument("person_id is empty");
  if (row.at == kNoTime) return Status::InvalidArgument("stage time is missing");
  if (row.stage < 0 || row.stage >= stage_map_.num_stages())
    return Status::InvalidArgument("stage code out of range");
  if (stages_.person.size() == stages_.person.capacity())
    GrowStages(NextCapacity(stages_.person.capacity()));
  stages_.person.push_back(PersonIndex(row.person_id));
  stages_.stage.push_back(static_cast<uint8_t>(row.stage));
  stages_.at.push_back(row.at);
  stages_.disposition.push_back(static_cast<uint8_t>(row.disposition));
  stages_.reason.push_back(reason_cache_.Intern(&labels_, row.reason));
  NoteTime(row.at);
  return Status::OK();
}

Status Workspace::AddDeal(const DealRow& row) {
  if (frozen_) return CheckBuilding();
  if (row.deal_id.empty()) return Status::InvalidArgument("deal_id is empty");
  deals_.id.push_back(labels_.Intern(row.deal_id));
  deals_.account.push_back(labels_.Intern(row.account_id));
  deals_.person.push_back(row.person_id.empty() ? kNoPerson
                                                : PersonIndex(row.person_id));
  deals_.created_at.push_back(row.created_at);
  deals_.closed_at.push_back(row.closed_at);
  deals_.amount.push_back(row.amount);
  deals_.currency.push_back(labels_.Intern(row.currency));
  deals_.stage.push_back(labels_.Intern(row.stage));
  deals_.is_won.push_back(row.is_won ? 1 : 0);
  deals_.is_closed.push_back(row.is_closed || row.is_won ? 1 : 0);
  deals_.owner.push_back(labels_.Intern(row.owner));
  deals_.source.push_back(labels_.Intern(row.source));
  deals_.campaign.push_back(labels_.Intern(row.campaign));
  NoteTime(row.created_at);
  NoteTime(row.closed_at);
  return Status::OK();
}

Status Workspace::AddSpend(const SpendRow& row) {
  if (frozen_) return CheckBuilding();
  if (row.period_start != kNoTime && row.period_end != kNoTime &&
      row.period_end < row.period_start)
    return Status::InvalidArgument("spend period ends before it starts");
  spend_.channel.push_back(labels_.Intern(row.channel));
  spend_.campaign.push_back(labels_.Intern(row.campaign));
  spend_.period_start.push_back(row.period_start);
  spend_.period_end.push_back(row.period_end);
  spend_.amount.push_back(row.amount);
  spend_.currency.push_back(labels_.Intern(row.currency));
  return Status::OK();
}

Status Workspace::AddPath(const std::vector<std::string_view>& channels,
                          double conversions, double value, double nulls) {
  if (frozen_) return CheckBuilding();
  if (channels.empty()) return Status::InvalidArgument("the path is empty");
  for (double v : {conversions, value, nulls})
    if (!(v >= 0) || v > 1e300)
      return Status::InvalidArgument(
          "path counts must be finite and non-negative");
  for (std::string_view c : channels) {
    if (c.empty())
      return Status::InvalidArgument("the path has an empty channel");
    paths_.channels.push_back(labels_.Intern(c));
  }
  paths_.offsets.push_back(static_cast<uint32_t>(paths_.channels.size()));
  paths_.conversions.push_back(conversions);
  paths_.value.push_back(value);
  paths_.nulls.push_back(nulls);
  return Status::OK();
}

void Workspace::CountDefault(const std::string& field, const std::string& value,
                             int64_t n) {
  if (n > 0) default_counts_[field + " = " + value] += n;
}

uint32_t Workspace::AttributeKey(std::string_view key) const {
  uint32_t k = labels_.Find(key);
  if (k == Dictionary::kNotFound || people_.attributes.count(k) == 0)
    return Dictionary::kNotFound;
  return k;
}

Status Workspace::Freeze() {
  if (frozen_) return Status::OK();
  const uint32_t n = num_people();
  // Lookups after loading (analyses, bindings) then cost one probe each.
  // Sealing a million person ids is a pass of cache misses that shares no
  // data with ordering the rows below, so a large one runs on a second
  // thread meanwhile (joined on every way out, its error rethrown here).
  std::exception_ptr seal_error;
  std::thread sealer;
  if (n >= kParallelSealPeople) {
    try {
      sealer = std::thread([this, &seal_error] {
        try {
          person_ids_.Seal();
        } catch (...) {
          seal_error = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      // No thread to be had: sealed below on this one.
    }
  }
  struct Join {
    std::thread* t;
    ~Join() {
      if (t->joinable()) t->join();
    }
  } join{&sealer};
  if (!sealer.joinable()) person_ids_.Seal();
  labels_.Seal();

  // Order touches and stages by person, then time.
  // Exports sorted by person and time need no reordering.
  if (!OffsetsIfOrdered(touches_.person, touches_.at, n, &touch_offsets_)) {
    std::vector<uint32_t> order =
        OrderByPersonTime(touches_.person, touches_.at, n, &touch_offsets_);
    if (!IsIdentity(order)) {
      Permute(&touches_.person, order);
      Permute(&touches_.at, order);
      Permute(&touches_.channel, order);
      Permute(&touches_.campaign, order);
      Permute(&touches_.side, order);
      Permute(&touches_.activity, order);
      Permute(&touches_.cost, order);
    }
  }
  if (!OffsetsIfOrdered(stages_.person, stages_.at, n, &stage_offsets_)) {
    std::vector<uint32_t> order =
        OrderByPersonTime(stages_.person, stages_.at, n, &stage_offsets_);
    if (!IsIdentity(order)) {
      Permute(&stages_.person, order);
      Permute(&stages_.stage, order);
      Permute(&stages_.at, order);
      Permute(&stages_.disposition, order);
      Permute(&stages_.reason, order);
    }
  }

  // A person's created_at defaults to their first record.
  int64_t defaulted = 0;
  std::vector<int64_t> first(n, kNoTime);
  auto see = [&](uint32_t p, int64_t t) {
    if (p != kNoPerson && t != kNoTime && (first[p] == kNoTime || t < first[p]))
      first[p] = t;
  };
  // Touches and stages are now ordered by (person, at): a person's earliest
  // time is their first row's (kNoTime, the smallest value, sorts first and
  // is skipped).
  auto see_first = [&](const std::vector<int64_t>& at, const std::vector<uint32_t>& off) {
    for (uint32_t p = 0; p < n; ++p) {
      uint32_t i = off[p];
      while (i < off[p + 1] && at[i] == kNoTime) ++i;
      if (i < off[p + 1]) see(p, at[i]);
    }
  };
  see_first(touches_.at, touch_offsets_);
  see_first(stages_.at, stage_offsets_);
  for (size_t i = 0; i < deals_.size(); ++i) see(deals_.person[i], deals_.created_at[i]);
  for (uint32_t p = 0; p < n; ++p) {
    if (people_.created_at[p] == kNoTime && first[p] != kNoTime) {
      people_.created_at[p] = first[p];
      ++defaulted;
    }
  }
  CountDefault("people.created_at", "first record of the person", defaulted);
  int64_t unlisted = 0;
  for (uint8_t l : people_.listed) unlisted += l == 0;
  if (unlisted > 0 && unlisted < n)
    AddNote(std::to_string(unlisted) +
            " people appear in touches, stages or deals but not in people; "
            "they were added with empty source and owner");
  for (const auto& [what, count] : default_counts_)
    AddNote("default applied to " + std::to_string(count) + " rows: " + what);
  if (sealer.joinable()) sealer.join();
  if (seal_error) std::rethrow_exception(seal_error);
  frozen_ = true;
  return Status::OK();
}

size_t Workspace::MemoryBytes() const {
  size_t b = person_ids_.MemoryBytes() + labels_.MemoryBytes();
  b += people_.account.capacity() * 4 * 3 + people_.created_at.capacity() * 8 +
       people_.listed.capacity();
  for (const auto& [k, v] : people_.attributes) b += v.capacity() * 4;
  b += touches_.person.capacity() * (4 + 8 + 4 + 4 + 1 + 4 + 8);
  b += stages_.person.capacity() * (4 + 1 + 8 + 1 + 4);
  b += deals_.id.capacity() * (4 * 9 + 8 * 3 + 2);
  b += spend_.channel.capacity() * (4 * 3 + 8 * 3);
  b += (touch_offsets_.capacity() + stage_offsets_.capacity()) * 4;
  return b;
}

}  // namespace baton
