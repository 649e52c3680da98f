"""The Baton C ABI (baton.h) through ctypes, for the Calc add-in.

The add-in is self-contained: it loads the libbaton.so.1 shipped in the
extension (lib/ beside pythonpath/), never a system copy, so the .oxt works
on a machine where Baton is not installed. Only the calls the add-in needs
are declared.

Ownership: Workspace and Table own their C handles and free them in close()
(also on garbage collection). Thread-safety: a Workspace is filled and used
by one thread (Calc calls add-ins from its calculation thread); the library
handle itself is loaded once per process under a lock.
"""

import ctypes
import os
import threading

NO_TIME = -(2 ** 63)  # BATON_NO_TIME

# baton_column_type
TYPE_STRING, TYPE_INT64, TYPE_FLOAT64, TYPE_TIMESTAMP = 0, 1, 2, 3


class BatonError(Exception):
    """A failed C ABI call: the status name and baton_last_error()."""


class _PersonRow(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("person_id", ctypes.c_char_p),
                ("account_id", ctypes.c_char_p),
                ("created_at", ctypes.c_int64),
                ("source", ctypes.c_char_p),
                ("owner", ctypes.c_char_p)]


class _TouchRow(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("person_id", ctypes.c_char_p),
                ("at", ctypes.c_int64),
                ("channel", ctypes.c_char_p),
                ("campaign", ctypes.c_char_p),
                ("side", ctypes.c_char_p),
                ("activity", ctypes.c_char_p),
                ("cost", ctypes.c_double)]


class _StageRow(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("person_id", ctypes.c_char_p),
                ("stage", ctypes.c_char_p),
                ("at", ctypes.c_int64),
                ("disposition", ctypes.c_char_p),
                ("reason", ctypes.c_char_p)]


class _DealRow(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("deal_id", ctypes.c_char_p),
                ("account_id", ctypes.c_char_p),
                ("person_id", ctypes.c_char_p),
                ("created_at", ctypes.c_int64),
                ("closed_at", ctypes.c_int64),
                ("amount", ctypes.c_double),
                ("currency", ctypes.c_char_p),
                ("stage", ctypes.c_char_p),
                ("is_won", ctypes.c_int),
                ("is_closed", ctypes.c_int),
                ("owner", ctypes.c_char_p),
                ("source", ctypes.c_char_p),
                ("campaign", ctypes.c_char_p)]


class _SpendRow(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t),
                ("channel", ctypes.c_char_p),
                ("campaign", ctypes.c_char_p),
                ("period_start", ctypes.c_int64),
                ("period_end", ctypes.c_int64),
                ("amount", ctypes.c_double),
                ("currency", ctypes.c_char_p)]


ROW_TYPES = {"people": _PersonRow, "touches": _TouchRow, "stages": _StageRow,
             "deals": _DealRow, "spend": _SpendRow}

_lib = None
_lib_lock = threading.Lock()


def default_library_path():
    """lib/libbaton.so.1 of the extension (this file is pythonpath/baton_calc/)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(os.path.dirname(here)), "lib",
                        "libbaton.so.1")


def library(path=None):
    """The loaded C library (once per process). BATON_CALC_LIBRARY overrides
    the path, for tests against a build tree."""
    global _lib
    with _lib_lock:
        if _lib is None:
            path = path or os.environ.get("BATON_CALC_LIBRARY") or default_library_path()
            if not os.path.exists(path):
                raise BatonError("Baton: library not found at %s (reinstall the extension)" % path)
            lib = ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)
            _declare(lib)
            _lib = lib
        return _lib


def _declare(lib):
    p, st = ctypes.c_void_p, ctypes.c_int
    pp = ctypes.POINTER(ctypes.c_void_p)
    cs = ctypes.c_char_p
    sizes = ctypes.POINTER(ctypes.c_size_t)
    sig = {
        "baton_version": (cs, []),
        "baton_last_error": (cs, []),
        "baton_status_name": (cs, [st]),
        "baton_string_free": (None, [p]),
        "baton_options_new": (st, [pp]),
        "baton_options_free": (None, [p]),
        "baton_options_set": (st, [p, cs, cs]),
        "baton_workspace_new": (st, [pp]),
        "baton_workspace_free": (None, [p]),
        "baton_workspace_set_attribute": (st, [p, cs, cs, cs]),
        "baton_workspace_freeze": (st, [p]),
        "baton_workspace_row_count": (st, [p, cs, ctypes.POINTER(ctypes.c_int64)]),
        "baton_analyze": (st, [p, cs, p, pp]),
        "baton_table_free": (None, [p]),
        "baton_table_num_rows": (st, [p, sizes]),
        "baton_table_num_columns": (st, [p, sizes]),
        "baton_table_column_name": (st, [p, ctypes.c_size_t, ctypes.POINTER(cs)]),
        "baton_table_column_type": (st, [p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int)]),
        "baton_table_is_null": (st, [p, ctypes.c_size_t, ctypes.c_size_t,
                                     ctypes.POINTER(ctypes.c_int)]),
        "baton_table_get_int64": (st, [p, ctypes.c_size_t, ctypes.c_size_t,
                                       ctypes.POINTER(ctypes.c_int64)]),
        "baton_table_get_double": (st, [p, ctypes.c_size_t, ctypes.c_size_t,
                                        ctypes.POINTER(ctypes.c_double)]),
        "baton_table_get_string": (st, [p, ctypes.c_size_t, ctypes.c_size_t,
                                        ctypes.POINTER(ctypes.c_void_p), sizes]),
        "baton_table_num_warnings": (st, [p, sizes]),
        "baton_table_warning": (st, [p, ctypes.c_size_t, ctypes.POINTER(cs)]),
    }
    for kind, cls in ROW_TYPES.items():
        name = {"people": "person", "touches": "touch", "stages": "stage",
                "deals": "deal", "spend": "spend"}[kind]
        sig["baton_workspace_append_" + name] = (st, [p, ctypes.POINTER(cls)])
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args


def _check(status, what):
    if status != 0:
        lib = library()
        msg = lib.baton_last_error().decode("utf-8", "replace")
        raise BatonError("Baton: %s: %s" % (what, msg))


def version():
    return library().baton_version().decode()


class Table:
    """An analysis result: column names and rows of Python values (None for
    a null cell; times as int64 UTC milliseconds)."""

    def __init__(self, names, types, rows, warnings):
        self.names, self.types, self.rows, self.warnings = names, types, rows, warnings

    @staticmethod
    def _from_handle(handle):
        lib = library()
        n, m = ctypes.c_size_t(), ctypes.c_size_t()
        lib.baton_table_num_rows(handle, ctypes.byref(n))
        lib.baton_table_num_columns(handle, ctypes.byref(m))
        names, types = [], []
        for c in range(m.value):
            s, t = ctypes.c_char_p(), ctypes.c_int()
            lib.baton_table_column_name(handle, c, ctypes.byref(s))
            lib.baton_table_column_type(handle, c, ctypes.byref(t))
            names.append(s.value.decode("utf-8", "replace"))
            types.append(t.value)
        rows = []
        isnull = ctypes.c_int()
        i64, f64 = ctypes.c_int64(), ctypes.c_double()
        sp, ln = ctypes.c_void_p(), ctypes.c_size_t()
        for r in range(n.value):
            row = []
            for c in range(m.value):
                lib.baton_table_is_null(handle, c, r, ctypes.byref(isnull))
                if isnull.value:
                    row.append(None)
                elif types[c] == TYPE_STRING:
                    lib.baton_table_get_string(handle, c, r, ctypes.byref(sp), ctypes.byref(ln))
                    row.append(ctypes.string_at(sp, ln.value).decode("utf-8", "replace")
                               if ln.value else "")
                elif types[c] == TYPE_FLOAT64:
                    lib.baton_table_get_double(handle, c, r, ctypes.byref(f64))
                    row.append(f64.value)
                else:
                    lib.baton_table_get_int64(handle, c, r, ctypes.byref(i64))
                    row.append(i64.value)
            rows.append(row)
        nw = ctypes.c_size_t()
        lib.baton_table_num_warnings(handle, ctypes.byref(nw))
        warnings = []
        for i in range(nw.value):
            s = ctypes.c_char_p()
            lib.baton_table_warning(handle, i, ctypes.byref(s))
            warnings.append(s.value.decode("utf-8", "replace"))
        return Table(names, types, rows, warnings)


def _text(v):
    return None if v is None or v == "" else str(v).encode("utf-8")


class Workspace:
    """A workspace filled by row appends. Use as a context manager."""

    def __init__(self):
        lib = library()
        h = ctypes.c_void_p()
        _check(lib.baton_workspace_new(ctypes.byref(h)), "workspace")
        self._h = h

    def close(self):
        if self._h:
            library().baton_workspace_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def append(self, table, fields, where):
        """Appends one canonical row; fields maps canonical names to text,
        float or int64 ms values (missing keys are missing values). `where`
        names the row in an error ("people row 3")."""
        cls = ROW_TYPES[table]
        row = cls()
        row.struct_size = ctypes.sizeof(cls)
        for name, ctype in cls._fields_[1:]:
            v = fields.get(name)
            if ctype is ctypes.c_char_p:
                setattr(row, name, _text(v))
            elif ctype is ctypes.c_int64:
                setattr(row, name, NO_TIME if v is None else int(v))
            elif ctype is ctypes.c_double:
                setattr(row, name, 0.0 if v is None else float(v))
            else:  # is_won / is_closed: -1 lets the stage decide
                setattr(row, name, -1 if v is None else int(v))
        fn = getattr(library(), "baton_workspace_append_" + {
            "people": "person", "touches": "touch", "stages": "stage",
            "deals": "deal", "spend": "spend"}[table])
        _check(fn(self._h, ctypes.byref(row)), where)

    def set_attribute(self, person_id, key, value, where):
        _check(library().baton_workspace_set_attribute(
            self._h, _text(person_id), _text(key), _text(value) or b""), where)

    def row_count(self, table):
        out = ctypes.c_int64()
        _check(library().baton_workspace_row_count(self._h, table.encode(),
                                                   ctypes.byref(out)), table)
        return out.value

    def analyze(self, analysis, options=None):
        """Runs baton_analyze(analysis) with string options; returns a Table."""
        lib = library()
        opts = ctypes.c_void_p()
        _check(lib.baton_options_new(ctypes.byref(opts)), analysis)
        try:
            for k, v in (options or {}).items():
                _check(lib.baton_options_set(opts, k.encode(), str(v).encode()), analysis)
            out = ctypes.c_void_p()
            _check(lib.baton_analyze(self._h, analysis.encode(), opts, ctypes.byref(out)),
                   analysis)
        finally:
            lib.baton_options_free(opts)
        try:
            return Table._from_handle(out)
        finally:
            lib.baton_table_free(out)
