#include "spend/spend.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "attribution/attribution.h"
#include "common/text.h"
#include "model/segment.h"

namespace baton {
namespace {

constexpr uint32_t kUnassigned = std::numeric_limits<uint32_t>::max();
constexpr const char* kValidKeys = "spend.by, spend.model";

std::string ModelNames() {
  std::string out;
  for (const std::string& m : AttributionModelNames())
    out += (out.empty() ? "" : ", ") + m;
  return out;
}

Status CheckOptions(const SpendOptions& o) {
  if (o.by != "channel" && o.by != "campaign")
    return Status::InvalidArgument("spend.by must be channel or campaign (got \"" +
                                   o.by + "\")");
  const auto& models = AttributionModelNames();
  if (std::find(models.begin(), models.end(), o.model) == models.end())
    return Status::InvalidArgument("spend.model: \"" + o.model +
                                   "\" is not one attribution model; use one "
                                   "of " +
                                   ModelNames());
  return Status::OK();
}

// Keys by label code: label -> key index, created on first use; "(none)"
// gathers the empty label and a literal "(none)".
class KeyIndex {
 public:
  explicit KeyIndex(const Dictionary& labels)
      : labels_(labels), key_of_label_(labels.size(), kUnassigned) {}

  uint32_t OfLabel(uint32_t label) {
    uint32_t& k = key_of_label_[label];
    if (k != kUnassigned) return k;
    if (label == 0 || labels_.Get(label) == kNoSegment) {
      k = None();
    } else {
      k = static_cast<uint32_t>(names_.size());
      names_.emplace_back(labels_.Get(label));
    }
    return k;
  }

  uint32_t OfName(const std::string& name) {
    const uint32_t label = name == kNoSegment ? 0 : labels_.Find(name);
    if (label != Dictionary::kNotFound) return OfLabel(label);
    // Not a label of the workspace (cannot happen for Attribute's keys,
    // which come from touch labels); keep it as its own key.
    names_.push_back(name);
    return static_cast<uint32_t>(names_.size() - 1);
  }

  const std::vector<std::string>& names() const { return names_; }
  bool IsNone(uint32_t k) const { return k == none_; }

 private:
  uint32_t None() {
    if (none_ == kUnassigned) {
      none_ = static_cast<uint32_t>(names_.size());
      names_.emplace_back(kNoSegment);
    }
    return none_;
  }

  const Dictionary& labels_;
  std::vector<uint32_t> key_of_label_;
  std::vector<std::string> names_;
  uint32_t none_ = kUnassigned;
};

struct KeyTotals {
  double spend = 0;
  bool has_spend = false;
  int64_t people = 0, mqls = 0, sqls = 0;
  double won = 0;  // first-touch won people, or attributed conversions
  double revenue = 0;
  bool credited = false;
};

}  // namespace

Result<SpendOptions> ParseSpendOptions(
    const std::map<std::string, std::string>& options) {
  SpendOptions out;
  for (const auto& [key, value] : options) {
    if (key.rfind("spend.", 0) != 0) continue;
    if (key == "spend.by") {
      out.by = AsciiLower(value);
    } else if (key == "spend.model") {
      out.model = AsciiLower(value);
    } else {
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the spend options are " + kValidKeys);
    }
  }
  BATON_RETURN_IF_ERROR(CheckOptions(out));
  return out;
}

Result<Table> Spend(const Workspace& ws, const SpendOptions& raw) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the spend analysis needs a frozen workspace: call Freeze() after "
        "loading");
  SpendOptions options = raw;
  options.by = AsciiLower(options.by);
  options.model = AsciiLower(options.model);
  BATON_RETURN_IF_ERROR(CheckOptions(options));
  const bool by_campaign = options.by == "campaign";
  const bool first_model = options.model == "first";

  const StageMap& map = ws.stage_map();
  const int mql = map.CodeOf("mql");
  const int sql = map.CodeOf("sql");
  const bool has_mql = map.IsFunnel(mql), has_sql = map.IsFunnel(sql);
  const int won_stage = map.won_code();

  // Revenue (and, for models other than first, customers) from attribution.
  AttributionOptions attribution;
  attribution.models = {options.model};
  attribution.by = options.by;
  attribution.conversion = map.Name(won_stage);
  BATON_ASSIGN_OR_RETURN(Table credit, Attribute(ws, attribution));

  KeyIndex keys(ws.labels());
  std::vector<KeyTotals> totals;
  auto at = [&](uint32_t k) -> KeyTotals& {
    if (k >= totals.size()) totals.resize(k + 1);
    return totals[k];
  };

  const SpendColumns& sp = ws.spend();
  const std::vector<uint32_t>& spend_key = by_campaign ? sp.campaign : sp.channel;
  for (size_t i = 0; i < sp.size(); ++i) {
    KeyTotals& t = at(keys.OfLabel(spend_key[i]));
    t.spend += sp.amount[i];
    t.has_spend = true;
  }

  // People: sourcing key, reach and wins, in one pass over people.
  std::vector<uint8_t> won_deal(ws.num_people(), 0);
  {
    const DealColumns& d = ws.deals();
    for (size_t i = 0; i < d.size(); ++i)
      if (d.is_won[i] && d.person[i] != kNoPerson) won_deal[d.person[i]] = 1;
  }
  const TouchColumns& tc = ws.touches();
  const StageColumns& st = ws.stages();
  const std::vector<uint32_t>& t_off = ws.touch_offsets();
  const std::vector<uint32_t>& s_off = ws.stage_offsets();
  const std::vector<uint32_t>& touch_key = by_campaign ? tc.campaign : tc.channel;
  const uint8_t marketing = static_cast<uint8_t>(Side::kMarketing);
  const int num_funnel = map.num_funnel();
  for (uint32_t p = 0; p < ws.num_people(); ++p) {
    uint32_t label = by_campaign ? 0 : ws.people().source[p];
    for (uint32_t j = t_off[p]; j < t_off[p + 1]; ++j) {
      if (tc.side[j] == marketing) {
        label = touch_key[j];
        break;
      }
    }
    int max_stage = -1;
    bool won = won_deal[p] != 0;
    for (uint32_t r = s_off[p]; r < s_off[p + 1]; ++r) {
      const int s = st.stage[r];
      if (s < num_funnel) max_stage = std::max(max_stage, s);
      won = won || s == won_stage;
    }
    KeyTotals& t = at(keys.OfLabel(label));
    ++t.people;
    t.mqls += has_mql && max_stage >= mql;
    t.sqls += has_sql && max_stage >= sql;
    if (first_model && won) t.won += 1;
  }

  {
    const int c_key = credit.ColumnIndex("key");
    const int c_conv = credit.ColumnIndex("conversions");
    const int c_rev = credit.ColumnIndex("revenue");
    if (c_key < 0 || c_conv < 0 || c_rev < 0)
      return Status::Internal("the attribution table lacks key, conversions or revenue");
    for (size_t r = 0; r < credit.num_rows(); ++r) {
      KeyTotals& t = at(keys.OfName(credit.column(c_key).strings[r]));
      const double conv = credit.IsNull(c_conv, r) ? 0 : credit.column(c_conv).doubles[r];
      const double rev = credit.IsNull(c_rev, r) ? 0 : credit.column(c_rev).doubles[r];
      if (!first_model) t.won += conv;
      t.revenue += rev;
      t.credited = t.credited || conv != 0 || rev != 0;
    }
  }
  totals.resize(keys.names().size());

  std::vector<uint32_t> order;
  for (uint32_t k = 0; k < totals.size(); ++k) {
    const KeyTotals& t = totals[k];
    if (t.has_spend || t.people > 0 || t.credited || t.won != 0) order.push_back(k);
  }
  const std::vector<std::string>& names = keys.names();
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const bool an = keys.IsNone(a), bn = keys.IsNone(b);
    if (an != bn) return bn;
    if (totals[a].spend != totals[b].spend) return totals[a].spend > totals[b].spend;
    return names[a] < names[b];
  });

  Table out("spend");
  const size_t c_key = out.AddColumn("key", ColumnType::kString);
  const size_t c_spend = out.AddColumn("spend", ColumnType::kFloat64);
  const size_t c_people = out.AddColumn("people", ColumnType::kInt64);
  const size_t c_mqls = out.AddColumn("mqls", ColumnType::kInt64);
  const size_t c_sqls = out.AddColumn("sqls", ColumnType::kInt64);
  const size_t c_won = out.AddColumn("won_deals", ColumnType::kFloat64);
  const size_t c_revenue = out.AddColumn("revenue", ColumnType::kFloat64);
  const size_t c_cpl = out.AddColumn("cost_per_lead", ColumnType::kFloat64);
  const size_t c_cpm = out.AddColumn("cost_per_mql", ColumnType::kFloat64);
  const size_t c_cps = out.AddColumn("cost_per_sql", ColumnType::kFloat64);
  const size_t c_cac = out.AddColumn("cac", ColumnType::kFloat64);
  const size_t c_roi = out.AddColumn("roi", ColumnType::kFloat64);
  auto per = [&](size_t col, double num, double den) {
    if (den != 0 && std::isfinite(num / den))
      out.AppendDouble(col, num / den);
    else
      out.AppendNull(col);
  };
  for (uint32_t k : order) {
    const KeyTotals& t = totals[k];
    out.AppendString(c_key, names[k]);
    out.AppendDouble(c_spend, t.spend);
    out.AppendInt(c_people, t.people);
    if (has_mql)
      out.AppendInt(c_mqls, t.mqls);
    else
      out.AppendNull(c_mqls);
    if (has_sql)
      out.AppendInt(c_sqls, t.sqls);
    else
      out.AppendNull(c_sqls);
    out.AppendDouble(c_won, t.won);
    out.AppendDouble(c_revenue, t.revenue);
    per(c_cpl, t.spend, static_cast<double>(t.people));
    per(c_cpm, t.spend, has_mql ? static_cast<double>(t.mqls) : 0.0);
    per(c_cps, t.spend, has_sql ? static_cast<double>(t.sqls) : 0.0);
    per(c_cac, t.spend, t.won);
    per(c_roi, t.revenue - t.spend, t.spend);
  }

  if (sp.size() == 0)
    out.AddWarning("the workspace has no spend rows; map a spend table to see "
                   "costs");
  if (!has_mql || !has_sql)
    out.AddWarning(std::string("the funnel has no ") +
                   (!has_mql && !has_sql ? "mql and no sql" : !has_mql ? "mql" : "sql") +
                   " stage (" + map.Describe() + "); those columns are null");
  {
    uint32_t currency = 0;
    bool mixed = false;
    for (uint32_t c : sp.currency) {
      if (c == 0) continue;
      if (currency == 0) currency = c;
      mixed = mixed || c != currency;
    }
    if (mixed)
      out.AddWarning("spend rows carry more than one currency; amounts are "
                     "summed as given, without conversion");
  }
  for (const std::string& w : credit.warnings())
    out.AddWarning("revenue attribution: " + w);
  BATON_RETURN_IF_ERROR(out.Validate());
  return out;
}

}  // namespace baton
