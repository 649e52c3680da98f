// Workspace: the five canonical tables of the revenue event model.
//
// people   one row per lead or contact (person index = position)
// touches  one interaction of a person with marketing or sales
// stages   a person entering a lifecycle stage
// deals    an opportunity, possibly linked to a person
// spend    money spent on a channel or campaign over a period
//
// Strings are interned: person ids in `person_ids()` (code = person index),
// every other string (accounts, channels, campaigns, owners, sources,
// activities, reasons, currencies, attribute keys and values, deal ids and
// deal stages) in `labels()`, where code 0 is the empty string and means
// "missing". Times are int64 UTC milliseconds, kNoTime when missing.
//
// Life cycle: a workspace is filled by one thread through the Add* methods,
// then frozen. Freeze() applies the documented defaults, sorts touches and
// stages by (person, time) and builds per-person offsets. After Freeze() the
// workspace is read-only and any number of threads may read it at once;
// Add* then fails with FailedPrecondition.
#ifndef BATON_MODEL_WORKSPACE_H_
#define BATON_MODEL_WORKSPACE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/dictionary.h"
#include "model/stage_map.h"
#include "model/timestamp.h"

namespace baton {

enum class Side : uint8_t { kMarketing = 0, kSales = 1 };
enum class Disposition : uint8_t {
  kAdvanced = 0,
  kAccepted = 1,
  kRejected = 2,
  kRecycled = 3,
};

inline constexpr uint32_t kNoPerson = 0xffffffffu;

// Parses "marketing"/"sales" (case-insensitive; "" gives marketing).
bool ParseSide(std::string_view text, Side* out);
// Parses advanced/accepted/rejected/recycled (case-insensitive; "" gives
// advanced).
bool ParseDisposition(std::string_view text, Disposition* out);
const char* SideName(Side s);
const char* DispositionName(Disposition d);

// Input rows. String fields may be empty (missing); views need only live for
// the duration of the call.
struct PersonRow {
  std::string_view person_id;
  std::string_view account_id;
  int64_t created_at = kNoTime;
  std::string_view source;
  std::string_view owner;
};

struct TouchRow {
  std::string_view person_id;
  int64_t at = kNoTime;
  std::string_view channel;
  std::string_view campaign;
  Side side = Side::kMarketing;
  std::string_view activity;
  double cost = 0;
};

struct StageRow {
  std::string_view person_id;
  int stage = StageMap::kUnknown;  // a code of the workspace's stage map
  int64_t at = kNoTime;
  Disposition disposition = Disposition::kAdvanced;
  std::string_view reason;
};

struct DealRow {
  std::string_view deal_id;
  std::string_view account_id;
  std::string_view person_id;  // may be empty
  int64_t created_at = kNoTime;
  int64_t closed_at = kNoTime;
  double amount = 0;
  std::string_view currency;
  std::string_view stage;  // the source's own stage name, kept as a label
  bool is_won = false;
  bool is_closed = false;
  std::string_view owner;
  std::string_view source;
  std::string_view campaign;
};

struct SpendRow {
  std::string_view channel;
  std::string_view campaign;
  int64_t period_start = kNoTime;
  int64_t period_end = kNoTime;
  double amount = 0;
  std::string_view currency;
};

struct PeopleColumns {
  std::vector<uint32_t> account;
  std::vector<int64_t> created_at;
  std::vector<uint32_t> source;
  std::vector<uint32_t> owner;
  // 1 when the person had a row of their own in the people table; 0 when
  // they were created because another table named them.
  std::vector<uint8_t> listed;
  // Attribute key (label code) -> per-person value codes (0 = missing).
  std::map<uint32_t, std::vector<uint32_t>> attributes;
};

struct TouchColumns {
  std::vector<uint32_t> person;
  std::vector<int64_t> at;
  std::vector<uint32_t> channel;
  std::vector<uint32_t> campaign;
  std::vector<uint8_t> side;
  std::vector<uint32_t> activity;
  std::vector<double> cost;
  size_t size() const { return person.size(); }
};

struct StageColumns {
  std::vector<uint32_t> person;
  std::vector<uint8_t> stage;
  std::vector<int64_t> at;
  std::vector<uint8_t> disposition;
  std::vector<uint32_t> reason;
  size_t size() const { return person.size(); }
};

struct DealColumns {
  std::vector<uint32_t> id;
  std::vector<uint32_t> account;
  std::vector<uint32_t> person;  // kNoPerson when not linked
  std::vector<int64_t> created_at;
  std::vector<int64_t> closed_at;
  std::vector<double> amount;
  std::vector<uint32_t> currency;
  std::vector<uint32_t> stage;
  std::vector<uint8_t> is_won;
  std::vector<uint8_t> is_closed;
  std::vector<uint32_t> owner;
  std::vector<uint32_t> source;
  std::vector<uint32_t> campaign;
  size_t size() const { return id.size(); }
};

struct SpendColumns {
  std::vector<uint32_t> channel;
  std::vector<uint32_t> campaign;
  std::vector<int64_t> period_start;
  std::vector<int64_t> period_end;
  std::vector<double> amount;
  std::vector<uint32_t> currency;
  size_t size() const { return channel.size(); }
};

// Aggregated journeys (the paths table): path i visits channels
// channels[offsets[i] .. offsets[i+1]) and ended in `conversions` conversions
// worth `value` and in `nulls` non-conversions.
struct PathColumns {
  std::vector<uint32_t> offsets{0};
  std::vector<uint32_t> channels;
  std::vector<double> conversions;
  std::vector<double> value;
  std::vector<double> nulls;
  size_t size() const { return conversions.size(); }
};

// Counts of one input read by a connector: rows read = accepted + rejected.
struct LoadStat {
  std::string connector;
  std::string table;  // canonical table fed
  std::string file;
  int64_t rows_read = 0;
  int64_t rows_accepted = 0;
  int64_t rows_rejected = 0;
  std::string rejects_file;  // where rejected rows were written, if any
};

class Workspace {
 public:
  Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // ---- Building (one thread, before Freeze) ----
  // Adding a person twice merges: fields given later fill fields missing
  // before; a conflicting non-empty value keeps the first.
  Status AddPerson(const PersonRow& row);
  Status SetAttribute(std::string_view person_id, std::string_view key,
                      std::string_view value);
  // The same as AddPerson(row), also giving the person's index, so that a
  // loader can set the row's attributes without looking the id up again.
  Status AddPerson(const PersonRow& row, uint32_t* person);
  // The label code of attribute `key`, adding the attribute (missing for
  // every person) when new, as the first SetAttribute of a key does.
  // InvalidArgument for an empty key; FailedPrecondition once frozen.
  Result<uint32_t> AddAttributeKey(std::string_view key);
  // SetAttribute for a person index (< num_people()) and a key code from
  // AddAttributeKey: loaders resolve the key once per batch instead of once
  // per row. InvalidArgument for an unknown person or key.
  Status SetAttributeCode(uint32_t person, uint32_t key, std::string_view value);
  Status AddTouch(const TouchRow& row);
  Status AddStage(const StageRow& row);
  Status AddDeal(const DealRow& row);
  Status AddSpend(const SpendRow& row);
  // Adds one aggregated path; counts must be finite and non-negative.
  Status AddPath(const std::vector<std::string_view>& channels,
                 double conversions, double value, double nulls);
  // A hint for loaders: the label `value` (an account or deal id, of which
  // there are many) will be added soon; starts loading its place in the
  // label table so that the cache miss overlaps other work. Changes nothing.
  void PrefetchLabel(std::string_view value) const { labels_.Prefetch(value); }
  // Maps a source's stage value through the stage map; a message naming the
  // valid stages when unknown. Sets *ignored for values mapped to "ignore".
  Result<int> MapStage(std::string_view value, bool* ignored) const;

  StageMap& mutable_stage_map() { return stage_map_; }
  void AddLoadStat(LoadStat stat) { load_stats_.push_back(std::move(stat)); }
  // A note shown to the user (defaults applied, data-quality warnings).
  void AddNote(std::string note) { notes_.push_back(std::move(note)); }
  // Counts a default applied, e.g. CountDefault("touches.side", "marketing", n).
  void CountDefault(const std::string& field, const std::string& value,
                    int64_t n);

  // Applies defaults, sorts and indexes. Idempotent.
  Status Freeze();
  bool frozen() const { return frozen_; }

  // ---- Reading ----
  uint32_t num_people() const { return person_ids_.size(); }
  const Dictionary& person_ids() const { return person_ids_; }
  const Dictionary& labels() const { return labels_; }
  Dictionary& mutable_labels() { return labels_; }
  const StageMap& stage_map() const { return stage_map_; }
  const PeopleColumns& people() const { return people_; }
  const TouchColumns& touches() const { return touches_; }
  const StageColumns& stages() const { return stages_; }
  const DealColumns& deals() const { return deals_; }
  const SpendColumns& spend() const { return spend_; }
  const PathColumns& paths() const { return paths_; }
  // After Freeze: rows of person p are [offsets[p], offsets[p+1]).
  const std::vector<uint32_t>& touch_offsets() const { return touch_offsets_; }
  const std::vector<uint32_t>& stage_offsets() const { return stage_offsets_; }
  const std::vector<LoadStat>& load_stats() const { return load_stats_; }
  const std::vector<std::string>& notes() const { return notes_; }
  // Smallest and largest timestamp in any table (kNoTime when empty).
  int64_t min_time() const { return min_time_; }
  int64_t max_time() const { return max_time_; }
  // Label code of an attribute key, or Dictionary::kNotFound.
  uint32_t AttributeKey(std::string_view key) const;
  // Approximate bytes held by the tables and dictionaries.
  size_t MemoryBytes() const;

  // Reserves room for `n` more rows of a table ("people", "touches",
  // "stages"; other names are ignored); a hint for loaders that know or
  // estimate their sizes. Reserving never changes results.
  void Reserve(std::string_view table, size_t n);

  // ---- Restoring and merging (store/, before Freeze) ----
  // Direct access to the columns, for the saved-workspace reader and the
  // merge, which move whole columns instead of re-adding rows. The caller
  // keeps the invariants the Add* methods keep: every people column (and
  // every attribute) has num_people() entries, person codes are
  // < num_people() (kNoPerson allowed for deals), label codes are
  // < labels().size(), stage codes < stage_map().num_stages(); and it
  // reports the times it added with NoteTimeRange. Only valid before Freeze.
  Dictionary& mutable_person_ids() { return person_ids_; }
  PeopleColumns& mutable_people() { return people_; }
  TouchColumns& mutable_touches() { return touches_; }
  StageColumns& mutable_stages() { return stages_; }
  DealColumns& mutable_deals() { return deals_; }
  SpendColumns& mutable_spend() { return spend_; }
  PathColumns& mutable_paths() { return paths_; }
  // Widens [min_time(), max_time()] to include [min_time, max_time]
  // (either may be kNoTime).
  void NoteTimeRange(int64_t min_time, int64_t max_time) {
    NoteTime(min_time);
    NoteTime(max_time);
  }

 private:
  uint32_t PersonIndex(std::string_view person_id);
  // Room for n rows in every touch (stage, people) column, asking for huge
  // pages.
  void GrowTouches(size_t n);
  void GrowPeople(size_t n);
  void GrowStages(size_t n);
  void NoteTime(int64_t t);
  Status CheckBuilding() const;

  bool frozen_ = false;
  Dictionary person_ids_{false};
  Dictionary labels_{true};
  StageMap stage_map_;
  PeopleColumns people_;
  TouchColumns touches_;
  StageColumns stages_;
  DealColumns deals_;
  SpendColumns spend_;
  PathColumns paths_;
  std::vector<uint32_t> touch_offsets_;
  std::vector<uint32_t> stage_offsets_;
  std::vector<LoadStat> load_stats_;
  std::vector<std::string> notes_;
  std::map<std::string, int64_t> default_counts_;
  uint32_t last_person_ = kNoPerson;  // PersonIndex's one-entry cache
  // The attribute SetAttributeCode wrote last, to skip the map lookup.
  uint32_t last_attribute_key_ = Dictionary::kNotFound;
  std::vector<uint32_t>* last_attribute_ = nullptr;
  LabelCache* last_attribute_cache_ = nullptr;
  // The label columns that repeat a few values, each with its cache of them.
  LabelCache source_cache_, owner_cache_, channel_cache_, campaign_cache_,
      activity_cache_, reason_cache_;
  std::map<uint32_t, LabelCache> attribute_caches_;  // by attribute key
  int64_t min_time_ = kNoTime;
  int64_t max_time_ = kNoTime;
};

}  // namespace baton

#endif  // BATON_MODEL_WORKSPACE_H_
