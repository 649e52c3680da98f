// Arrow C Data Interface import: a record batch (struct array) into one
// canonical table of a workspace, without going through text for numeric
// and time columns. See baton_workspace_import_arrow in baton.h for the
// accepted types and the column matching rules ("column.<field>" options).
#ifndef BATON_INGEST_ARROW_IMPORT_H_
#define BATON_INGEST_ARROW_IMPORT_H_

#include <map>
#include <string>

#include "baton/arrow_c.h"
#include "common/status.h"
#include "model/workspace.h"

namespace baton {

// Reads the arrays during the call only; never releases them.
Status ImportArrow(Workspace* ws, const std::string& table,
                   const ArrowSchema* schema, const ArrowArray* array,
                   const std::map<std::string, std::string>& options);

}  // namespace baton

#endif  // BATON_INGEST_ARROW_IMPORT_H_
