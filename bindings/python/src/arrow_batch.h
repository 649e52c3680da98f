// ArrowBatch: a record batch in the Arrow C Data Interface built over numpy
// arrays, so that baton.from_pandas hands DataFrame columns to the engine's
// Arrow import (Workspace::import_arrow) without copying numeric values.
//
// The pure-Python layer (baton/_frames.py) unwraps each pandas column into
// one descriptor tuple (name, kind, values, mask, extra):
//   kind "number"  values: int8..uint64 or float32/float64 ndarray, shared
//                  as Arrow "c".."L", "f", "g"; NaN floats are nulls.
//   kind "bool"    values: bool ndarray, packed into an Arrow "b" bitmap.
//   kind "time"    values: int64 ndarray (a datetime64 view), extra = (unit
//                  "s"|"m"|"u"|"n", tz-aware bool), shared as "ts<unit>:" or
//                  "ts<unit>:UTC"; NaT (INT64_MIN) is null.
//   kind "dict"    values: int8..int64 category codes, shared; extra = the
//                  categories as another descriptor (any kind but "dict");
//                  negative codes are nulls.
//   kind "string"  values: object ndarray, converted once to utf8 ("u", or
//                  "U" past 2 GiB of text); None, NaN, pd.NA and NaT are
//                  nulls; other objects are written as str(obj).
//   kind "null"    values: an ndarray of the column's length (unread).
// mask (optional): a bool ndarray, True where a value is missing (pandas'
// masked arrays).
//
// Ownership: the batch keeps a reference to every array it shares and owns
// every buffer it made; the Arrow structs stay valid while the batch lives.
// Their release callbacks only mark them released (the engine never calls
// them; baton_workspace_import_arrow reads during the call only).
// Threads: build and destroy with the GIL held; the finished structs may be
// read without the GIL (the engine does so).
#ifndef BATON_BINDINGS_PYTHON_ARROW_BATCH_H_
#define BATON_BINDINGS_PYTHON_ARROW_BATCH_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "baton/arrow_c.h"

namespace baton::python {

namespace py = pybind11;

// Where one column's buffers are, for the zero-copy checks of the tests.
struct BufferAddresses {
  std::string name;
  std::string format;
  uintptr_t values = 0;      // buffers[1]: the numpy data pointer when shared
  uintptr_t validity = 0;    // buffers[0], 0 when the column has no nulls
  int64_t null_count = 0;
  uintptr_t dictionary_values = 0;  // the dictionary's buffers[1], if any
};

class ArrowBatch {
 public:
  // Builds the batch from descriptors (see above), every column `length`
  // long. Throws py::value_error naming the column for a descriptor that
  // does not fit (wrong length, dtype or kind). Needs the GIL.
  ArrowBatch(const py::list& columns, int64_t length);
  ~ArrowBatch();
  ArrowBatch(const ArrowBatch&) = delete;
  ArrowBatch& operator=(const ArrowBatch&) = delete;

  const ArrowSchema* schema() const;
  const ArrowArray* array() const;
  std::vector<BufferAddresses> addresses() const;

  struct Node;  // one Arrow array with its schema and storage

 private:
  std::unique_ptr<Node> root_;
};

}  // namespace baton::python

#endif  // BATON_BINDINGS_PYTHON_ARROW_BATCH_H_
