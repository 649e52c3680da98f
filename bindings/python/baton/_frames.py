"""Conversions between pandas and the engine: DataFrame columns to the column
descriptors baton._baton turns into Arrow arrays, and result tables back to
DataFrames.

Inbound (DataFrame to engine), per pandas dtype:

=============================  ==========================================  =========
dtype                          handed to the engine as                     copy?
=============================  ==========================================  =========
int8..int64, uint8..uint64     Arrow integers over the numpy buffer        no
float32, float64               Arrow floats; NaN is null                   no
bool                           Arrow bit-packed bool                       packed
Int64, Float64, ... (masked)   the values buffer + a validity bitmap       no
boolean (masked)               Arrow bool + validity bitmap                packed
datetime64[s|ms|us|ns]         Arrow timestamp of that unit; NaT is null   no
datetime64[ns, tz]             Arrow timestamp "UTC" on pandas' UTC values no
category                       Arrow dictionary: the codes buffer shared,  codes: no
                               the categories converted once
object / string                utf8; None, NaN, pd.NA, NaT are null        once
object of datetimes or dates   converted to UTC datetimes first            once
=============================  ==========================================  =========

Outbound (result table to DataFrame), per engine column type: string ->
object (None for null); int64 -> int64, or nullable Int64 when the column has
nulls; float64 -> float64 (NaN for null); timestamp -> datetime64[ns, UTC]
(NaT for null).
"""
import warnings

import numpy as np
import pandas as pd

from ._errors import DataQualityWarning, InvalidArgumentError

# The canonical tables and their fields, in the engine's order (see baton.h,
# baton_workspace_import_arrow). People also take attributes.
FIELDS = {
    "people": ("person_id", "account_id", "created_at", "source", "owner", "email"),
    "touches": ("person_id", "at", "channel", "campaign", "side", "activity", "cost"),
    "stages": ("person_id", "stage", "at", "disposition", "reason"),
    "deals": ("deal_id", "account_id", "person_id", "created_at", "closed_at", "amount",
              "currency", "stage", "is_won", "is_closed", "owner", "source", "campaign"),
    "spend": ("channel", "campaign", "period_start", "period_end", "amount", "currency"),
}
TABLES = tuple(FIELDS)

_UNITS = {"s": "s", "ms": "m", "us": "u", "ns": "n"}


def _numpy(values):
    """The numpy array behind a Series/Index of a numpy dtype, without a copy."""
    return np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)


def _native(a):
    return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))


def describe(name, values):
    """The descriptor (name, kind, values, mask, extra) of one column.

    `values` is a pandas Series or Index. Raises InvalidArgumentError for a
    dtype the engine cannot take (timedelta, complex, ...).
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cat = values.array if isinstance(values, pd.Series) else pd.Categorical(values)
        codes = _native(np.asarray(cat.codes))
        return (name, "dict", codes, None, describe(name, cat.categories))
    if isinstance(dtype, pd.DatetimeTZDtype):
        # pandas keeps tz-aware times as UTC instants: hand those over.
        arr = values.array
        return (name, "time", _native(np.asarray(arr.asi8)), None,
                (_UNITS[dtype.unit], True))
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        unit = np.datetime_data(dtype)[0]
        a = _numpy(values)
        if unit not in _UNITS:  # days, weeks...: whole seconds are exact
            a, unit = a.astype("datetime64[s]"), "s"
        return (name, "time", _native(a.view("i8")), None, (_UNITS[unit], False))
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        arr = values.array
        data, mask = getattr(arr, "_data", None), getattr(arr, "_mask", None)
        if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray):
            # A masked array (Int64, Float64, boolean...): values and mask as they are.
            kind = "bool" if data.dtype.kind == "b" else "number"
            if data.dtype.kind not in "biuf":
                raise InvalidArgumentError(f'column "{name}": dtype {dtype} is not supported')
            return (name, kind, _native(data), mask, None)
        return _objects(name, values)
    if dtype.kind == "b":
        return (name, "bool", _numpy(values), None, None)
    if dtype.kind in "iu":
        return (name, "number", _native(_numpy(values)), None, None)
    if dtype.kind == "f":
        a = _numpy(values)
        if a.dtype.itemsize == 2:
            a = a.astype(np.float32)
        return (name, "number", _native(a), None, None)
    if dtype.kind == "O" or dtype.kind in "US":
        return _objects(name, values)
    raise InvalidArgumentError(
        f'column "{name}": dtype {dtype} cannot feed a canonical field; convert it '
        "(times as datetime64 or ISO text, numbers as int or float, labels as text)")


def _objects(name, values):
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("datetime", "datetime64", "date"):
        try:
            times = pd.to_datetime(pd.Series(values), utc=True)
        except (ValueError, TypeError) as e:
            raise InvalidArgumentError(f'column "{name}": its dates cannot be read: {e}') from None
        return describe(name, times)
    objects = np.asarray(values, dtype=object)
    return (name, "string", objects, np.asarray(pd.isna(objects), dtype=bool), None)


def frame_columns(table, df, mapping):
    """(descriptors, options, length) for one DataFrame feeding `table`.

    mapping: {field: column, "attributes": [column, ...] or {name: column}}.
    Only columns the engine reads are converted: canonical field names,
    mapped and attribute columns. The others are handed over by name only
    (Arrow null arrays, no data) so that the engine's messages can list them.
    """
    if not isinstance(df, pd.DataFrame):
        raise InvalidArgumentError(
            f"{table} must be a pandas DataFrame, not {type(df).__name__}")
    mapping = dict(mapping or {})
    available = {}
    for level, name in enumerate(df.index.names):
        if name is not None and name not in df.columns:
            available[str(name)] = df.index.get_level_values(level)
    for col in df.columns:
        available[str(col)] = df[col]
    if len(available) != len(df.columns) + sum(
            1 for n in df.index.names if n is not None and n not in df.columns):
        raise InvalidArgumentError(f"{table}: column names must be unique as text")

    options = {}
    wanted = set()

    def need(key, column):
        if not isinstance(column, str):
            raise InvalidArgumentError(
                f"columns['{table}']['{key}'] must be a column name (str), not "
                f"{type(column).__name__}")
        if column not in available:
            raise InvalidArgumentError(
                f"columns['{table}']['{key}'] names column \"{column}\", which is not in "
                f"the {table} DataFrame; its columns are {', '.join(available) or '(none)'}")
        wanted.add(column)

    attributes = mapping.pop("attributes", None)
    if attributes is not None:
        if table != "people":
            raise InvalidArgumentError(
                f"columns['{table}']['attributes']: only people have attributes")
        if isinstance(attributes, str):
            attributes = [attributes]
        pairs = attributes.items() if isinstance(attributes, dict) else (
            (a, a) for a in attributes)
        for attr, column in pairs:
            need("attributes", column)
            options[f"column.attribute:{attr}"] = column
    for field, column in mapping.items():
        if field not in FIELDS[table]:
            raise InvalidArgumentError(
                f"columns['{table}']: \"{field}\" is not a field of {table}; its fields "
                f"are {', '.join(FIELDS[table])}" +
                (", attributes" if table == "people" else ""))
        need(field, column)
        options[f"column.{field}"] = column
    for field in FIELDS[table]:
        if field in available and f"column.{field}" not in options:
            wanted.add(field)
    if table == "people":
        wanted.update(n for n in available if n.startswith("attribute:"))

    descriptors = []
    for name, values in available.items():
        if name in wanted:
            descriptors.append(describe(name, values))
        else:
            descriptors.append((name, "null", np.empty(len(df), dtype=np.int8), None, None))
    return descriptors, options, len(df)


def missing_field_hint(table, message):
    """The engine's import message, with the from_pandas way to map a column."""
    hint = f"from_pandas({table}=...): {message}"
    if "column." in message:
        hint += (f"; in Python, map a column with columns={{'{table}': "
                 f"{{'<field>': '<your column>'}}}}; the fields of {table} are "
                 f"{', '.join(FIELDS[table])}")
    return hint


def to_frame(table, warn=True, stacklevel=3):
    """A result table (dict from baton._baton) as a DataFrame.

    df.attrs["warnings"] holds the table's data-quality warnings and
    df.attrs["baton_table"] its name ("funnel", ...); with warn, each warning
    is also issued as a DataQualityWarning.
    """
    data = {}
    for name, kind, values, nulls in table["columns"]:
        if kind == "string":
            col = np.array(values, dtype=object)
        elif kind == "float64":
            col = np.asarray(values, dtype=np.float64)
            if nulls is not None:
                col = col.copy()
                col[nulls] = np.nan
        elif kind == "int64":
            col = (np.asarray(values, dtype=np.int64) if nulls is None else
                   pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64),
                                          np.asarray(nulls, dtype=bool)))
        else:  # timestamp: UTC milliseconds
            ms = np.asarray(values, dtype=np.int64).copy()
            if nulls is not None:
                ms[nulls] = np.iinfo(np.int64).min  # NaT
            col = pd.DatetimeIndex(ms.view("datetime64[ms]").astype("datetime64[ns]"),
                                   tz="UTC").array
        data[name] = col
    df = pd.DataFrame(data, columns=[c[0] for c in table["columns"]])
    if len(df.index) != table.get("rows", len(df.index)):
        df = df.reindex(range(table["rows"]))
    df.attrs["baton_table"] = table["name"]
    df.attrs["warnings"] = list(table["warnings"])
    if warn:
        for w in table["warnings"]:
            warnings.warn(w, DataQualityWarning, stacklevel=stacklevel)
    return df


def duration(value, what):
    """A duration option as the engine reads it: "90d", "24h", a number of
    days, or a pd.Timedelta / datetime.timedelta (to whole milliseconds)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{what} must be a duration such as \"90d\", not {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return repr(float(value)) if isinstance(value, (float, np.floating)) else str(int(value))
    try:
        td = pd.Timedelta(value)
    except (ValueError, TypeError):
        raise InvalidArgumentError(
            f"{what} must be a duration such as \"90d\", \"24h\" or a pd.Timedelta, "
            f"not {value!r}") from None
    if td is pd.NaT or td < pd.Timedelta(0):
        raise InvalidArgumentError(f"{what} must be a non-negative duration, not {value!r}")
    return f"{td // pd.Timedelta(milliseconds=1)}ms"
