#include "handoff/handoff.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string_view>
#include <tuple>
#include <utility>

#include "common/text.h"
#include "handoff/quantile.h"
#include "model/segment.h"
#include "model/timestamp.h"

namespace baton {
namespace {

constexpr int64_t kFarFuture = std::numeric_limits<int64_t>::max();
constexpr const char* kNoReason = "(no reason)";
constexpr const char* kValidKeys =
    "handoff.by, handoff.stage, handoff.sla, handoff.leak_after";

std::string FunnelStageNames(const StageMap& map) {
  std::string out;
  for (int s = 0; s < map.num_funnel(); ++s)
    out += (s ? ", " : "") + map.Name(s);
  return out;
}

// The response buckets of HandoffByResponse, in table order.
constexpr const char* kBuckets[] = {"<1h", "1-4h", "4-24h", "1-3d", ">3d", "never"};
constexpr int kNumBuckets = 6;

int BucketOf(int64_t response_ms) {
  if (response_ms == kNotWorked) return 5;
  if (response_ms < 1 * kMillisPerHour) return 0;
  if (response_ms < 4 * kMillisPerHour) return 1;
  if (response_ms < 24 * kMillisPerHour) return 2;
  if (response_ms < 72 * kMillisPerHour) return 3;
  return 4;
}

// Hand-offs and segments, the common start of the three tables.
struct Prepared {
  Segmentation segments;
  HandoffEvents events;
  std::vector<uint32_t> segment_of_event;
  std::vector<int64_t> events_of_segment;
};

Result<Prepared> Prepare(const Workspace& ws, const HandoffOptions& options) {
  Prepared out;
  BATON_ASSIGN_OR_RETURN(out.events, FindHandoffs(ws, options));
  BATON_ASSIGN_OR_RETURN(out.segments, SegmentPeople(ws, options.by));
  out.segment_of_event.resize(out.events.size());
  out.events_of_segment.assign(out.segments.names.size(), 0);
  for (size_t e = 0; e < out.events.size(); ++e) {
    const uint32_t s = out.segments.of_person[out.events.person[e]];
    out.segment_of_event[e] = s;
    ++out.events_of_segment[s];
  }
  return out;
}

void WarnIfEmpty(const Workspace& ws, const HandoffOptions& options,
                 const Prepared& p, Table* t) {
  if (p.events.size() > 0) return;
  t->AddWarning("no person entered the hand-off stage \"" +
                AsciiLower(options.stage) +
                "\"; check the stage column, the stage map or handoff.stage "
                "(funnel stages: " +
                FunnelStageNames(ws.stage_map()) + ")");
}

}  // namespace

Result<HandoffOptions> ParseHandoffOptions(
    const std::map<std::string, std::string>& options) {
  HandoffOptions out;
  for (const auto& [key, value] : options) {
    if (key.rfind("handoff.", 0) != 0) continue;
    if (key == "handoff.by") {
      out.by = value;
    } else if (key == "handoff.stage") {
      if (value.empty())
        return Status::InvalidArgument(
            "option handoff.stage is empty; name the funnel stage at which "
            "marketing hands leads to sales, e.g. mql");
      out.stage = AsciiLower(value);
    } else if (key == "handoff.sla" || key == "handoff.leak_after") {
      int64_t ms = 0;
      if (!ParseDuration(value, &ms))
        return Status::InvalidArgument(
            "option " + key + ": \"" + value +
            "\" is not a duration; use a number with a unit, e.g. 24h, 30d, "
            "2w, 90m (a bare number means days)");
      (key == "handoff.sla" ? out.sla_ms : out.leak_after_ms) = ms;
    } else {
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the hand-off options are " +
                                     kValidKeys);
    }
  }
  return out;
}

Result<HandoffEvents> FindHandoffs(const Workspace& ws,
                                   const HandoffOptions& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the hand-off analysis needs a frozen workspace: call Freeze() after "
        "loading");
  if (options.sla_ms < 0 || options.leak_after_ms < 0)
    return Status::InvalidArgument(
        "handoff.sla and handoff.leak_after must not be negative");
  const StageMap& map = ws.stage_map();
  const int handoff = map.CodeOf(AsciiLower(options.stage));
  if (!map.IsFunnel(handoff))
    return Status::InvalidArgument(
        "handoff.stage: \"" + options.stage +
        "\" is not a funnel stage; the hand-off stage is one of " +
        FunnelStageNames(map));
  const int won = map.won_code();
  const int rejected_stage = map.CodeOf("rejected");
  const int recycled_stage = map.CodeOf("recycled");
  const int64_t leak = options.leak_after_ms;
  const int64_t newest = ws.max_time();

  const StageColumns& st = ws.stages();
  const TouchColumns& tc = ws.touches();
  const std::vector<uint32_t>& s_off = ws.stage_offsets();
  const std::vector<uint32_t>& t_off = ws.touch_offsets();
  const uint8_t sales = static_cast<uint8_t>(Side::kSales);

  // Won deals linked to people, by (person, time): the time of a win is its
  // closed_at, else created_at, else "some time": the end of time, which
  // puts it in the person's last episode.
  std::vector<std::pair<uint32_t, int64_t>> wins;
  {
    const DealColumns& d = ws.deals();
    for (size_t i = 0; i < d.size(); ++i) {
      if (!d.is_won[i] || d.person[i] == kNoPerson) continue;
      int64_t t = d.closed_at[i] != kNoTime    ? d.closed_at[i]
                  : d.created_at[i] != kNoTime ? d.created_at[i]
                                               : kFarFuture;
      wins.emplace_back(d.person[i], t);
    }
    std::sort(wins.begin(), wins.end());
  }

  HandoffEvents ev;
  size_t expected = 0;
  for (uint8_t s : st.stage) expected += s == handoff;
  ev.person.reserve(expected);
  ev.at.reserve(expected);
  ev.response_ms.reserve(expected);
  ev.outcome.reserve(expected);
  ev.reason.reserve(expected);
  ev.leaked.reserve(expected);
  ev.won.reserve(expected);

  std::vector<uint32_t> rows;  // hand-off rows of one person
  size_t w = 0;                // cursor into wins
  const uint32_t num_people = ws.num_people();
  for (uint32_t p = 0; p < num_people; ++p) {
    const uint32_t s0 = s_off[p], s1 = s_off[p + 1];
    rows.clear();
    for (uint32_t r = s0; r < s1; ++r)
      if (st.stage[r] == handoff) rows.push_back(r);
    if (rows.empty()) continue;
    while (w < wins.size() && wins[w].first < p) ++w;
    uint32_t j = t_off[p];
    const uint32_t t1 = t_off[p + 1];
    for (size_t k = 0; k < rows.size(); ++k) {
      const uint32_t r = rows[k];
      const int64_t h = st.at[r];
      const bool last = k + 1 == rows.size();
      const uint32_t r_next = last ? s1 : rows[k + 1];
      const int64_t h_next = last ? kFarFuture : st.at[r_next];

      // The first sales touch at or after h. Hand-offs come in time order,
      // so the cursor only moves forward.
      while (j < t1 && (tc.at[j] < h || tc.side[j] != sales)) ++j;
      const bool any_sales = j < t1;
      const bool worked = any_sales && (last || tc.at[j] < h_next);
      const int64_t response = worked ? ElapsedMillis(h, tc.at[j]) : kNotWorked;

      // Leak: silence for leak_after, judged only once that much time has
      // passed in the data.
      bool leaked = false;
      if (newest != kNoTime && ElapsedMillis(h, newest) >= leak) {
        const bool touched = any_sales && ElapsedMillis(h, tc.at[j]) <= leak;
        const bool moved = r + 1 < s1 && ElapsedMillis(h, st.at[r + 1]) <= leak;
        leaked = !touched && !moved;
      }

      HandoffOutcome outcome = HandoffOutcome::kNone;
      uint32_t reason = 0;
      if (r + 1 < s1) {
        const int next = st.stage[r + 1];
        switch (static_cast<Disposition>(st.disposition[r + 1])) {
          case Disposition::kAccepted:
            outcome = HandoffOutcome::kAccepted;
            break;
          case Disposition::kRejected:
            outcome = HandoffOutcome::kRejected;
            break;
          case Disposition::kRecycled:
            outcome = HandoffOutcome::kRecycled;
            break;
          case Disposition::kAdvanced:
            if (next == rejected_stage)
              outcome = HandoffOutcome::kRejected;
            else if (next == recycled_stage)
              outcome = HandoffOutcome::kRecycled;
            else if (map.IsFunnel(next) && next > handoff)
              outcome = HandoffOutcome::kAccepted;
            break;
        }
        if (outcome == HandoffOutcome::kRejected) reason = st.reason[r + 1];
      }

      bool is_won = false;
      for (uint32_t x = r + 1; x < r_next && !is_won; ++x)
        is_won = st.stage[x] == won;
      while (w < wins.size() && wins[w].first == p && wins[w].second < h) ++w;
      if (w < wins.size() && wins[w].first == p &&
          (last || wins[w].second < h_next))
        is_won = true;

      ev.person.push_back(p);
      ev.at.push_back(h);
      ev.response_ms.push_back(response);
      ev.outcome.push_back(static_cast<uint8_t>(outcome));
      ev.reason.push_back(reason);
      ev.leaked.push_back(leaked ? 1 : 0);
      ev.won.push_back(is_won ? 1 : 0);
    }
  }
  return ev;
}

Result<Table> Handoff(const Workspace& ws, const HandoffOptions& options) {
  BATON_ASSIGN_OR_RETURN(Prepared p, Prepare(ws, options));
  const HandoffEvents& ev = p.events;
  const size_t num_segments = p.segments.names.size();

  struct Counts {
    int64_t handed_off = 0, worked = 0, within_sla = 0, leaked = 0;
    int64_t accepted = 0, rejected = 0, recycled = 0, won = 0;
  };
  std::vector<Counts> counts(num_segments);
  for (size_t e = 0; e < ev.size(); ++e) {
    Counts& c = counts[p.segment_of_event[e]];
    ++c.handed_off;
    if (ev.response_ms[e] != kNotWorked) {
      ++c.worked;
      if (ev.response_ms[e] <= options.sla_ms) ++c.within_sla;
    }
    c.leaked += ev.leaked[e];
    c.won += ev.won[e];
    switch (static_cast<HandoffOutcome>(ev.outcome[e])) {
      case HandoffOutcome::kAccepted: ++c.accepted; break;
      case HandoffOutcome::kRejected: ++c.rejected; break;
      case HandoffOutcome::kRecycled: ++c.recycled; break;
      case HandoffOutcome::kNone: break;
    }
  }

  // Response hours grouped by segment (a counting sort), for the quantiles.
  std::vector<size_t> start(num_segments + 1, 0);
  for (size_t s = 0; s < num_segments; ++s)
    start[s + 1] = start[s] + static_cast<size_t>(counts[s].worked);
  std::vector<double> hours(start[num_segments]);
  {
    std::vector<size_t> fill(start.begin(), start.end() - 1);
    for (size_t e = 0; e < ev.size(); ++e)
      if (ev.response_ms[e] != kNotWorked)
        hours[fill[p.segment_of_event[e]]++] =
            static_cast<double>(ev.response_ms[e]) / kMillisPerHour;
  }

  Table t("handoff");
  const size_t c_segment = t.AddColumn("segment", ColumnType::kString);
  const size_t c_handed = t.AddColumn("handed_off", ColumnType::kInt64);
  const size_t c_worked = t.AddColumn("worked", ColumnType::kInt64);
  const size_t c_median = t.AddColumn("response_median_hours", ColumnType::kFloat64);
  const size_t c_p90 = t.AddColumn("response_p90_hours", ColumnType::kFloat64);
  const size_t c_within = t.AddColumn("within_sla", ColumnType::kInt64);
  const size_t c_sla = t.AddColumn("sla_rate", ColumnType::kFloat64);
  const size_t c_leaked = t.AddColumn("leaked", ColumnType::kInt64);
  const size_t c_accepted = t.AddColumn("accepted", ColumnType::kInt64);
  const size_t c_rejected = t.AddColumn("rejected", ColumnType::kInt64);
  const size_t c_acceptance = t.AddColumn("acceptance_rate", ColumnType::kFloat64);
  const size_t c_recycled = t.AddColumn("recycled", ColumnType::kInt64);
  const size_t c_won = t.AddColumn("won", ColumnType::kInt64);
  const size_t c_rate_won = t.AddColumn("rate_to_won", ColumnType::kFloat64);
  auto ratio = [&](size_t col, int64_t num, int64_t den) {
    if (den > 0)
      t.AppendDouble(col, static_cast<double>(num) / static_cast<double>(den));
    else
      t.AppendNull(col);
  };
  for (size_t s = 0; s < num_segments; ++s) {
    const Counts& c = counts[s];
    if (c.handed_off == 0) continue;
    double* b = hours.data() + start[s];
    double* e = hours.data() + start[s + 1];
    const double p90 = LinearQuantile(b, e, 0.9);
    const double median = LinearQuantile(b, e, 0.5);
    t.AppendString(c_segment, p.segments.names[s]);
    t.AppendInt(c_handed, c.handed_off);
    t.AppendInt(c_worked, c.worked);
    t.AppendDoubleOrNull(c_median, median);
    t.AppendDoubleOrNull(c_p90, p90);
    t.AppendInt(c_within, c.within_sla);
    ratio(c_sla, c.within_sla, c.handed_off);
    t.AppendInt(c_leaked, c.leaked);
    t.AppendInt(c_accepted, c.accepted);
    t.AppendInt(c_rejected, c.rejected);
    ratio(c_acceptance, c.accepted, c.accepted + c.rejected);
    t.AppendInt(c_recycled, c.recycled);
    t.AppendInt(c_won, c.won);
    ratio(c_rate_won, c.won, c.handed_off);
  }
  WarnIfEmpty(ws, options, p, &t);
  BATON_RETURN_IF_ERROR(t.Validate());
  return t;
}

Result<Table> HandoffReasons(const Workspace& ws, const HandoffOptions& options) {
  BATON_ASSIGN_OR_RETURN(Prepared p, Prepare(ws, options));
  const HandoffEvents& ev = p.events;
  const Dictionary& labels = ws.labels();

  // (segment, reason name) of every rejected hand-off; rejections are a
  // small share of rows, so sorting them is cheap.
  std::vector<std::pair<uint32_t, uint32_t>> codes;
  std::vector<int64_t> rejected_of_segment(p.segments.names.size(), 0);
  for (size_t e = 0; e < ev.size(); ++e) {
    if (ev.outcome[e] != static_cast<uint8_t>(HandoffOutcome::kRejected)) continue;
    codes.emplace_back(p.segment_of_event[e], ev.reason[e]);
    ++rejected_of_segment[p.segment_of_event[e]];
  }
  std::sort(codes.begin(), codes.end());
  struct Row {
    uint32_t segment;
    std::string reason;
    int64_t rejected;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < codes.size();) {
    size_t k = i;
    while (k < codes.size() && codes[k] == codes[i]) ++k;
    const uint32_t code = codes[i].second;
    rows.push_back({codes[i].first,
                    code == 0 ? std::string(kNoReason) : std::string(labels.Get(code)),
                    static_cast<int64_t>(k - i)});
    i = k;
  }
  // A reason spelled "(no reason)" in the data joins the empty ones.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.segment, a.reason) < std::tie(b.segment, b.reason);
  });
  std::vector<Row> merged;
  for (Row& r : rows) {
    if (!merged.empty() && merged.back().segment == r.segment &&
        merged.back().reason == r.reason)
      merged.back().rejected += r.rejected;
    else
      merged.push_back(std::move(r));
  }
  std::sort(merged.begin(), merged.end(), [](const Row& a, const Row& b) {
    if (a.segment != b.segment) return a.segment < b.segment;
    if (a.rejected != b.rejected) return a.rejected > b.rejected;
    return a.reason < b.reason;
  });

  Table t("handoff_reasons");
  const size_t c_segment = t.AddColumn("segment", ColumnType::kString);
  const size_t c_reason = t.AddColumn("reason", ColumnType::kString);
  const size_t c_rejected = t.AddColumn("rejected", ColumnType::kInt64);
  const size_t c_share = t.AddColumn("share", ColumnType::kFloat64);
  for (const Row& r : merged) {
    t.AppendString(c_segment, p.segments.names[r.segment]);
    t.AppendString(c_reason, r.reason);
    t.AppendInt(c_rejected, r.rejected);
    t.AppendDouble(c_share, static_cast<double>(r.rejected) /
                                static_cast<double>(rejected_of_segment[r.segment]));
  }
  WarnIfEmpty(ws, options, p, &t);
  if (ev.size() > 0 && merged.empty())
    t.AddWarning("no hand-off was rejected (a rejection is the next stage row "
                 "after the hand-off with disposition rejected or stage "
                 "rejected)");
  BATON_RETURN_IF_ERROR(t.Validate());
  return t;
}

Result<Table> HandoffByResponse(const Workspace& ws,
                                const HandoffOptions& options) {
  BATON_ASSIGN_OR_RETURN(Prepared p, Prepare(ws, options));
  const HandoffEvents& ev = p.events;
  const size_t num_segments = p.segments.names.size();
  std::vector<int64_t> handed(num_segments * kNumBuckets, 0);
  std::vector<int64_t> won(num_segments * kNumBuckets, 0);
  for (size_t e = 0; e < ev.size(); ++e) {
    const size_t at = p.segment_of_event[e] * kNumBuckets + BucketOf(ev.response_ms[e]);
    ++handed[at];
    won[at] += ev.won[e];
  }
  Table t("handoff_by_response");
  const size_t c_segment = t.AddColumn("segment", ColumnType::kString);
  const size_t c_bucket = t.AddColumn("bucket", ColumnType::kString);
  const size_t c_handed = t.AddColumn("handed_off", ColumnType::kInt64);
  const size_t c_won = t.AddColumn("won", ColumnType::kInt64);
  const size_t c_rate = t.AddColumn("rate_to_won", ColumnType::kFloat64);
  for (size_t s = 0; s < num_segments; ++s) {
    if (p.events_of_segment[s] == 0) continue;
    for (int b = 0; b < kNumBuckets; ++b) {
      const size_t at = s * kNumBuckets + b;
      t.AppendString(c_segment, p.segments.names[s]);
      t.AppendString(c_bucket, kBuckets[b]);
      t.AppendInt(c_handed, handed[at]);
      t.AppendInt(c_won, won[at]);
      if (handed[at] > 0)
        t.AppendDouble(c_rate, static_cast<double>(won[at]) /
                                   static_cast<double>(handed[at]));
      else
        t.AppendNull(c_rate);
    }
  }
  WarnIfEmpty(ws, options, p, &t);
  BATON_RETURN_IF_ERROR(t.Validate());
  return t;
}

}  // namespace baton
