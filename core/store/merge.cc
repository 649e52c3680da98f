#include "store/merge.h"

#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace baton {
namespace {

// A row key packed into bytes, hashed with the dictionaries' hash.
struct KeyHash {
  size_t operator()(const std::string& k) const { return HashBytes(k.data(), k.size()); }
};
using KeyIndex = std::unordered_map<std::string, size_t, KeyHash>;

class KeyBuilder {
 public:
  template <typename T>
  KeyBuilder& Add(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    key_.append(b, sizeof(T));
    return *this;
  }
  std::string Take() { return std::move(key_); }

 private:
  std::string key_;
};

// Touch and stage keys are fixed-size values: the base's millions of rows
// are indexed without a heap string per row.
struct TouchKey {
  int64_t at;
  uint32_t person, channel, campaign, activity;
  uint8_t side;
  bool operator==(const TouchKey&) const = default;
};
TouchKey KeyOf(const TouchColumns& t, size_t i) {
  return {t.at[i], t.person[i], t.channel[i], t.campaign[i], t.activity[i], t.side[i]};
}
struct StageKey {
  int64_t at;
  uint32_t person;
  uint8_t stage;
  bool operator==(const StageKey&) const = default;
};
StageKey KeyOf(const StageColumns& s, size_t i) { return {s.at[i], s.person[i], s.stage[i]}; }
struct PodHash {
  size_t operator()(const TouchKey& k) const {
    const uint64_t words[4] = {static_cast<uint64_t>(k.at),
                               (uint64_t{k.person} << 32) | k.channel,
                               (uint64_t{k.campaign} << 32) | k.activity, k.side};
    return HashBytes(words, sizeof words);
  }
  size_t operator()(const StageKey& k) const {
    const uint64_t words[2] = {static_cast<uint64_t>(k.at), (uint64_t{k.person} << 8) | k.stage};
    return HashBytes(words, sizeof words);
  }
};

std::string SpendKey(const SpendColumns& s, size_t i) {
  return KeyBuilder()
      .Add(s.channel[i])
      .Add(s.campaign[i])
      .Add(s.period_start[i])
      .Add(s.period_end[i])
      .Take();
}

std::string PathKey(const PathColumns& p, size_t i) {
  KeyBuilder k;
  for (uint32_t j = p.offsets[i]; j < p.offsets[i + 1]; ++j) k.Add(p.channels[j]);
  return k.Take();
}

// The base's index of person id `id`, adding an unlisted person (empty
// fields, as Workspace adds one named only by another table) when new.
uint32_t InternPerson(Workspace* ws, std::string_view id, bool* added) {
  const uint32_t before = ws->num_people();
  const uint32_t p = ws->mutable_person_ids().Intern(id);
  *added = p == before;
  if (*added) {
    PeopleColumns& c = ws->mutable_people();
    c.account.push_back(0);
    c.created_at.push_back(kNoTime);
    c.source.push_back(0);
    c.owner.push_back(0);
    c.listed.push_back(0);
    for (auto& [key, values] : c.attributes) values.push_back(0);
  }
  return p;
}

// Sets *slot to `value` when value is given (non-zero label, or a time);
// returns true when that changed *slot.
template <typename T>
bool Override(T* slot, T value, T missing) {
  if (value == missing || *slot == value) return false;
  *slot = value;
  return true;
}

void MergePeople(Workspace* base, const Workspace& update, const std::vector<uint32_t>& label,
                 std::vector<uint32_t>* person, MergeCount* count) {
  const uint32_t n = update.num_people();
  const PeopleColumns& u = update.people();
  person->resize(n);
  std::vector<uint8_t> is_new(n);
  for (uint32_t q = 0; q < n; ++q) {
    bool added;
    (*person)[q] = InternPerson(base, update.person_ids().Get(q), &added);
    is_new[q] = added;
  }
  PeopleColumns& b = base->mutable_people();
  std::vector<uint8_t> changed(n);
  for (uint32_t q = 0; q < n; ++q) {
    const uint32_t p = (*person)[q];
    bool c = false;
    c |= Override(&b.account[p], label[u.account[q]], 0u);
    c |= Override(&b.source[p], label[u.source[q]], 0u);
    c |= Override(&b.owner[p], label[u.owner[q]], 0u);
    // A created_at the update only defaulted (from a first record) is not
    // a value the source gave: only listed people's times count.
    if (u.listed[q]) c |= Override(&b.created_at[p], u.created_at[q], kNoTime);
    if (u.listed[q] && !b.listed[p]) {
      b.listed[p] = 1;
      c = true;
    }
    changed[q] = c;
  }
  for (const auto& [ukey, uvalues] : u.attributes) {
    const uint32_t key = label[ukey];
    auto it = b.attributes.find(key);
    if (it == b.attributes.end())
      it = b.attributes.emplace(key, std::vector<uint32_t>(base->num_people(), 0)).first;
    std::vector<uint32_t>& values = it->second;
    for (uint32_t q = 0; q < n; ++q)
      changed[q] |= Override(&values[(*person)[q]], label[uvalues[q]], 0u);
  }
  for (uint32_t q = 0; q < n; ++q) {
    if (is_new[q]) ++count->added;
    else if (changed[q]) ++count->replaced;
    else ++count->unchanged;
  }
}

void MergeTouches(Workspace* base, const Workspace& update, const std::vector<uint32_t>& label,
                  const std::vector<uint32_t>& person, MergeCount* count) {
  TouchColumns& b = base->mutable_touches();
  const TouchColumns& u = update.touches();
  std::unordered_set<TouchKey, PodHash> seen;
  seen.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) seen.insert(KeyOf(b, i));
  TouchColumns add;
  for (size_t i = 0; i < u.size(); ++i) {
    add.person.push_back(person[u.person[i]]);
    add.at.push_back(u.at[i]);
    add.channel.push_back(label[u.channel[i]]);
    add.campaign.push_back(label[u.campaign[i]]);
    add.side.push_back(u.side[i]);
    add.activity.push_back(label[u.activity[i]]);
    add.cost.push_back(u.cost[i]);
    const size_t j = add.size() - 1;
    if (seen.count(KeyOf(add, j))) {
      ++count->unchanged;
      for (auto* v : {&add.person, &add.channel, &add.campaign, &add.activity}) v->pop_back();
      add.at.pop_back();
      add.side.pop_back();
      add.cost.pop_back();
      continue;
    }
    ++count->added;
  }
  auto append = [](auto* to, const auto& from) { to->insert(to->end(), from.begin(), from.end()); };
  append(&b.person, add.person);
  append(&b.at, add.at);
  append(&b.channel, add.channel);
  append(&b.campaign, add.campaign);
  append(&b.side, add.side);
  append(&b.activity, add.activity);
  append(&b.cost, add.cost);
}

Status MergeStages(Workspace* base, const Workspace& update, const std::vector<uint32_t>& label,
                   const std::vector<uint32_t>& person, MergeCount* count) {
  std::vector<uint8_t> stage(update.stage_map().num_stages());
  for (int s = 0; s < update.stage_map().num_stages(); ++s) {
    const int code = base->stage_map().CodeOf(update.stage_map().Name(s));
    if (code < 0)
      return Status::InvalidArgument(
          "the saved workspace's funnel (" + base->stage_map().Describe() +
          ") has no stage \"" + update.stage_map().Name(s) +
          "\" that the new load uses; sync into a new file when the funnel changed");
    stage[s] = static_cast<uint8_t>(code);
  }
  StageColumns& b = base->mutable_stages();
  const StageColumns& u = update.stages();
  std::unordered_set<StageKey, PodHash> seen;
  seen.reserve(b.size());
  for (size_t i = 0; i < b.size(); ++i) seen.insert(KeyOf(b, i));
  for (size_t i = 0; i < u.size(); ++i) {
    b.person.push_back(person[u.person[i]]);
    b.stage.push_back(stage[u.stage[i]]);
    b.at.push_back(u.at[i]);
    b.disposition.push_back(u.disposition[i]);
    b.reason.push_back(label[u.reason[i]]);
    // Keys are checked against the base's rows only (seen is not grown),
    // so duplicates inside the update are kept.
    if (seen.count(KeyOf(b, b.size() - 1))) {
      ++count->unchanged;
      b.person.pop_back();
      b.stage.pop_back();
      b.at.pop_back();
      b.disposition.pop_back();
      b.reason.pop_back();
    } else {
      ++count->added;
    }
  }
  return Status::OK();
}

void MergeDeals(Workspace* base, const Workspace& update, const std::vector<uint32_t>& label,
                const std::vector<uint32_t>& person, MergeCount* count) {
  DealColumns& b = base->mutable_deals();
  const DealColumns& u = update.deals();
  std::unordered_map<uint32_t, size_t> row_of;
  for (size_t i = 0; i < b.size(); ++i) row_of[b.id[i]] = i;
  for (size_t i = 0; i < u.size(); ++i) {
    const uint32_t id = label[u.id[i]];
    auto it = row_of.find(id);
    size_t r;
    if (it == row_of.end()) {
      r = b.size();
      row_of[id] = r;
      for (auto* v : {&b.id, &b.account, &b.person, &b.currency, &b.stage, &b.owner, &b.source,
                      &b.campaign})
        v->push_back(0);
      b.created_at.push_back(kNoTime);
      b.closed_at.push_back(kNoTime);
      b.amount.push_back(0);
      b.is_won.push_back(0);
      b.is_closed.push_back(0);
      ++count->added;
    } else {
      r = it->second;
    }
    const uint32_t who = u.person[i] == kNoPerson ? kNoPerson : person[u.person[i]];
    bool changed = false;
    auto set = [&changed](auto* slot, auto value) {
      if (*slot != value) {
        *slot = value;
        changed = true;
      }
    };
    set(&b.id[r], id);
    set(&b.account[r], label[u.account[i]]);
    set(&b.person[r], who);
    set(&b.created_at[r], u.created_at[i]);
    set(&b.closed_at[r], u.closed_at[i]);
    set(&b.amount[r], u.amount[i]);
    set(&b.currency[r], label[u.currency[i]]);
    set(&b.stage[r], label[u.stage[i]]);
    set(&b.is_won[r], u.is_won[i]);
    set(&b.is_closed[r], u.is_closed[i]);
    set(&b.owner[r], label[u.owner[i]]);
    set(&b.source[r], label[u.source[i]]);
    set(&b.campaign[r], label[u.campaign[i]]);
    if (it != row_of.end()) ++(changed ? count->replaced : count->unchanged);
  }
}

void MergeSpend(Workspace* base, const Workspace& update, const std::vector<uint32_t>& label,
                MergeCount* count) {
  SpendColumns& b = base->mutable_spend();
  const SpendColumns& u = update.spend();
  KeyIndex row_of;
  for (size_t i = 0; i < b.size(); ++i) row_of[SpendKey(b, i)] = i;
  for (size_t i = 0; i < u.size(); ++i) {
    SpendColumns one;
    one.channel.push_back(label[u.channel[i]]);
    one.campaign.push_back(label[u.campaign[i]]);
    one.period_start.push_back(u.period_start[i]);
    one.period_end.push_back(u.period_end[i]);
    std::string key = SpendKey(one, 0);
    auto it = row_of.find(key);
    const uint32_t currency = label[u.currency[i]];
    if (it == row_of.end()) {
      row_of.emplace(std::move(key), b.size());
      b.channel.push_back(one.channel[0]);
      b.campaign.push_back(one.campaign[0]);
      b.period_start.push_back(u.period_start[i]);
      b.period_end.push_back(u.period_end[i]);
      b.amount.push_back(u.amount[i]);
      b.currency.push_back(currency);
      ++count->added;
    } else if (b.amount[it->second] != u.amount[i] || b.currency[it->second] != currency) {
      b.amount[it->second] = u.amount[i];
      b.currency[it->second] = currency;
      ++count->replaced;
    } else {
      ++count->unchanged;
    }
  }
}

void MergePaths(Workspace* base, const Workspace& update, const std::vector<uint32_t>& label,
                MergeCount* count) {
  PathColumns& b = base->mutable_paths();
  const PathColumns& u = update.paths();
  KeyIndex row_of;
  for (size_t i = 0; i < b.size(); ++i) row_of[PathKey(b, i)] = i;
  for (size_t i = 0; i < u.size(); ++i) {
    PathColumns one;
    for (uint32_t j = u.offsets[i]; j < u.offsets[i + 1]; ++j)
      one.channels.push_back(label[u.channels[j]]);
    one.offsets.push_back(static_cast<uint32_t>(one.channels.size()));
    std::string key = PathKey(one, 0);
    auto it = row_of.find(key);
    if (it == row_of.end()) {
      row_of.emplace(std::move(key), b.size());
      b.channels.insert(b.channels.end(), one.channels.begin(), one.channels.end());
      b.offsets.push_back(static_cast<uint32_t>(b.channels.size()));
      b.conversions.push_back(u.conversions[i]);
      b.value.push_back(u.value[i]);
      b.nulls.push_back(u.nulls[i]);
      ++count->added;
    } else {
      const size_t r = it->second;
      if (b.conversions[r] == u.conversions[i] && b.value[r] == u.value[i] &&
          b.nulls[r] == u.nulls[i]) {
        ++count->unchanged;
      } else {
        b.conversions[r] = u.conversions[i];
        b.value[r] = u.value[i];
        b.nulls[r] = u.nulls[i];
        ++count->replaced;
      }
    }
  }
}

bool HasRows(const Workspace& ws) {
  return ws.num_people() > 0 || ws.touches().size() > 0 || ws.stages().size() > 0 ||
         ws.deals().size() > 0 || ws.spend().size() > 0 || ws.paths().size() > 0;
}

}  // namespace

Status MergeInto(Workspace* base, const Workspace& update, MergeCounts* counts) {
  if (base->frozen())
    return Status::FailedPrecondition(
        "the workspace is frozen: merge new rows before the first analysis");
  *counts = MergeCounts();
  // A first sync adopts the funnel of the source it reads.
  if (!HasRows(*base)) {
    const StageMap& m = update.stage_map();
    std::vector<std::string> funnel, exits;
    for (int s = 0; s < m.num_stages(); ++s)
      (m.IsFunnel(s) ? funnel : exits).push_back(m.Name(s));
    BATON_RETURN_IF_ERROR(base->mutable_stage_map().SetStages(funnel, exits));
  }
  // Stages first: their only failure (an unknown stage) then leaves the base
  // as it was.
  for (int s = 0; s < update.stage_map().num_stages(); ++s)
    if (base->stage_map().CodeOf(update.stage_map().Name(s)) < 0)
      return Status::InvalidArgument(
          "the saved workspace's funnel (" + base->stage_map().Describe() +
          ") has no stage \"" + update.stage_map().Name(s) +
          "\" that the new load uses; sync into a new file when the funnel changed");
  std::vector<uint32_t> label(update.labels().size());
  for (uint32_t c = 0; c < update.labels().size(); ++c)
    label[c] = base->mutable_labels().Intern(update.labels().Get(c));
  std::vector<uint32_t> person;
  MergePeople(base, update, label, &person, &counts->people);
  MergeTouches(base, update, label, person, &counts->touches);
  BATON_RETURN_IF_ERROR(MergeStages(base, update, label, person, &counts->stages));
  MergeDeals(base, update, label, person, &counts->deals);
  MergeSpend(base, update, label, &counts->spend);
  MergePaths(base, update, label, &counts->paths);
  base->NoteTimeRange(update.min_time(), update.max_time());
  return Status::OK();
}

}  // namespace baton
