#include "pipeline/deals.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string_view>

#include "common/text.h"
#include "handoff/quantile.h"
#include "model/segment.h"

namespace baton {
namespace {

constexpr uint32_t kUnassigned = std::numeric_limits<uint32_t>::max();
constexpr const char* kValidKeys = "deals.by, deals.owners_as_people";

std::string ValidByNames(const Workspace& ws) {
  std::vector<std::string> attributes;
  for (const auto& [key, values] : ws.people().attributes)
    attributes.emplace_back(ws.labels().Get(key));
  std::sort(attributes.begin(), attributes.end());
  std::string out = "owner, source, campaign";
  if (attributes.empty()) return out + " (no people attributes are loaded)";
  out += " or a people attribute: ";
  for (size_t i = 0; i < attributes.size(); ++i)
    out += (i ? ", " : "") + attributes[i];
  return out;
}

// The label code of each deal's key (0 = missing).
Result<std::vector<uint32_t>> DealKeys(const Workspace& ws,
                                       const DealsOptions& options) {
  const DealColumns& d = ws.deals();
  if (options.by.empty()) return std::vector<uint32_t>(d.size(), 0);
  if (options.by == "owner") return d.owner;
  if (options.by == "source") return d.source;
  if (options.by == "campaign") return d.campaign;
  const uint32_t key = ws.AttributeKey(options.by);
  if (key == Dictionary::kNotFound)
    return Status::NotFound("cannot group deals by \"" + options.by +
                            "\": it is not a deal field or a people "
                            "attribute; group by " +
                            ValidByNames(ws));
  const std::vector<uint32_t>& values = ws.people().attributes.at(key);
  const Dictionary& labels = ws.labels();
  // Owner label -> person index, looked up once per distinct owner.
  std::vector<uint32_t> owner_person;
  if (options.owners_as_people) owner_person.assign(labels.size(), kUnassigned);
  std::vector<uint32_t> out(d.size(), 0);
  for (size_t i = 0; i < d.size(); ++i) {
    uint32_t p = d.person[i];
    if (p == kNoPerson && options.owners_as_people && d.owner[i] != 0) {
      uint32_t& cached = owner_person[d.owner[i]];
      if (cached == kUnassigned) {
        uint32_t found = ws.person_ids().Find(labels.Get(d.owner[i]));
        cached = found == Dictionary::kNotFound ? kNoPerson : found;
      }
      p = cached;
    }
    if (p != kNoPerson) out[i] = values[p];
  }
  return out;
}

bool ParseBool(std::string_view v, bool* out) {
  const std::string s = AsciiLower(v);
  if (s == "true" || s == "1" || s == "yes") {
    *out = true;
    return true;
  }
  if (s == "false" || s == "0" || s == "no") {
    *out = false;
    return true;
  }
  return false;
}

}  // namespace

Result<DealsOptions> ParseDealsOptions(
    const std::map<std::string, std::string>& options) {
  DealsOptions out;
  for (const auto& [key, value] : options) {
    if (key.rfind("deals.", 0) != 0) continue;
    if (key == "deals.by") {
      out.by = value;
    } else if (key == "deals.owners_as_people") {
      if (!ParseBool(value, &out.owners_as_people))
        return Status::InvalidArgument("option deals.owners_as_people: \"" +
                                       value +
                                       "\" is not a boolean; use true or false");
    } else {
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the deals options are " + kValidKeys);
    }
  }
  return out;
}

Result<Table> Deals(const Workspace& ws, const DealsOptions& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the deals analysis needs a frozen workspace: call Freeze() after "
        "loading");
  BATON_ASSIGN_OR_RETURN(std::vector<uint32_t> keys, DealKeys(ws, options));
  const DealColumns& d = ws.deals();
  const Dictionary& labels = ws.labels();

  // Groups: distinct key labels, sorted by name, "(none)" (missing or spelled
  // so) last. A flat vector indexed by label code replaces any map.
  std::vector<uint32_t> group_of_label(labels.size(), kUnassigned);
  std::vector<uint32_t> used;
  bool any_none = false;
  for (uint32_t k : keys) {
    if (k == 0 || labels.Get(k) == kNoSegment) {
      any_none = true;
      continue;
    }
    if (group_of_label[k] == kUnassigned) {
      group_of_label[k] = 0;
      used.push_back(k);
    }
  }
  std::sort(used.begin(), used.end(), [&](uint32_t a, uint32_t b) {
    return labels.Get(a) < labels.Get(b);
  });
  std::vector<std::string> names;
  for (uint32_t i = 0; i < used.size(); ++i) {
    group_of_label[used[i]] = i;
    names.emplace_back(labels.Get(used[i]));
  }
  const uint32_t none = static_cast<uint32_t>(used.size());
  if (any_none) names.emplace_back(options.by.empty() ? "all" : kNoSegment);
  const size_t num_groups = names.size();

  struct Counts {
    int64_t deals = 0, open = 0, won = 0, lost = 0;
    double won_amount = 0, open_amount = 0;
    size_t cycles = 0;
  };
  std::vector<Counts> c(num_groups);
  std::vector<uint32_t> group(d.size());
  int64_t negative = 0;
  uint32_t currency = 0;
  bool mixed_currency = false;
  for (size_t i = 0; i < d.size(); ++i) {
    const uint32_t g0 = group_of_label[keys[i]];
    const uint32_t g = g0 == kUnassigned ? none : g0;
    group[i] = g;
    Counts& x = c[g];
    ++x.deals;
    if (!d.is_closed[i]) {
      ++x.open;
      x.open_amount += d.amount[i];
    } else if (d.is_won[i]) {
      ++x.won;
      x.won_amount += d.amount[i];
    } else {
      ++x.lost;
    }
    if (d.is_closed[i] && d.created_at[i] != kNoTime && d.closed_at[i] != kNoTime) {
      if (d.closed_at[i] < d.created_at[i])
        ++negative;
      else
        ++x.cycles;
    }
    if (d.currency[i] != 0) {
      if (currency == 0) currency = d.currency[i];
      mixed_currency = mixed_currency || d.currency[i] != currency;
    }
  }

  // Cycle days grouped by key (a counting sort), for the medians.
  std::vector<size_t> start(num_groups + 1, 0);
  for (size_t g = 0; g < num_groups; ++g) start[g + 1] = start[g] + c[g].cycles;
  std::vector<double> days(start[num_groups]);
  {
    std::vector<size_t> fill(start.begin(), start.end() - 1);
    for (size_t i = 0; i < d.size(); ++i) {
      if (!d.is_closed[i] || d.created_at[i] == kNoTime ||
          d.closed_at[i] == kNoTime || d.closed_at[i] < d.created_at[i])
        continue;
      // Both are int64 milliseconds; the difference of two real dates is
      // exact in a double.
      days[fill[group[i]]++] =
          (static_cast<double>(d.closed_at[i]) - static_cast<double>(d.created_at[i])) /
          kMillisPerDay;
    }
  }

  Table t("deals");
  const size_t c_key = t.AddColumn("key", ColumnType::kString);
  const size_t c_deals = t.AddColumn("deals", ColumnType::kInt64);
  const size_t c_open = t.AddColumn("open", ColumnType::kInt64);
  const size_t c_won = t.AddColumn("won", ColumnType::kInt64);
  const size_t c_lost = t.AddColumn("lost", ColumnType::kInt64);
  const size_t c_rate = t.AddColumn("win_rate", ColumnType::kFloat64);
  const size_t c_won_amount = t.AddColumn("won_amount", ColumnType::kFloat64);
  const size_t c_avg = t.AddColumn("avg_won_amount", ColumnType::kFloat64);
  const size_t c_cycle = t.AddColumn("median_cycle_days", ColumnType::kFloat64);
  const size_t c_open_amount =
      t.AddColumn("pipeline_open_amount", ColumnType::kFloat64);
  for (size_t g = 0; g < num_groups; ++g) {
    const Counts& x = c[g];
    t.AppendString(c_key, names[g]);
    t.AppendInt(c_deals, x.deals);
    t.AppendInt(c_open, x.open);
    t.AppendInt(c_won, x.won);
    t.AppendInt(c_lost, x.lost);
    if (x.won + x.lost > 0)
      t.AppendDouble(c_rate, static_cast<double>(x.won) /
                                 static_cast<double>(x.won + x.lost));
    else
      t.AppendNull(c_rate);
    t.AppendDouble(c_won_amount, x.won_amount);
    if (x.won > 0)
      t.AppendDouble(c_avg, x.won_amount / static_cast<double>(x.won));
    else
      t.AppendNull(c_avg);
    t.AppendDoubleOrNull(
        c_cycle, LinearQuantile(days.data() + start[g], days.data() + start[g + 1], 0.5));
    t.AppendDouble(c_open_amount, x.open_amount);
  }
  if (d.size() == 0)
    t.AddWarning("the workspace has no deals; map a deals table to see the "
                 "pipeline");
  if (negative > 0)
    t.AddWarning(std::to_string(negative) +
                 (negative == 1 ? " deal was" : " deals were") +
                 " closed before it was created (closed_at < created_at); "
                 "left out of median_cycle_days, not of the counts");
  if (mixed_currency)
    t.AddWarning("deals carry more than one currency; amounts are summed as "
                 "given, without conversion");
  BATON_RETURN_IF_ERROR(t.Validate());
  return t;
}

std::vector<uint8_t> MarketingSourcedDeals(const Workspace& ws) {
  const DealColumns& d = ws.deals();
  const TouchColumns& t = ws.touches();
  const std::vector<uint32_t>& offsets = ws.touch_offsets();
  const uint8_t marketing = static_cast<uint8_t>(Side::kMarketing);
  std::vector<uint8_t> out(d.size(), 0);
  for (size_t i = 0; i < d.size(); ++i) {
    const uint32_t p = d.person[i];
    if (p != kNoPerson && p + 1 < offsets.size() && offsets[p] < offsets[p + 1])
      out[i] = t.side[offsets[p]] == marketing;
    else
      out[i] = d.source[i] != 0;
  }
  return out;
}

}  // namespace baton
