#include "attribution/journeys.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <limits>
#include <mutex>
#include <new>
#include <thread>
#include <utility>

#include "attribution/flat_map.h"
#include "model/dictionary.h"

namespace baton {
namespace {

// Touches per chunk below which splitting work costs more than it saves.
constexpr size_t kMinTouchesPerChunk = 65536;

int64_t EarlierOf(int64_t a, int64_t b) {
  if (a == kNoTime) return b;
  if (b == kNoTime) return a;
  return std::min(a, b);
}

// later - earlier for later >= earlier, saturating instead of overflowing
// on timestamps far apart (imported epoch values are not range-checked).
int64_t AgeBetween(int64_t earlier, int64_t later) {
  uint64_t d = static_cast<uint64_t>(later) - static_cast<uint64_t>(earlier);
  return d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
             ? std::numeric_limits<int64_t>::max()
             : static_cast<int64_t>(d);
}

bool IsDirectName(std::string_view s) {
  static constexpr std::string_view kDirect = "direct";
  if (s.size() != kDirect.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != kDirect[i])
      return false;
  return true;
}

// Sets used_key[l] (used_channel[l]) to 1 for every label l that is the key
// (channel) of a credited touch. This scan reads every touch before any
// journey is built, so it runs on all cores: each range of touches marks
// its own arrays, which are then combined. Store-only and branch-free per
// touch (an uncredited touch marks the spare slot at the end), since sides
// alternate within a person and a branch on them mispredicts.
Status MarkUsedLabels(const TouchColumns& t, const JourneyOptions& options,
                      std::vector<uint8_t>* used_key,
                      std::vector<uint8_t>* used_channel) {
  const size_t num_labels = used_key->size();
  const size_t total = t.size();
  const size_t threads = std::max(1u, std::thread::hardware_concurrency());
  const size_t parts = std::clamp<size_t>(total / kMinTouchesPerChunk, 1,
                                          std::min<size_t>(threads, 16));
  std::vector<std::vector<uint8_t>> keys(parts), channels(parts);
  const bool by_channel = !options.by_campaign;
  const uint32_t* key_col =
      options.by_campaign ? t.campaign.data() : t.channel.data();
  const uint32_t* channel = t.channel.data();
  const uint8_t* side = t.side.data();
  const uint8_t sales = static_cast<uint8_t>(Side::kSales);
  const bool include_sales = options.include_sales;
  const uint32_t spare = static_cast<uint32_t>(num_labels);
  BATON_RETURN_IF_ERROR(ParallelFor(parts, [&](size_t part) {
    std::vector<uint8_t>& k = keys[part];
    std::vector<uint8_t>& c = channels[part];
    k.assign(num_labels + 1, 0);
    if (!by_channel) c.assign(num_labels + 1, 0);
    uint8_t* kd = k.data();
    uint8_t* cd = c.data();
    const size_t b = total * part / parts, e = total * (part + 1) / parts;
    if (by_channel) {  // the keys are the channels: one mark per touch
      for (size_t i = b; i < e; ++i)
        kd[include_sales || side[i] != sales ? channel[i] : spare] = 1;
      return;
    }
    for (size_t i = b; i < e; ++i) {
      const bool credited = include_sales || side[i] != sales;
      kd[credited ? key_col[i] : spare] = 1;
      cd[credited ? channel[i] : spare] = 1;
    }
  }));
  for (size_t part = 0; part < parts; ++part)
    for (size_t l = 0; l < num_labels; ++l) {
      (*used_key)[l] |= keys[part][l];
      (*used_channel)[l] |= by_channel ? keys[part][l] : channels[part][l];
    }
  return Status::OK();
}

std::string FormatCount(double v) {
  if (v == static_cast<double>(static_cast<int64_t>(v)))
    return std::to_string(static_cast<int64_t>(v));
  return std::to_string(v);
}

}  // namespace

Result<JourneySource> JourneySource::Make(const Workspace& ws,
                                          const JourneyOptions& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "attribution needs a frozen workspace: call Freeze() first");
  JourneySource s;
  s.ws_ = &ws;
  s.options_ = options;
  const Dictionary& labels = ws.labels();
  const TouchColumns& t = ws.touches();
  const PathColumns& paths = ws.paths();
  s.from_paths_ = t.size() == 0 && paths.size() > 0;

  // Labels used as keys, and channel labels (for "direct").
  std::vector<uint8_t> used_key(labels.size(), 0);
  std::vector<uint8_t> used_channel(labels.size(), 0);
  if (s.from_paths_) {
    if (options.by_campaign)
      return Status::InvalidArgument(
          "attribution.by = campaign: the paths table has channels only; "
          "attribute paths by channel");
    for (uint32_t c : paths.channels) used_key[c] = used_channel[c] = 1;
    s.num_units_ = paths.size();
    // Paths carry their own outcomes: options about touches do not apply.
    if (options.lookback_ms >= 0)
      s.warnings_.push_back(
          "attribution.lookback does not apply to aggregated paths");
    if (options.include_sales)
      s.warnings_.push_back(
          "attribution.include_sales does not apply to aggregated paths");
    std::string conversion = options.conversion;
    for (char& c : conversion)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (conversion != "won")
      s.warnings_.push_back(
          "attribution.conversion does not apply to aggregated paths: their "
          "conversions are counted as given");
  } else {
    BATON_RETURN_IF_ERROR(MarkUsedLabels(t, options, &used_key, &used_channel));
    s.num_units_ = ws.num_people();
    if (paths.size() > 0)
      s.warnings_.push_back("the paths table (" + std::to_string(paths.size()) +
                            " rows) is ignored because the workspace has "
                            "touches");
  }
  s.direct_label_.assign(labels.size(), 0);
  for (uint32_t l = 0; l < labels.size(); ++l)
    if (used_channel[l] && IsDirectName(labels.Get(l))) s.direct_label_[l] = 1;

  // Key codes in name order, "(none)" last, so tables come out sorted.
  std::vector<std::pair<std::string_view, uint32_t>> names;
  for (uint32_t l = 0; l < labels.size(); ++l)
    if (used_key[l]) names.emplace_back(l == 0 ? kNoKeyName : labels.Get(l), l);
  auto none_last = [](std::string_view a, std::string_view b) {
    bool an = a == kNoKeyName, bn = b == kNoKeyName;
    if (an != bn) return bn;
    return a < b;
  };
  std::sort(names.begin(), names.end(), [&](const auto& a, const auto& b) {
    return none_last(a.first, b.first);
  });
  s.label_key_.assign(labels.size(), 0);
  for (const auto& [name, label] : names) {
    if (s.key_names_.empty() || s.key_names_.back() != name) {
      if (s.key_names_.size() == kMaxAttributionKeys)
        return Status::InvalidArgument(
            "attribution supports at most " +
            std::to_string(kMaxAttributionKeys) + " distinct " +
            (options.by_campaign ? "campaigns" : "channels") +
            "; attribute by channel or filter the touches first");
      s.key_names_.emplace_back(name);
    }
    s.label_key_[label] = static_cast<uint16_t>(s.key_names_.size() - 1);
  }
  if (s.from_paths_) return s;

  // Stages.
  const StageMap& map = ws.stage_map();
  std::string conversion = options.conversion;
  for (char& c : conversion)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  s.conversion_stage_ = map.CodeOf(conversion);
  if (s.conversion_stage_ < 0)
    return Status::InvalidArgument(
        "attribution.conversion: \"" + options.conversion +
        "\" is not a stage; stages are " + map.Describe());
  s.conversion_is_won_ = s.conversion_stage_ == map.won_code();
  int mql = map.CodeOf("mql");
  s.lead_stage_ = map.IsFunnel(mql) ? mql : 0;
  s.opportunity_stage_ = map.CodeOf("opportunity");

  // Per-person deal facts.
  const DealColumns& d = ws.deals();
  int64_t unlinked_won = 0, won_without_close = 0;
  double unlinked_amount = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    uint32_t p = d.person[i];
    if (p == kNoPerson) {
      if (d.is_won[i]) {
        ++unlinked_won;
        unlinked_amount += d.amount[i];
      }
      continue;
    }
    if (s.won_revenue_.empty()) {
      s.won_revenue_.assign(ws.num_people(), 0.0);
      s.won_at_.assign(ws.num_people(), kNoTime);
      s.first_deal_at_.assign(ws.num_people(), kNoTime);
    }
    s.first_deal_at_[p] = EarlierOf(s.first_deal_at_[p], d.created_at[i]);
    if (!d.is_won[i]) continue;
    s.won_revenue_[p] += d.amount[i];
    if (d.closed_at[i] == kNoTime)
      ++won_without_close;
    else
      s.won_at_[p] = EarlierOf(s.won_at_[p], d.closed_at[i]);
  }
  if (unlinked_won > 0)
    s.warnings_.push_back(std::to_string(unlinked_won) +
                          " won deals are not linked to a person; their "
                          "revenue (" +
                          FormatCount(unlinked_amount) + ") is not attributed");
  if (won_without_close > 0 && s.conversion_is_won_)
    s.warnings_.push_back(std::to_string(won_without_close) +
                          " won deals have no close date: their amounts count "
                          "as revenue but they do not mark a conversion");
  return s;
}

JourneySource::Unit JourneySource::Build(size_t u, const Wants& wants,
                                         JourneyScratch* scratch,
                                         JourneyView* out) const {
  return from_paths_ ? BuildPath(u, wants, scratch, out)
                     : BuildPerson(u, wants, scratch, out);
}

JourneySource::Unit JourneySource::BuildPerson(size_t p, const Wants& wants,
                                               JourneyScratch* scratch,
                                               JourneyView* out) const {
  const Workspace& ws = *ws_;
  const StageColumns& st = ws.stages();
  const std::vector<uint32_t>& so = ws.stage_offsets();
  const int num_funnel = ws.stage_map().num_funnel();
  int64_t conv_at = kNoTime, lead_at = kNoTime, opp_at = kNoTime;
  // Stages are sorted by time: the first match is the first entry.
  for (uint32_t s = so[p]; s < so[p + 1]; ++s) {
    int code = st.stage[s];
    if (code == conversion_stage_ && conv_at == kNoTime) conv_at = st.at[s];
    if (code >= lead_stage_ && code < num_funnel && lead_at == kNoTime)
      lead_at = st.at[s];
    if (code == opportunity_stage_ && opp_at == kNoTime) opp_at = st.at[s];
  }
  double revenue = 0;
  if (!won_revenue_.empty()) {
    revenue = won_revenue_[p];
    if (conversion_is_won_) conv_at = EarlierOf(conv_at, won_at_[p]);
    opp_at = EarlierOf(opp_at, first_deal_at_[p]);
  }
  const bool converting = conv_at != kNoTime;
  if (!converting && !wants.non_converting) return Unit::kNone;

  const TouchColumns& t = ws.touches();
  const uint32_t* key_col =
      options_.by_campaign ? t.campaign.data() : t.channel.data();
  const uint32_t* channel = t.channel.data();
  const uint8_t* side = t.side.data();
  const int64_t* touch_at = t.at.data();
  const uint16_t* label_key = label_key_.data();
  const uint8_t* direct = direct_label_.data();
  const uint32_t begin = ws.touch_offsets()[p], end = ws.touch_offsets()[p + 1];
  // Sized once per person so that the loop writes without growth checks.
  if (scratch->keys.size() < end - begin) {
    scratch->keys.resize(end - begin);
    scratch->age_ms.resize(end - begin);
  }
  uint16_t* keys = scratch->keys.data();
  int64_t* ages = scratch->age_ms.data();
  const uint8_t sales = static_cast<uint8_t>(Side::kSales);
  const int64_t lookback = options_.lookback_ms;
  int32_t n = 0;
  int32_t last_non_direct = -1, lead = kNoMilestone, opportunity = kNoMilestone;
  for (uint32_t i = begin; i < end; ++i) {
    if (side[i] == sales && !options_.include_sales) continue;
    const int64_t at = touch_at[i];
    int64_t age = 0;
    if (converting) {
      if (at > conv_at) break;  // sorted by time: the rest are later too
      age = AgeBetween(at, conv_at);
      if (lookback >= 0 && age > lookback) continue;
    }
    keys[n] = label_key[key_col[i]];
    ages[n] = age;
    if (!direct[channel[i]]) last_non_direct = n;
    if (at <= lead_at) lead = n;  // kNoTime is the smallest int64: never
    if (at <= opp_at) opportunity = n;
    ++n;
  }
  if (n == 0) return converting ? Unit::kUncredited : Unit::kNone;
  out->keys = keys;
  out->age_ms = ages;
  out->n = static_cast<uint32_t>(n);
  out->conversions = converting ? 1 : 0;
  out->revenue = converting ? revenue : 0;
  out->nulls = converting ? 0 : 1;
  out->last_non_direct = last_non_direct >= 0 ? last_non_direct : n - 1;
  out->lead = converting ? lead : kNoMilestone;
  out->opportunity = converting ? opportunity : kNoMilestone;
  out->held_out = false;
  if (wants.held_out) {
    std::string_view id = ws.person_ids().Get(static_cast<uint32_t>(p));
    out->held_out = HashBytes(id.data(), id.size()) % 5 == 0;
  }
  return Unit::kJourney;
}

JourneySource::Unit JourneySource::BuildPath(size_t r, const Wants& wants,
                                             JourneyScratch* scratch,
                                             JourneyView* out) const {
  const PathColumns& paths = ws_->paths();
  const double conversions = paths.conversions[r], value = paths.value[r],
               nulls = paths.nulls[r];
  if (conversions == 0 && value == 0 && nulls == 0) return Unit::kNone;
  if (conversions == 0 && value == 0 && !wants.non_converting)
    return Unit::kNone;
  std::vector<uint16_t>& keys = scratch->keys;
  std::vector<int64_t>& ages = scratch->age_ms;
  keys.clear();
  ages.clear();
  const uint32_t b = paths.offsets[r], e = paths.offsets[r + 1];
  int32_t last_non_direct = -1;
  for (uint32_t i = b; i < e; ++i) {
    if (!direct_label_[paths.channels[i]])
      last_non_direct = static_cast<int32_t>(i - b);
    keys.push_back(label_key_[paths.channels[i]]);
    ages.push_back(static_cast<int64_t>(e - 1 - i) * kMillisPerDay);
  }
  if (keys.empty()) return Unit::kNone;  // AddPath rejects empty paths
  out->keys = keys.data();
  out->age_ms = ages.data();
  out->n = static_cast<uint32_t>(keys.size());
  out->conversions = conversions;
  out->revenue = value;
  out->nulls = nulls;
  out->last_non_direct = last_non_direct >= 0 ? last_non_direct : out->n - 1;
  out->lead = kUnknownMilestone;
  out->opportunity = kUnknownMilestone;
  out->held_out = wants.held_out && MixHash(r) % 5 == 0;
  return Unit::kJourney;
}

std::vector<size_t> JourneySource::ChunkBounds(size_t max_chunks) const {
  const std::vector<uint32_t>& offsets =
      from_paths_ ? ws_->paths().offsets : ws_->touch_offsets();
  const size_t total = offsets.empty() ? 0 : offsets.back();
  size_t chunks = std::clamp<size_t>(total / kMinTouchesPerChunk, 1,
                                     std::max<size_t>(max_chunks, 1));
  std::vector<size_t> bounds{0};
  for (size_t c = 1; c < chunks; ++c) {
    const uint64_t target = static_cast<uint64_t>(total) * c / chunks;
    size_t u = std::lower_bound(offsets.begin(), offsets.end(), target) -
               offsets.begin();
    u = std::min(u, num_units_);
    if (u > bounds.back()) bounds.push_back(u);
  }
  if (num_units_ > bounds.back() || bounds.size() == 1)
    bounds.push_back(num_units_);
  return bounds;
}

Status ParallelFor(size_t n, const std::function<void(size_t)>& task) {
  if (n == 0) return Status::OK();
  const size_t threads =
      std::min<size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status failure;
  auto work = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        task(i);
      } catch (const std::bad_alloc&) {
        std::lock_guard<std::mutex> lock(mu);
        failure = Status(StatusCode::kOutOfMemory,
                         "attribution ran out of memory; attribute fewer "
                         "keys or a lower Markov order");
        next = n;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        failure =
            Status::Internal(std::string("attribution failed: ") + e.what());
        next = n;
      }
    }
  };
  if (threads == 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    try {
      for (size_t i = 1; i < threads; ++i) pool.emplace_back(work);
    } catch (const std::exception&) {
      // Too few threads available: the ones started (and this one) finish.
    }
    work();
    for (std::thread& th : pool) th.join();
  }
  return failure;
}

}  // namespace baton
