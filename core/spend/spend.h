// Spend efficiency: what each channel (or campaign) cost, what it brought in,
// and the cost of a lead, an MQL, an SQL and a customer, with the return.
//
// Spend() returns one row per key, sorted by spend descending, then key
// (byte order), "(none)" last. Columns:
//   key            string   channel (by = channel) or campaign (by =
//                           campaign); "(none)" for an empty value
//   spend          float64  sum of the amounts of all spend rows of the key
//                           (0 when it has none), whatever their currency
//   people         int64    people sourced by the key (first-touch
//                           sourcing): the channel (campaign) of the
//                           person's earliest marketing touch; a person
//                           without marketing touches is sourced by their
//                           people `source` field when by = channel, and by
//                           "(none)" when by = campaign
//   mqls, sqls     int64    of those people, how many reached mql (sql):
//                           a record of that stage or of any later funnel
//                           stage, as the funnel counts (null when the
//                           stage map has no such stage)
//   won_deals      float64  customers credited to the key. Model "first":
//                           the key's people who won (entered the won stage
//                           or have a linked won deal). Other models: the
//                           conversions that model credits to the key in
//                           Attribute() with conversion = the won stage
//                           (fractions possible)
//   revenue        float64  revenue Attribute() credits to the key with the
//                           chosen model and conversion = the won stage
//                           (marketing touches only; won revenue of people
//                           without a credited touch, and won deals not
//                           linked to a person, are not credited: the
//                           attribution warnings are copied to this table)
//   cost_per_lead  float64  spend / people
//   cost_per_mql   float64  spend / mqls
//   cost_per_sql   float64  spend / sqls
//   cac            float64  spend / won_deals
//   roi            float64  (revenue - spend) / spend
// A rate whose denominator is 0 is null, never infinite. Keys come from the
// spend rows, the people's sourcing and the attribution credit: a key with
// spend and no people, or people and no spend, still has its row. Keys
// match by exact text ("Email" and "email" are two keys).
//
// Pure function of a frozen workspace (Attribute() runs on up to
// hardware_concurrency threads); any number of threads may call it at once
// on the same workspace. Since: 1.0
#ifndef BATON_SPEND_SPEND_H_
#define BATON_SPEND_SPEND_H_

#include <map>
#include <string>

#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct SpendOptions {
  std::string by = "channel";  // channel | campaign
  std::string model = "first";  // one attribution model name (not "all")
};

// Reads spend.by (channel | campaign) and spend.model (one of
// AttributionModelNames()). Keys of other prefixes are ignored;
// InvalidArgument for another spend.* key (listing the valid ones) or an
// invalid value (saying what is accepted).
Result<SpendOptions> ParseSpendOptions(
    const std::map<std::string, std::string>& options);

// The table above. Errors: FailedPrecondition (not frozen); InvalidArgument
// for an invalid by or model; the errors of Attribute().
Result<Table> Spend(const Workspace& ws, const SpendOptions& options);

}  // namespace baton

#endif  // BATON_SPEND_SPEND_H_
