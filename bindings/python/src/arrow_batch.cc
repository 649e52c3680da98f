// ArrowBatch (see arrow_batch.h).
//
// Numeric, time and category-code columns are shared: the Arrow values
// buffer is the numpy data pointer. What is built is only what Arrow lays
// out differently from numpy: validity bitmaps (pandas marks missing values
// in band, with NaN, NaT or code -1, or in a separate byte mask), bit-packed
// booleans and utf8 offsets and characters for Python strings.
#include "arrow_batch.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace baton::python {
namespace {

void ReleaseSchema(ArrowSchema* s) { s->release = nullptr; }
void ReleaseArray(ArrowArray* a) { a->release = nullptr; }

std::string ColumnError(const std::string& name, const std::string& what) {
  return "column \"" + name + "\": " + what;
}

// Builds a validity bitmap (bit set = valid) when is_null finds any null;
// returns the number of nulls (0: bitmap left empty, no buffer needed).
template <typename IsNull>
int64_t BuildValidity(int64_t n, IsNull is_null, std::vector<uint8_t>* bitmap) {
  int64_t i = 0;
  while (i < n && !is_null(i)) ++i;
  if (i == n) return 0;
  bitmap->assign(static_cast<size_t>((n + 7) / 8), 0xFF);
  int64_t nulls = 0;
  for (; i < n; ++i) {
    if (is_null(i)) {
      (*bitmap)[static_cast<size_t>(i >> 3)] &= static_cast<uint8_t>(~(1u << (i & 7)));
      ++nulls;
    }
  }
  return nulls;
}

// A 1-D, C-contiguous, native-endian view of `obj`; copies only when numpy
// must (a strided column), which the zero-copy tests would reveal.
py::array Contiguous(const py::handle& obj, const std::string& name) {
  if (!py::isinstance<py::array>(obj))
    throw py::value_error(ColumnError(name, "values must be a numpy array"));
  py::array a = py::array::ensure(obj, py::array::c_style);
  if (!a) throw py::error_already_set();
  if (a.ndim() != 1)
    throw py::value_error(ColumnError(name, "values must be one-dimensional"));
  if (!a.dtype().attr("isnative").cast<bool>())
    throw py::value_error(ColumnError(name, "values must be in native byte order"));
  return a;
}

const char* NumberFormat(char kind, ssize_t size) {
  if (kind == 'i') {
    switch (size) {
      case 1: return "c";
      case 2: return "s";
      case 4: return "i";
      case 8: return "l";
    }
  } else if (kind == 'u') {
    switch (size) {
      case 1: return "C";
      case 2: return "S";
      case 4: return "I";
      case 8: return "L";
    }
  } else if (kind == 'f') {
    switch (size) {
      case 4: return "f";
      case 8: return "g";
    }
  }
  return nullptr;
}

}  // namespace

struct ArrowBatch::Node {
  std::string name;
  std::string format;
  ArrowSchema schema{};
  ArrowArray array{};
  const void* buffers[3] = {nullptr, nullptr, nullptr};
  std::vector<uint8_t> validity;
  std::vector<uint8_t> bits;
  std::vector<int32_t> offsets32;
  std::vector<int64_t> offsets64;
  std::string chars;
  py::object keep;  // the numpy array whose memory buffers[1] points into
  std::unique_ptr<Node> dictionary;
  std::vector<std::unique_ptr<Node>> children;
  std::vector<ArrowSchema*> child_schemas;
  std::vector<ArrowArray*> child_arrays;

  // Fills the Arrow structs once the storage is final (pointers into this
  // node stay valid: nodes are heap-allocated and never move).
  void Finish(int64_t length, int64_t null_count, int64_t n_buffers) {
    if (null_count > 0 && !validity.empty()) buffers[0] = validity.data();
    schema.format = format.c_str();
    schema.name = name.c_str();
    schema.metadata = nullptr;
    schema.flags = ARROW_FLAG_NULLABLE;
    schema.n_children = static_cast<int64_t>(children.size());
    schema.children = child_schemas.empty() ? nullptr : child_schemas.data();
    schema.dictionary = dictionary ? &dictionary->schema : nullptr;
    schema.release = &ReleaseSchema;
    schema.private_data = nullptr;
    array.length = length;
    array.null_count = null_count;
    array.offset = 0;
    array.n_buffers = n_buffers;
    array.n_children = static_cast<int64_t>(children.size());
    array.buffers = buffers;
    array.children = child_arrays.empty() ? nullptr : child_arrays.data();
    array.dictionary = dictionary ? &dictionary->array : nullptr;
    array.release = &ReleaseArray;
    array.private_data = nullptr;
  }
};

namespace {

using Node = ArrowBatch::Node;

// The optional byte mask of a descriptor (True = missing), checked.
const uint8_t* MaskOf(const py::handle& obj, int64_t length, const std::string& name,
                      py::object* keep) {
  if (obj.is_none()) return nullptr;
  py::array m = Contiguous(obj, name);
  if (m.dtype().kind() != 'b' || m.itemsize() != 1)
    throw py::value_error(ColumnError(name, "the missing-value mask must be a bool array"));
  if (m.shape(0) != length)
    throw py::value_error(ColumnError(name, "the missing-value mask has " +
                                                std::to_string(m.shape(0)) +
                                                " values, the column " +
                                                std::to_string(length)));
  *keep = m;
  return static_cast<const uint8_t*>(m.data());
}

void BuildNumber(Node* n, const py::array& a, const uint8_t* mask) {
  const char kind = a.dtype().kind();
  const char* format = NumberFormat(kind, a.itemsize());
  if (!format)
    throw py::value_error(ColumnError(
        n->name, "numpy dtype " + py::str(a.dtype()).cast<std::string>() +
                     " has no Arrow counterpart here; cast it to int64 or float64"));
  n->format = format;
  const int64_t len = a.shape(0);
  int64_t nulls = 0;
  if (kind == 'f' && a.itemsize() == 8) {
    const double* v = static_cast<const double*>(a.data());
    nulls = BuildValidity(len, [&](int64_t i) { return (mask && mask[i]) || std::isnan(v[i]); },
                          &n->validity);
  } else if (kind == 'f') {
    const float* v = static_cast<const float*>(a.data());
    nulls = BuildValidity(len, [&](int64_t i) { return (mask && mask[i]) || std::isnan(v[i]); },
                          &n->validity);
  } else if (mask) {
    nulls = BuildValidity(len, [&](int64_t i) { return mask[i] != 0; }, &n->validity);
  }
  n->buffers[1] = a.data();
  n->keep = a;
  n->Finish(len, nulls, 2);
}

void BuildBool(Node* n, const py::array& a, const uint8_t* mask) {
  if (a.dtype().kind() != 'b' || a.itemsize() != 1)
    throw py::value_error(ColumnError(n->name, "kind \"bool\" needs a bool array"));
  const int64_t len = a.shape(0);
  const uint8_t* v = static_cast<const uint8_t*>(a.data());
  n->bits.assign(static_cast<size_t>((len + 7) / 8), 0);
  for (int64_t i = 0; i < len; ++i)
    if (v[i]) n->bits[static_cast<size_t>(i >> 3)] |= static_cast<uint8_t>(1u << (i & 7));
  int64_t nulls =
      mask ? BuildValidity(len, [&](int64_t i) { return mask[i] != 0; }, &n->validity) : 0;
  n->format = "b";
  n->buffers[1] = n->bits.data();
  n->Finish(len, nulls, 2);
}

void BuildTime(Node* n, const py::array& a, const uint8_t* mask, const py::handle& extra) {
  const char kind = a.dtype().kind();
  if (!((kind == 'i' || kind == 'M') && a.itemsize() == 8))
    throw py::value_error(ColumnError(n->name, "kind \"time\" needs int64 or datetime64 values"));
  if (!py::isinstance<py::tuple>(extra) || py::len(extra) != 2)
    throw py::value_error(ColumnError(n->name, "kind \"time\" needs extra = (unit, tz_aware)"));
  py::tuple t = py::reinterpret_borrow<py::tuple>(extra);
  const std::string unit = t[0].cast<std::string>();
  const bool tz = t[1].cast<bool>();
  if (unit != "s" && unit != "m" && unit != "u" && unit != "n")
    throw py::value_error(ColumnError(n->name, "time unit \"" + unit +
                                                   "\" is not s, m (ms), u (us) or n (ns)"));
  n->format = "ts" + unit + ":" + (tz ? "UTC" : "");
  const int64_t len = a.shape(0);
  const int64_t* v = static_cast<const int64_t*>(a.data());
  const int64_t nat = std::numeric_limits<int64_t>::min();
  int64_t nulls = BuildValidity(
      len, [&](int64_t i) { return (mask && mask[i]) || v[i] == nat; }, &n->validity);
  n->buffers[1] = a.data();
  n->keep = a;
  n->Finish(len, nulls, 2);
}

// Appends the UTF-8 text of one Python object. Returns false for a missing
// value (None, float NaN).
bool AppendText(PyObject* o, const std::string& name, int64_t row, std::string* chars) {
  if (o == Py_None) return false;
  if (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o))) return false;
  py::object owned;
  if (!PyUnicode_Check(o)) {
    if (PyBytes_Check(o)) {
      owned = py::reinterpret_steal<py::object>(
          PyUnicode_FromEncodedObject(o, "utf-8", "strict"));
    } else {
      owned = py::reinterpret_steal<py::object>(PyObject_Str(o));
    }
    if (!owned) {
      py::error_already_set e;
      throw py::value_error(ColumnError(name, "row " + std::to_string(row) +
                                                  ": cannot be read as text (" + e.what() +
                                                  ")"));
    }
    o = owned.ptr();
  }
  Py_ssize_t size = 0;
  const char* s = PyUnicode_AsUTF8AndSize(o, &size);
  if (!s) {
    py::error_already_set e;
    throw py::value_error(ColumnError(name, "row " + std::to_string(row) +
                                                ": is not valid text (" + e.what() + ")"));
  }
  chars->append(s, static_cast<size_t>(size));
  return true;
}

void BuildString(Node* n, const py::array& a, const uint8_t* mask) {
  if (a.dtype().kind() != 'O')
    throw py::value_error(ColumnError(n->name, "kind \"string\" needs an object array"));
  const int64_t len = a.shape(0);
  PyObject* const* v = static_cast<PyObject* const*>(a.data());
  n->offsets64.reserve(static_cast<size_t>(len) + 1);
  n->offsets64.push_back(0);
  std::vector<uint8_t> missing;
  bool any_missing = false;
  for (int64_t i = 0; i < len; ++i) {
    bool present = !(mask && mask[i]) && AppendText(v[i], n->name, i, &n->chars);
    if (!present) {
      if (!any_missing) missing.assign(static_cast<size_t>(len), 0);
      any_missing = true;
      missing[static_cast<size_t>(i)] = 1;
    }
    n->offsets64.push_back(static_cast<int64_t>(n->chars.size()));
  }
  int64_t nulls = 0;
  if (any_missing)
    nulls = BuildValidity(len, [&](int64_t i) { return missing[static_cast<size_t>(i)] != 0; },
                          &n->validity);
  if (n->chars.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    n->offsets32.assign(n->offsets64.begin(), n->offsets64.end());
    std::vector<int64_t>().swap(n->offsets64);
    n->format = "u";
    n->buffers[1] = n->offsets32.data();
  } else {
    n->format = "U";
    n->buffers[1] = n->offsets64.data();
  }
  // A valid (non-NULL) characters buffer even when every string is empty.
  n->buffers[2] = n->chars.data();
  n->Finish(len, nulls, 3);
}

std::unique_ptr<Node> BuildColumn(const py::handle& desc, int64_t length, bool allow_dict);

void BuildDict(Node* n, const py::array& a, const uint8_t* mask, const py::handle& extra) {
  if (a.dtype().kind() != 'i')
    throw py::value_error(ColumnError(n->name, "category codes must be signed integers"));
  n->format = NumberFormat('i', a.itemsize());
  const int64_t len = a.shape(0);
  int64_t nulls = 0;
  auto scan = [&](auto* codes) {
    nulls = BuildValidity(len, [&](int64_t i) { return (mask && mask[i]) || codes[i] < 0; },
                          &n->validity);
  };
  switch (a.itemsize()) {
    case 1: scan(static_cast<const int8_t*>(a.data())); break;
    case 2: scan(static_cast<const int16_t*>(a.data())); break;
    case 4: scan(static_cast<const int32_t*>(a.data())); break;
    default: scan(static_cast<const int64_t*>(a.data())); break;
  }
  n->dictionary = BuildColumn(extra, -1, false);
  n->buffers[1] = a.data();
  n->keep = a;
  n->Finish(len, nulls, 2);
}

std::unique_ptr<Node> BuildColumn(const py::handle& desc, int64_t length, bool allow_dict) {
  if (!py::isinstance<py::tuple>(desc) || py::len(desc) != 5)
    throw py::value_error("a column descriptor is (name, kind, values, mask, extra)");
  py::tuple t = py::reinterpret_borrow<py::tuple>(desc);
  auto n = std::make_unique<Node>();
  n->name = t[0].cast<std::string>();
  const std::string kind = t[1].cast<std::string>();
  py::array values = Contiguous(t[2], n->name);
  if (length >= 0 && values.shape(0) != length)
    throw py::value_error(ColumnError(n->name, "has " + std::to_string(values.shape(0)) +
                                                   " values; the table has " +
                                                   std::to_string(length) + " rows"));
  py::object mask_keep;
  const uint8_t* mask = MaskOf(t[3], values.shape(0), n->name, &mask_keep);
  if (kind == "number") {
    BuildNumber(n.get(), values, mask);
  } else if (kind == "bool") {
    BuildBool(n.get(), values, mask);
  } else if (kind == "time") {
    BuildTime(n.get(), values, mask, t[4]);
  } else if (kind == "string") {
    BuildString(n.get(), values, mask);
  } else if (kind == "dict" && allow_dict) {
    BuildDict(n.get(), values, mask, t[4]);
  } else if (kind == "null") {
    n->format = "n";
    n->Finish(values.shape(0), values.shape(0), 0);
  } else {
    throw py::value_error(ColumnError(n->name, "unknown column kind \"" + kind + "\""));
  }
  return n;
}

}  // namespace

ArrowBatch::ArrowBatch(const py::list& columns, int64_t length) : root_(new Node) {
  if (length < 0) throw py::value_error("a table cannot have a negative length");
  root_->format = "+s";
  for (const py::handle& c : columns) {
    root_->children.push_back(BuildColumn(c, length, true));
    root_->child_schemas.push_back(&root_->children.back()->schema);
    root_->child_arrays.push_back(&root_->children.back()->array);
  }
  root_->Finish(length, 0, 1);
}

ArrowBatch::~ArrowBatch() = default;

const ArrowSchema* ArrowBatch::schema() const { return &root_->schema; }
const ArrowArray* ArrowBatch::array() const { return &root_->array; }

std::vector<BufferAddresses> ArrowBatch::addresses() const {
  std::vector<BufferAddresses> out;
  for (const auto& c : root_->children) {
    BufferAddresses b;
    b.name = c->name;
    b.format = c->format;
    b.values = reinterpret_cast<uintptr_t>(c->buffers[1]);
    b.validity = reinterpret_cast<uintptr_t>(c->buffers[0]);
    b.null_count = c->array.null_count;
    if (c->dictionary) b.dictionary_values = reinterpret_cast<uintptr_t>(c->dictionary->buffers[1]);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace baton::python
