// Arrow C Data Interface export of result tables and canonical tables.
//
// The exported schema and array own copies of the data (or keep the source
// alive through private_data) and are released by the consumer through
// their release callbacks, as the Arrow specification requires.
#ifndef BATON_TABLE_ARROW_EXPORT_H_
#define BATON_TABLE_ARROW_EXPORT_H_

#include <string>

#include "baton/arrow_c.h"
#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

// string -> utf8, int64 -> int64, float64 -> float64 (nulls as a validity
// bitmap), timestamp -> timestamp[ms, UTC] ("tsm:UTC").
Status ExportArrow(const Table& table, ArrowSchema* schema, ArrowArray* array);

// A canonical table of a frozen workspace as a Table with the canonical
// field names (people attributes as "attribute:<name>" columns).
Result<Table> CanonicalTable(const Workspace& ws, const std::string& table);

}  // namespace baton

#endif  // BATON_TABLE_ARROW_EXPORT_H_
