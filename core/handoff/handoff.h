// The hand-off from marketing to sales: how fast sales responds to the leads
// marketing hands over, how many it accepts, rejects (and why) or recycles,
// how many are dropped, and how many end up won.
//
// A hand-off is one entry of a person into the hand-off stage (default
// "mql"): each stage row of that stage is one hand-off, so a person who is
// recycled and qualified again later has two hand-offs. A person who skips
// the stage (e.g. goes from inquiry straight to sql) has none. The episode of
// a hand-off runs from its time to the person's next hand-off (the end of
// time for the last one); what follows in that episode belongs to it.
//
// Definitions (h = the hand-off time, "sales touch" = a touch with side
// sales, "next stage row" = the person's stage row right after the hand-off
// row in time order):
//   worked     the episode has a sales touch at or after h and before the
//              next hand-off. Response time = the first such touch - h.
//   within_sla worked with response <= sla (exactly sla counts as within).
//   leaked     no sales touch and no later stage row within leak_after of h
//              (a row or touch exactly at h + leak_after counts as activity),
//              and h + leak_after <= the newest timestamp in the data
//              (Workspace::max_time): younger hand-offs are not yet leaks.
//              A hand-off worked only after leak_after is both worked and
//              leaked.
//   outcome    read from the next stage row: accepted when its disposition
//              is accepted, or it is advanced and enters a funnel stage after
//              the hand-off stage; rejected when its disposition is rejected
//              or (advanced) its stage is "rejected"; recycled when its
//              disposition is recycled or (advanced) its stage is
//              "recycled"; otherwise (no next row, a re-entry of the
//              hand-off stage, an earlier stage, an exit such as lost) none.
//   won        the person enters the won stage (a stage row after the
//              hand-off row and before the next hand-off row) or has a won
//              deal closed in [h, next hand-off) (a won deal without
//              closed_at uses created_at; one with neither belongs to the
//              person's last episode). Each win is credited to one hand-off:
//              the latest before it.
//
// Handoff() columns, one row per segment that has hand-offs, in segment
// order (sorted, "(none)" last; by = "" gives the single segment "all"):
//   segment                string
//   handed_off             int64    hand-offs
//   worked                 int64    hand-offs worked
//   response_median_hours  float64  median response of worked hand-offs, in
//                                   hours (numpy's linear rule); null if none
//   response_p90_hours     float64  90th percentile, likewise
//   within_sla             int64
//   sla_rate               float64  within_sla / handed_off: hand-offs never
//                                   worked count against it
//   leaked                 int64
//   accepted               int64
//   rejected               int64
//   acceptance_rate        float64  accepted / (accepted + rejected); null
//                                   when both are 0 (recycled and undecided
//                                   hand-offs are left out of it)
//   recycled               int64
//   won                    int64
//   rate_to_won            float64  won / handed_off
// Segments (by) are those of model/segment.h: source, campaign, owner or a
// people attribute of the handed-off person.
//
// HandoffReasons() columns: segment, reason (string; the next stage row's
// reason, "(no reason)" when empty), rejected (int64), share (float64:
// rejected / rejected hand-offs of the segment). Rows sorted by segment, then
// rejected descending, then reason.
//
// HandoffByResponse() columns: segment, bucket, handed_off, won (int64),
// rate_to_won (float64, won / handed_off, null when 0). Per segment with
// hand-offs, the buckets in this order: "<1h" [0, 1h), "1-4h" [1h, 4h),
// "4-24h" [4h, 24h), "1-3d" [24h, 72h), ">3d" >= 72h, "never" (not worked).
//
// Pure functions of a frozen workspace: one pass over people using the
// per-person stage and touch offsets. Any number of threads may call them at
// once on the same workspace. Since: 1.0
#ifndef BATON_HANDOFF_HANDOFF_H_
#define BATON_HANDOFF_HANDOFF_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct HandoffOptions {
  std::string by;                           // "" = one segment "all"
  std::string stage = "mql";                // the hand-off stage (a funnel stage)
  int64_t sla_ms = 24 * 3600000LL;          // response target
  int64_t leak_after_ms = 30 * 86400000LL;  // silence after which a hand-off leaked
};

// Reads handoff.by, handoff.stage, handoff.sla and handoff.leak_after
// (durations such as "24h", "30d"; a bare number means days). Keys of other
// prefixes are ignored. InvalidArgument for another handoff.* key (listing
// the valid ones) or a value that is not a duration.
Result<HandoffOptions> ParseHandoffOptions(
    const std::map<std::string, std::string>& options);

enum class HandoffOutcome : uint8_t {
  kNone = 0,
  kAccepted = 1,
  kRejected = 2,
  kRecycled = 3,
};

// Response time of a hand-off never worked.
inline constexpr int64_t kNotWorked = -1;

// Every hand-off of the workspace, ordered by person, then time. Parallel
// columns, as defined in the header comment above.
struct HandoffEvents {
  std::vector<uint32_t> person;
  std::vector<int64_t> at;
  std::vector<int64_t> response_ms;  // kNotWorked when not worked
  std::vector<uint8_t> outcome;      // a HandoffOutcome
  std::vector<uint32_t> reason;      // label code of the outcome row's reason
                                     // when rejected, else 0
  std::vector<uint8_t> leaked;       // 0 or 1
  std::vector<uint8_t> won;          // 0 or 1
  size_t size() const { return person.size(); }
};

// Finds the hand-offs (options.by is not used). Errors: FailedPrecondition
// when the workspace is not frozen; InvalidArgument when options.stage is
// not a funnel stage of the stage map (listing them) or a duration is
// negative.
Result<HandoffEvents> FindHandoffs(const Workspace& ws,
                                   const HandoffOptions& options);

// The tables described above. Errors: those of FindHandoffs, and NotFound
// when `by` names no field or attribute (listing the valid ones). A table
// without rows carries a warning saying why.
Result<Table> Handoff(const Workspace& ws, const HandoffOptions& options);
Result<Table> HandoffReasons(const Workspace& ws, const HandoffOptions& options);
Result<Table> HandoffByResponse(const Workspace& ws,
                                const HandoffOptions& options);

}  // namespace baton

#endif  // BATON_HANDOFF_HANDOFF_H_
