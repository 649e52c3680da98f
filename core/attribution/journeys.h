// Journeys: what attribution credits, read from a frozen workspace.
//
// A journey is the ordered list of touches one person had before converting
// (or all of their touches when they never convert), or one row of the
// aggregated paths table. Every attribution model reads journeys only, so
// this file holds the whole "what is credited" contract:
//
// Person journeys (the workspace has touches):
//   - A person converts when they first enter the conversion stage. When the
//     conversion stage is the stage map's won stage, a won deal linked to
//     the person converts them too, at its closed_at; the earlier of the two
//     counts. Revenue is the sum of the amounts of the person's won deals
//     (0 when they converted through a stage and have no won deal).
//   - Credited touches: the person's marketing touches (and sales touches
//     with include_sales) at or before the conversion time and, with a
//     lookback, no more than lookback before it.
//   - A person who never converts forms a non-converting journey of all
//     their marketing (and, with include_sales, sales) touches; a person
//     without such touches forms none.
//   - A converting person without credited touches forms no journey; the
//     conversion is counted as uncredited.
//   - Key: the touch's channel or campaign label; an empty label is "(none)".
//   - Milestones (for w_shaped and full_path): the lead-creation time is the
//     person's first entry into any funnel stage at or after "mql" (any
//     funnel stage when the funnel has no "mql"); the opportunity-creation
//     time is the earlier of the first "opportunity" entry and the creation
//     of the person's first deal. The milestone touch is the last credited
//     touch at or before that time; none when there is no such time or no
//     credited touch at or before it.
// Path journeys (the workspace has paths and no touches):
//   - Each row is one journey carrying its conversions, value and nulls.
//     Touch ages for time decay: the steps are one day apart and the last
//     step is at the conversion (age of step i of n = n-1-i days).
//     Milestones are unknown (see rules.h for the fallback).
//
// Ownership and threads: a JourneySource keeps a pointer to the workspace,
// which must outlive it and stay frozen. Its const methods may be called from
// any number of threads at once, each with its own JourneyScratch.
#ifndef BATON_ATTRIBUTION_JOURNEYS_H_
#define BATON_ATTRIBUTION_JOURNEYS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

// Key codes are uint16: attribution supports at most this many keys.
inline constexpr size_t kMaxAttributionKeys = 65535;
// The key name given to touches without a channel (or campaign).
inline constexpr const char* kNoKeyName = "(none)";
// A milestone index meaning "no touch holds this milestone".
inline constexpr int32_t kNoMilestone = -1;
// A milestone index meaning "milestones are not known" (path journeys).
inline constexpr int32_t kUnknownMilestone = -2;

// One journey, valid until the scratch it was built in is reused.
struct JourneyView {
  const uint16_t* keys = nullptr;   // n key codes, oldest first
  const int64_t* age_ms = nullptr;  // n ages: conversion time - touch time
  uint32_t n = 0;
  double conversions = 0;  // 1 for a converting person; a path's count
  double revenue = 0;
  double nulls = 0;             // 1 for a non-converting person; a path's count
  int32_t last_non_direct = 0;  // index of the last touch whose channel is
                                // not "direct"; the last touch when all are
  int32_t lead = kNoMilestone;  // lead-creation touch index
  int32_t opportunity = kNoMilestone;  // opportunity-creation touch index
  bool held_out = false;  // in the held-out fifth used to choose an order
  // A journey is credited by the rule models when it converted or carries
  // value.
  bool converting() const { return conversions > 0 || revenue > 0; }
};

// Buffers one worker reuses for every journey it builds.
struct JourneyScratch {
  std::vector<uint16_t> keys;
  std::vector<int64_t> age_ms;
};

struct JourneyOptions {
  bool by_campaign = false;
  bool include_sales = false;
  int64_t lookback_ms = -1;        // < 0: unlimited
  std::string conversion = "won";  // stage name
};

class JourneySource {
 public:
  enum class Unit { kNone, kJourney, kUncredited };

  // Validates the options against the workspace and prepares the key codes
  // and per-person deal facts. Errors: FailedPrecondition (not frozen),
  // InvalidArgument (unknown conversion stage, naming the valid ones; by
  // campaign on aggregated paths; more than kMaxAttributionKeys keys).
  static Result<JourneySource> Make(const Workspace& ws,
                                    const JourneyOptions& options);

  bool from_paths() const { return from_paths_; }
  // Units are people (person journeys) or path rows.
  size_t num_units() const { return num_units_; }
  // Key names by code: sorted, "(none)" last.
  const std::vector<std::string>& key_names() const { return key_names_; }
  size_t num_keys() const { return key_names_.size(); }
  // Notes about data that could not be used (unlinked won deals, ...).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // What a pass needs from Build.
  struct Wants {
    bool non_converting = true;  // false: kNone for non-converting people
    bool held_out = false;       // compute JourneyView::held_out (a hash of
                                 // the person id, or of the row number,
                                 // picks one in five)
  };

  // Builds the journey of unit `u` in `scratch` and describes it in `*out`.
  // kUncredited: a conversion without credited touches (no journey).
  // kNone: no journey.
  Unit Build(size_t u, const Wants& wants, JourneyScratch* scratch,
             JourneyView* out) const;

  // Splits [0, num_units) into at most `max_chunks` ranges of about equal
  // touches; chunk i is [bounds[i], bounds[i+1]). Depends on the data only,
  // so results do not depend on the number of threads.
  std::vector<size_t> ChunkBounds(size_t max_chunks) const;

 private:
  JourneySource() = default;
  Unit BuildPerson(size_t p, const Wants& wants, JourneyScratch* scratch,
                   JourneyView* out) const;
  Unit BuildPath(size_t r, const Wants& wants, JourneyScratch* scratch,
                 JourneyView* out) const;

  const Workspace* ws_ = nullptr;
  bool from_paths_ = false;
  size_t num_units_ = 0;
  JourneyOptions options_;
  std::vector<std::string> key_names_;
  std::vector<uint16_t> label_key_;    // label code -> key code
  std::vector<uint8_t> direct_label_;  // 1 for channel labels spelled "direct"
  int conversion_stage_ = 0;
  bool conversion_is_won_ = false;
  int lead_stage_ = 0;  // funnel codes >= this are lead-or-later
  int opportunity_stage_ = -1;
  // Per person (empty when no deal is linked to a person).
  std::vector<double> won_revenue_;
  std::vector<int64_t> won_at_;
  std::vector<int64_t> first_deal_at_;
  std::vector<std::string> warnings_;
};

// Runs task(i) for i in [0, n) on up to hardware_concurrency threads. A
// task that throws (std::bad_alloc) makes the whole call return an error.
Status ParallelFor(size_t n, const std::function<void(size_t)>& task);

}  // namespace baton

#endif  // BATON_ATTRIBUTION_JOURNEYS_H_
