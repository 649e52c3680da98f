"""Cell ranges to canonical Baton rows.

A range arrives from Calc as a matrix (a tuple of row tuples) whose cells are
float (numbers and dates), str (text) or None (empty). Its first row names
the columns: canonical field names (person_id, at, stage, ...) or the user's
own names translated by a mapping (the "Mapping" sheet: canonical | yours).

Dates are Calc serial numbers (days since 1899-12-30, the fraction is the
time of day, read as UTC) or text in the ISO forms exports use; both become
int64 UTC milliseconds. Everything that cannot be read raises InputError with
a message naming the table, the row (as the user counts it: the header is
row 1) and the column, so the cell shows what to fix.

Pure Python, no UNO: the same code runs in Calc and in plain unit tests.
"""

import datetime
import math
import re

# Calc's day 0 (1899-12-30) is 25569 days before the Unix epoch.
CALC_EPOCH_OFFSET_DAYS = 25569
MS_PER_DAY = 86400000

STRING, TIME, NUMBER, FLAG = "string", "time", "number", "flag"

# The canonical tables: field -> kind, and the fields a row cannot lack.
SCHEMAS = {
    "people": ({"person_id": STRING, "account_id": STRING, "created_at": TIME,
                "source": STRING, "owner": STRING}, ("person_id",)),
    "touches": ({"person_id": STRING, "at": TIME, "channel": STRING,
                 "campaign": STRING, "side": STRING, "activity": STRING,
                 "cost": NUMBER}, ("person_id", "at")),
    "stages": ({"person_id": STRING, "stage": STRING, "at": TIME,
                "disposition": STRING, "reason": STRING},
               ("person_id", "stage", "at")),
    "deals": ({"deal_id": STRING, "account_id": STRING, "person_id": STRING,
               "created_at": TIME, "closed_at": TIME, "amount": NUMBER,
               "currency": STRING, "stage": STRING, "is_won": FLAG,
               "is_closed": FLAG, "owner": STRING, "source": STRING,
               "campaign": STRING}, ("deal_id",)),
    "spend": ({"channel": STRING, "campaign": STRING, "period_start": TIME,
               "period_end": TIME, "amount": NUMBER, "currency": STRING},
              ("amount",)),
}


class InputError(ValueError):
    """Input the user must fix; str() is the message shown in the cell."""


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_time_text(text):
    """ISO 8601 text (date only; date and time with T or a space; optional
    seconds, fraction, Z or +hh:mm / +hhmm) or epoch milliseconds as digits,
    to UTC ms. Returns None if the text is none of these."""
    t = text.strip()
    if re.fullmatch(r"-?\d{10,}", t):
        return int(t)
    m = _ISO.match(t)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, zone = m.groups()
    try:
        base = datetime.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0),
                                 int(ss or 0), tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    ms = int((base - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc))
             // datetime.timedelta(milliseconds=1))
    if frac:
        ms += int((frac + "00")[:3])
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        ms -= sign * (int(digits[:2]) * 60 + int(digits[2:])) * 60000
    return ms


def serial_to_ms(serial):
    """A Calc date serial number to UTC milliseconds (rounded to the ms)."""
    return int(round((serial - CALC_EPOCH_OFFSET_DAYS) * MS_PER_DAY))


def ms_to_serial(ms):
    return ms / MS_PER_DAY + CALC_EPOCH_OFFSET_DAYS


def _id_text(v):
    """Ids typed as numbers come back from Calc as floats: 1001.0 is "1001"."""
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v):
            return str(int(v))
        return repr(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v).strip()


def _is_blank(v):
    return v is None or (isinstance(v, str) and v.strip() == "")


def parse_mapping(matrix):
    """The Mapping sheet's used cells: rows "canonical | yours" (a header row
    "canonical | yours" is allowed). canonical is a field ("at") or a
    table-qualified field ("stages.at"). Returns {yours_lower: canonical}."""
    mapping = {}
    for row in matrix or ():
        if len(row) < 2 or _is_blank(row[0]) or _is_blank(row[1]):
            continue
        canonical, yours = _id_text(row[0]).lower(), _id_text(row[1]).lower()
        if (canonical, yours) == ("canonical", "yours"):
            continue
        mapping[yours] = canonical
    return mapping


def _canonical_name(header, table, mapping):
    """The canonical field a header names: through the mapping when it has
    the header (a "table.field" target applies to that table only), else the
    header itself, case-insensitively."""
    h = header.strip().lower()
    target = (mapping or {}).get(h)
    if target:
        if "." not in target:
            return target
        t, f = target.split(".", 1)
        if t == table:
            return f
    return h


def read_table(table, matrix, mapping=None):
    """Reads a range as canonical rows of `table`.

    Returns (rows, extra): rows a list of (row_number, {field: value}) with
    times as UTC ms, numbers as float, flags as 0/1; extra the columns that
    are not canonical fields, as {name: [values per row]} (people attributes).
    Fully blank rows are skipped so a range may run past the data.
    Raises InputError for an empty range, a missing required column, or a
    value of the wrong kind."""
    fields, required = SCHEMAS[table]
    rows_in = [tuple(r) for r in (matrix or ())]
    if not rows_in or all(_is_blank(v) for v in rows_in[0]):
        raise InputError("Baton: %s: the range is empty; its first row must name the "
                         "columns (%s, ...)" % (table, ", ".join(required)))
    header = rows_in[0]
    columns = {}
    extra_cols = {}
    for c, name in enumerate(header):
        if _is_blank(name):
            continue
        canonical = _canonical_name(_id_text(name), table, mapping)
        if canonical in fields:
            if canonical in columns:
                raise InputError("Baton: %s: column %s appears twice (columns %d and %d)"
                                 % (table, canonical, columns[canonical] + 1, c + 1))
            columns[canonical] = c
        else:
            extra_cols[_id_text(name)] = c
    for f in required:
        if f not in columns:
            raise InputError("Baton: %s: column %s missing (the first row names the "
                             "columns; found: %s)" % (
                                 table, f, ", ".join(_id_text(h) for h in header
                                                     if not _is_blank(h)) or "none"))
    rows, extra = [], {k: [] for k in extra_cols}
    for r, cells in enumerate(rows_in[1:], start=2):
        if all(_is_blank(v) for v in cells):
            continue
        out = {}
        for f, c in columns.items():
            v = cells[c] if c < len(cells) else None
            if _is_blank(v):
                if f in required:
                    raise InputError("Baton: %s: row %d, column %s is empty (it is "
                                     "required)" % (table, r, f))
                continue
            kind = fields[f]
            if kind == STRING:
                out[f] = _id_text(v)
            elif kind == TIME:
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out[f] = serial_to_ms(float(v))
                else:
                    ms = parse_time_text(str(v))
                    if ms is None:
                        raise InputError(
                            "Baton: %s: row %d, column %s: \"%s\" is not a date (use a "
                            "Calc date or text YYYY-MM-DD[ HH:MM:SS])" % (table, r, f, v))
                    out[f] = ms
            elif kind == NUMBER:
                if isinstance(v, (int, float)):
                    out[f] = float(v)
                else:
                    try:
                        out[f] = float(str(v).strip())
                    except ValueError:
                        raise InputError("Baton: %s: row %d, column %s: \"%s\" is not a "
                                         "number" % (table, r, f, v)) from None
            else:  # FLAG
                text = _id_text(v).lower()
                if text in ("1", "true", "yes", "won", "closed"):
                    out[f] = 1
                elif text in ("0", "false", "no", "open", "lost"):
                    out[f] = 0
                else:
                    raise InputError("Baton: %s: row %d, column %s: \"%s\" is not true or "
                                     "false" % (table, r, f, v))
        rows.append((r, out))
        for name, c in extra_cols.items():
            v = cells[c] if c < len(cells) else None
            extra[name].append(None if _is_blank(v) else _id_text(v))
    return rows, extra


def fill(workspace, table, matrix, mapping=None):
    """Reads a range and appends its rows to a capi.Workspace; extra people
    columns become person attributes. Returns the number of rows appended.
    A row the library refuses raises capi.BatonError naming table and row."""
    rows, extra = read_table(table, matrix, mapping)
    for i, (r, fields) in enumerate(rows):
        workspace.append(table, fields, "%s row %d" % (table, r))
        if table == "people":
            for name, values in extra.items():
                if values[i] is not None:
                    workspace.set_attribute(fields["person_id"], name, values[i],
                                            "people row %d, column %s" % (r, name))
    return len(rows)


def to_matrix(result):
    """A capi.Table as a Calc matrix: a header row, then the rows; numbers as
    float, nulls as empty text (a matrix cell cannot be void)."""
    out = [tuple(result.names)]
    for row in result.rows:
        out.append(tuple("" if v is None else
                         float(v) if isinstance(v, (int, float)) else v for v in row))
    return tuple(out)
