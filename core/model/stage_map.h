// StageMap: the ordered funnel and the translation of source values to it.
//
// The funnel is an ordered list of canonical stages (by default the demand
// waterfall inquiry < mql < sal < sql < opportunity < won) followed by exit
// stages (lost, rejected, recycled). A stage code is the stage's index in that
// combined list: funnel stages first, in order, then exits.
//
// Source values are matched after normalisation: lower case, with spaces,
// '-', '_' and '.' removed, so "Marketing Qualified Lead",
// "marketing_qualified_lead" and "marketingqualifiedlead" are one value.
// Defaults cover the canonical names and common CRM values (HubSpot lifecycle
// stages, Salesforce lead statuses and opportunity stages); a mapping's
// [stage_map] table adds to or overrides them.
// Copyable value type; const methods are thread-safe.
#ifndef BATON_MODEL_STAGE_MAP_H_
#define BATON_MODEL_STAGE_MAP_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace baton {

class StageMap {
 public:
  static constexpr int kUnknown = -1;
  // A mapping target meaning "not a stage entry": rows with such values are
  // accepted and not recorded (e.g. HubSpot's "other").
  static constexpr int kIgnore = -2;

  // The default demand waterfall with its default translations.
  StageMap();

  // Replaces the funnel and exits. Stage names are canonicalised to lower
  // case. Fails on duplicates, an empty funnel, or more than 60 stages.
  // Translations are reset to the identity of the new names.
  Status SetStages(const std::vector<std::string>& funnel,
                   const std::vector<std::string>& exits);

  // Adds or replaces the translation of `source_value` to `canonical`, a
  // stage name of this map or "ignore". Fails with a message listing the
  // valid names when `canonical` is not one.
  Status AddTranslation(std::string_view source_value,
                        std::string_view canonical);

  // The stage code of a source value, kIgnore, or kUnknown.
  int Lookup(std::string_view source_value) const;

  int num_funnel() const { return num_funnel_; }
  int num_stages() const { return static_cast<int>(names_.size()); }
  bool IsFunnel(int code) const { return code >= 0 && code < num_funnel_; }
  const std::string& Name(int code) const { return names_[code]; }
  // Code of a canonical name, or kUnknown.
  int CodeOf(std::string_view canonical) const;
  // The funnel stage that means a won deal: "won" if present, else the last.
  int won_code() const;
  // "inquiry, mql, sal, sql, opportunity, won (exits: lost, rejected, recycled)".
  std::string Describe() const;

  static std::string Normalize(std::string_view value);

 private:
  void AddDefaults();

  std::vector<std::string> names_;
  int num_funnel_ = 0;
  std::unordered_map<std::string, int> translations_;
};

}  // namespace baton

#endif  // BATON_MODEL_STAGE_MAP_H_
