#include "model/stage_map.h"

#include <algorithm>
#include <cctype>

namespace baton {
namespace {

struct DefaultTranslation {
  const char* value;
  const char* stage;
};

// Common CRM values. HubSpot lifecycle stages (internal names and labels),
// Salesforce lead statuses and opportunity stages of a default org, and the
// usual waterfall abbreviations.
constexpr DefaultTranslation kDefaults[] = {
    {"subscriber", "inquiry"},
    {"lead", "inquiry"},
    {"inquiry", "inquiry"},
    {"enquiry", "inquiry"},
    {"prospect", "inquiry"},
    {"raw", "inquiry"},
    {"marketingqualifiedlead", "mql"},
    {"marketingqualified", "mql"},
    {"openNotContacted", "mql"},
    {"salesacceptedlead", "sal"},
    {"salesaccepted", "sal"},
    {"accepted", "sal"},
    {"workingcontacted", "sal"},
    {"working", "sal"},
    {"salesqualifiedlead", "sql"},
    {"salesqualified", "sql"},
    {"closedconverted", "sql"},
    {"converted", "sql"},
    {"qualified", "sql"},
    {"opportunity", "opportunity"},
    {"opp", "opportunity"},
    {"prospecting", "opportunity"},
    {"qualification", "opportunity"},
    {"needsanalysis", "opportunity"},
    {"valueproposition", "opportunity"},
    {"iddecisionmakers", "opportunity"},
    {"perceptionanalysis", "opportunity"},
    {"proposalpricequote", "opportunity"},
    {"negotiationreview", "opportunity"},
    {"engaging", "opportunity"},
    {"customer", "won"},
    {"evangelist", "won"},
    {"closedwon", "won"},
    {"won", "won"},
    {"closedlost", "lost"},
    {"lost", "lost"},
    {"closednotconverted", "rejected"},
    {"unqualified", "rejected"},
    {"disqualified", "rejected"},
    {"rejected", "rejected"},
    {"recycled", "recycled"},
    {"nurture", "recycled"},
    {"other", "ignore"},
};

}  // namespace

std::string StageMap::Normalize(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == ' ' || c == '-' || c == '_' || c == '.' || c == '\t') continue;
    out.push_back(static_cast<char>(
        std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

StageMap::StageMap() {
  Status s = SetStages({"inquiry", "mql", "sal", "sql", "opportunity", "won"},
                       {"lost", "rejected", "recycled"});
  (void)s;
  AddDefaults();
}

void StageMap::AddDefaults() {
  for (const auto& d : kDefaults) {
    int code = std::string_view(d.stage) == "ignore" ? kIgnore : CodeOf(d.stage);
    if (code != kUnknown) translations_[Normalize(d.value)] = code;
  }
}

Status StageMap::SetStages(const std::vector<std::string>& funnel,
                           const std::vector<std::string>& exits) {
  if (funnel.empty())
    return Status::InvalidArgument("the funnel needs at least one stage");
  if (funnel.size() + exits.size() > 60)
    return Status::InvalidArgument("a funnel has at most 60 stages and exits");
  std::vector<std::string> names;
  for (const auto* list : {&funnel, &exits}) {
    for (const auto& n : *list) {
      std::string norm = Normalize(n);
      if (norm.empty())
        return Status::InvalidArgument("a stage name is empty");
      if (norm == "ignore")
        return Status::InvalidArgument("\"ignore\" is reserved, not a stage name");
      if (std::find(names.begin(), names.end(), norm) != names.end())
        return Status::InvalidArgument("stage \"" + n + "\" is listed twice");
      names.push_back(norm);
    }
  }
  names_ = std::move(names);
  num_funnel_ = static_cast<int>(funnel.size());
  translations_.clear();
  for (int i = 0; i < num_stages(); ++i) translations_[names_[i]] = i;
  return Status::OK();
}

Status StageMap::AddTranslation(std::string_view source_value,
                                std::string_view canonical) {
  std::string target = Normalize(canonical);
  int code = target == "ignore" ? kIgnore : CodeOf(target);
  if (code == kUnknown)
    return Status::InvalidArgument(
        "stage map: \"" + std::string(canonical) +
        "\" is not a stage; valid stages are " + Describe() + ", or \"ignore\"");
  translations_[Normalize(source_value)] = code;
  return Status::OK();
}

int StageMap::Lookup(std::string_view source_value) const {
  auto it = translations_.find(Normalize(source_value));
  return it == translations_.end() ? kUnknown : it->second;
}

int StageMap::CodeOf(std::string_view canonical) const {
  std::string norm = Normalize(canonical);
  for (int i = 0; i < num_stages(); ++i)
    if (names_[i] == norm) return i;
  return kUnknown;
}

int StageMap::won_code() const {
  int c = CodeOf("won");
  return IsFunnel(c) ? c : num_funnel_ - 1;
}

std::string StageMap::Describe() const {
  std::string out;
  for (int i = 0; i < num_funnel_; ++i) {
    if (i) out += ", ";
    out += names_[i];
  }
  if (num_stages() > num_funnel_) {
    out += " (exits: ";
    for (int i = num_funnel_; i < num_stages(); ++i) {
      if (i > num_funnel_) out += ", ";
      out += names_[i];
    }
    out += ")";
  }
  return out;
}

}  // namespace baton
