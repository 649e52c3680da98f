// The deals pipeline: deals, wins, losses, amounts and sales cycle per owner,
// source, campaign or attribute.
//
// Deals() returns one row per key, sorted by key (byte order) with "(none)"
// last. Columns:
//   key                   string   the deal's value of `by` (below); "(none)"
//                                  when missing; "all" when by is empty
//   deals                 int64    deals with this key
//   open                  int64    deals not closed (!is_closed)
//   won                   int64    deals won (is_won)
//   lost                  int64    deals closed and not won
//   win_rate              float64  won / (won + lost); null when both are 0
//   won_amount            float64  sum of the amounts of won deals (0 when
//                                  none)
//   avg_won_amount        float64  won_amount / won; null when won is 0
//   median_cycle_days     float64  median over won and lost deals that have
//                                  both created_at and closed_at of
//                                  (closed_at - created_at) in days, numpy's
//                                  linear rule; deals closed before they were
//                                  created are left out and counted in a
//                                  table warning; null when none is left
//   pipeline_open_amount  float64  sum of the amounts of open deals
// Amounts are summed as given, whatever their currency (a warning names the
// currencies when deals carry more than one).
//
// by:
//   ""                          every deal in the key "all"
//   owner | source | campaign   the deal's own field
//   a people attribute          the attribute of the deal's person. Owners
//                               listed as people: a deal without a linked
//                               person takes the attribute of the person
//                               whose person_id equals the deal's owner
//                               (e.g. sales agents loaded as people with
//                               attributes manager and regional_office).
//                               Otherwise, or when that value is missing,
//                               "(none)".
//
// Pure functions of a frozen workspace; any number of threads may call them
// at once on the same workspace. Since: 1.0
#ifndef BATON_PIPELINE_DEALS_H_
#define BATON_PIPELINE_DEALS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct DealsOptions {
  std::string by;  // "" = one key "all"
  // Deals without a person take a people attribute from the person whose
  // person_id equals the deal's owner (see above).
  bool owners_as_people = true;
};

// Reads deals.by and deals.owners_as_people (true/false, 1/0). Keys of other
// prefixes are ignored; InvalidArgument for another deals.* key (listing
// the valid ones) or a value that is not a boolean.
Result<DealsOptions> ParseDealsOptions(
    const std::map<std::string, std::string>& options);

// The table above. Errors: FailedPrecondition (not frozen); NotFound when
// `by` is neither owner, source, campaign nor a people attribute (listing
// the valid names).
Result<Table> Deals(const Workspace& ws, const DealsOptions& options);

// Per deal, 1 when the deal is marketing-sourced: its linked person's
// earliest touch is a marketing touch; or, for a deal without a linked
// person or whose person has no touch at all, its own source field is set.
// 0 otherwise (a sales touch came first; or no evidence at all). Requires
// ws.frozen() (reads the per-person touch offsets).
std::vector<uint8_t> MarketingSourcedDeals(const Workspace& ws);

}  // namespace baton

#endif  // BATON_PIPELINE_DEALS_H_
