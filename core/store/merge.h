// Merge: adds the rows of a newer load of a source to a workspace read
// before (usually from a saved workspace file) without duplicating rows.
//
// Each table has a key; a row of the update whose key the base already has
// either replaces the base row or is dropped as a duplicate:
//
//   people   person_id                      the update's non-empty fields
//                                           (account, created_at, source,
//                                           owner, each attribute) replace
//                                           the base's; empty ones keep them
//   touches  (person_id, at, channel,       an exact duplicate is dropped
//             campaign, side, activity)
//   stages   (person_id, stage, at)         a duplicate is dropped
//   deals    deal_id                        the update's row replaces the
//                                           base's whole row
//   spend    (channel, campaign,            the update's row replaces
//             period_start, period_end)     the base's
//   paths    the channel sequence           the update's counts replace
//
// Rows of the update with new keys are appended. Stages are matched by
// stage name: the base's funnel must name every stage the update uses.
// Duplicates inside the update itself are kept as the source gave them.
//
// Thread-safety: none; the base is modified by the calling thread.
#ifndef BATON_STORE_MERGE_H_
#define BATON_STORE_MERGE_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

// What a merge did to one table.
struct MergeCount {
  int64_t added = 0;      // rows with a new key
  int64_t replaced = 0;   // rows whose key existed and whose values changed
  int64_t unchanged = 0;  // rows whose key existed with the same values
                          // (for touches and stages: duplicates dropped)
};

struct MergeCounts {
  MergeCount people, touches, stages, deals, spend, paths;
};

// Merges `update` into `base` by the keys above. `base` must not be frozen
// (freeze it afterwards); `update` may be frozen or not and is only read.
// Errors: FailedPrecondition (base frozen), InvalidArgument (a stage of the
// update that the base's funnel lacks: the message names it).
[[nodiscard]] Status MergeInto(Workspace* base, const Workspace& update,
                               MergeCounts* counts);

}  // namespace baton

#endif  // BATON_STORE_MERGE_H_
