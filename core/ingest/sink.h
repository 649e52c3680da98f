// WorkspaceSink: receives a connector's rows (as text) and adds them to a
// Workspace, parsing times, numbers, booleans and stages in one place so that
// every connector accepts the same formats and reports errors the same way.
//
// It implements the baton_sink of connector.h; `sink()` gives the C struct
// to pass to a plugin. One sink serves one load on one thread.
#ifndef BATON_INGEST_SINK_H_
#define BATON_INGEST_SINK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "baton/connector.h"
#include "common/status.h"
#include "model/workspace.h"

namespace baton {

class WorkspaceSink {
 public:
  WorkspaceSink(Workspace* ws, std::string connector_name);

  const baton_sink* sink() const { return &sink_; }

  // The C++ face of the same operations (used by tests and in-process
  // loaders such as Arrow import).
  Result<uint32_t> Open(const std::string& table, const std::string& file,
                        const std::vector<baton_field_spec>& fields);
  Status Row(uint32_t batch, int64_t row_number, const baton_str* values);
  Status Close(uint32_t batch, int64_t rows_read, int64_t rows_rejected,
               const char* rejects_file);
  // baton_sink.reserve: sizes the batch's table for `expected_rows` more
  // rows (a hint; touches, stages and people use it, the other tables
  // grow as rows come). Fails only for a batch that is not open or a
  // negative count.
  Status Reserve(uint32_t batch, int64_t expected_rows);
  // baton_sink.rows: Row for rows first_row_number + k, k < num_rows, whose
  // values are values[k * n .. k * n + n) (n = the batch's value fields).
  // Stops at the first row Row refuses and returns its status: the rows
  // before it were added, it and the rest were not.
  Status Rows(uint32_t batch, int64_t first_row_number, size_t num_rows,
              const baton_str* values);

  const std::string& last_error() const { return last_error_; }
  // Batches opened but never closed (a connector bug or an aborted read).
  int open_batches() const;

 private:
  enum class TableKind { kPeople, kTouches, kStages, kDeals, kSpend, kPaths };
  struct Batch {
    TableKind kind;
    std::string table;
    std::string file;
    std::vector<int> field;               // per value: field id, or -1 attribute
    std::vector<std::string> column;      // per value: source column for messages
    std::vector<std::string> attribute;   // per value: attribute name
    // per value: the attribute's label code, once its first value arrived
    std::vector<uint32_t> attribute_key;
    std::string separator = ">";
    int64_t accepted = 0;
    int64_t ignored_stage_rows = 0;
    int64_t side_defaults = 0;
    bool has_side = false;
    std::vector<std::pair<std::string, int>> stage_cache;  // raw value -> code
    bool open = true;
    // per canonical field id: its position among the values, or -1
    int index[16] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
  };

  // Adds a touch or stage row whose values all read well and which the
  // workspace takes; false, with nothing changed, for any other row.
  bool AddTouchFast(Batch* b, const baton_str* values);
  bool AddStageFast(Batch* b, const baton_str* values);
  // Translates a stage value through the stage map, remembering each
  // distinct value of the batch; false when the value is not a known stage.
  bool MapStageCached(Batch* b, std::string_view value, int* code, bool* ignored);
  Status ParseError(const Batch& b, int64_t row, size_t value_index,
                    std::string_view value, const std::string& what) const;
  // Prefixes "file:row: " to a workspace error (parse errors have it).
  Status WithRow(const Batch& b, int64_t row, Status st) const;

  Workspace* ws_;
  std::string connector_;
  std::vector<Batch> batches_;
  std::string last_error_;
  std::vector<std::pair<size_t, std::string_view>> scratch_attributes_;
  baton_sink sink_;
};

}  // namespace baton

#endif  // BATON_INGEST_SINK_H_
