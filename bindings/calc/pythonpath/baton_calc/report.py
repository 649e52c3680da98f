"""The "Build alignment report" command: input sheets to result sheets.

Reads the sheets People, Touches, Stages, Deals and Spend (those present;
Stages is required) and the optional Mapping sheet of a Calc document, runs
the analyses through the C ABI, and writes one sheet per result ("Baton
Funnel", "Baton Attribution", "Baton Hand-off", "Baton Spend", "Baton
Deals", and "Baton Scorecard" when a "Targets" sheet gives KPI targets),
each with a native Calc chart, and a "Baton Report" summary sheet. A
result sheet that exists is replaced, so running the command again
refreshes the report.

Runs on Calc's main thread (a dispatched command); the document is the
caller's. Errors in the data are written to a "Baton Report" sheet (and
returned) rather than raised, so the user sees them in the document.
"""

from . import capi
from . import ranges

INPUT_SHEETS = (("people", "People"), ("touches", "Touches"), ("stages", "Stages"),
                ("deals", "Deals"), ("spend", "Spend"))
ATTRIBUTION_MODELS = "first,last,linear,u_shaped,time_decay,markov"


def used_matrix(sheet):
    """The sheet's used area (from A1) as a matrix of float/str/None."""
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    if end.EndColumn < 0 or end.EndRow < 0:
        return ()
    area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
    rows = []
    # getDataArray gives "" for an empty cell (None for the range reader)
    # and dates as their serial numbers, which the range reader expects.
    for row in area.getDataArray():
        rows.append(tuple(None if v == "" else v for v in row))
    return tuple(rows)


def document_mapping(doc):
    sheets = doc.getSheets()
    if sheets.hasByName("Mapping"):
        return ranges.parse_mapping(used_matrix(sheets.getByName("Mapping")))
    return {}


def _pivot(table, row_key, col_key, value):
    """Long (model, key, value) rows as a key x model grid for a chart."""
    ri, ci, vi = (table.names.index(n) for n in (row_key, col_key, value))
    cols, rows, cells = [], [], {}
    for r in table.rows:
        if r[ci] not in cols:
            cols.append(r[ci])
        if r[ri] not in rows:
            rows.append(r[ri])
        cells[(r[ri], r[ci])] = r[vi]
    out = [tuple([row_key] + cols)]
    for k in rows:
        out.append(tuple([k] + [float(cells.get((k, c)) or 0.0) for c in cols]))
    return tuple(out)


def _write_sheet(doc, name, blocks):
    """Writes blocks [(title, matrix, chart_columns)] one under another on a
    fresh sheet `name`; chart_columns names the label column and value
    columns of a chart for that block (None: no chart)."""
    import uno
    sheets = doc.getSheets()
    if sheets.hasByName(name):
        sheets.removeByName(name)
    sheets.insertNewByName(name, sheets.getCount())
    sheet = sheets.getByName(name)
    index = [i for i in range(sheets.getCount())
             if sheets.getByIndex(i).getName() == name][0]
    top = 0
    charts = 0
    width = max(len(m[0]) for _, m, _ in blocks)
    for title, matrix, chart_columns in blocks:
        sheet.getCellByPosition(0, top).setString(title)
        top += 1
        ncols = len(matrix[0])
        area = sheet.getCellRangeByPosition(0, top, ncols - 1, top + len(matrix) - 1)
        area.setDataArray(matrix)
        if chart_columns and len(matrix) > 1:
            header = list(matrix[0])
            addresses = []
            for col_name in chart_columns:
                c = header.index(col_name)
                a = uno.createUnoStruct("com.sun.star.table.CellRangeAddress")
                a.Sheet, a.StartColumn, a.EndColumn = index, c, c
                a.StartRow, a.EndRow = top, top + len(matrix) - 1
                addresses.append(a)
            rect = uno.createUnoStruct("com.sun.star.awt.Rectangle")
            # Beside the data: about 2.5 cm per column, 0.45 cm per row.
            rect.X, rect.Y = (width + 1) * 2500, top * 450
            rect.Width, rect.Height = 16000, 9000
            charts += 1
            sheet.getCharts().addNewByName("%s chart %d" % (name, charts), rect,
                                           tuple(addresses), True, True)
        top += len(matrix) + 2
    return sheet


def _scorecard(ws, matrix):
    """Runs the scorecard on the targets of a "Targets" sheet: columns kpi
    (a name), metric (as in baton.toml: "funnel.rate:mql->sql", ...), target,
    and optionally lower_is_better (true/false) and period (the first row's
    applies: month, quarter, ...). The library reads targets from TOML, so
    they are written to a private temporary file."""
    import json
    import os
    import tempfile
    rows = [tuple(r) for r in matrix if any(v is not None for v in r)]
    if len(rows) < 2:
        raise ranges.InputError("Baton: Targets: the sheet needs a header row (kpi, metric, "
                                "target) and one row per KPI")
    header = [str(h or "").strip().lower() for h in rows[0]]
    for need in ("kpi", "metric", "target"):
        if need not in header:
            raise ranges.InputError("Baton: Targets: column %s missing (found: %s)"
                                    % (need, ", ".join(h for h in header if h)))
    col = {h: i for i, h in enumerate(header)}
    lines = ["[scorecard]"]
    if "period" in col and rows[1][col["period"]]:
        lines.append("period = %s" % json.dumps(str(rows[1][col["period"]])))
    for n, r in enumerate(rows[1:], start=2):
        target = r[col["target"]]
        if not isinstance(target, float):
            raise ranges.InputError("Baton: Targets: row %d, column target: \"%s\" is not a "
                                    "number" % (n, target))
        lines += ["", "[[scorecard.kpi]]",
                  "name = %s" % json.dumps(str(r[col["kpi"]] or "")),
                  "metric = %s" % json.dumps(str(r[col["metric"]] or "")),
                  "target = %r" % target]
        if "lower_is_better" in col and r[col["lower_is_better"]] not in (None, 0.0):
            flag = str(r[col["lower_is_better"]]).strip().lower()
            if flag in ("1", "1.0", "true", "yes"):
                lines.append("lower_is_better = true")
    folder = tempfile.mkdtemp(prefix="baton-targets-")
    path = os.path.join(folder, "targets.toml")
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return ws.analyze("scorecard", {"scorecard.config": path})
    finally:
        os.remove(path)
        os.rmdir(folder)


def build_report(doc):
    """Runs every analysis the document's sheets support and writes the
    result sheets. Returns a list of (sheet name, rows written) or raises
    nothing: a data error becomes the "Baton Report" sheet's message."""
    written = []
    try:
        mapping = document_mapping(doc)
        sheets = doc.getSheets()
        counts = {}
        with capi.Workspace() as ws:
            for table, sheet_name in INPUT_SHEETS:
                if sheets.hasByName(sheet_name):
                    counts[table] = ranges.fill(ws, table, used_matrix(
                        sheets.getByName(sheet_name)), mapping)
            if not counts.get("stages"):
                raise ranges.InputError("Baton: report: the document needs a sheet "
                                        "\"Stages\" with rows (person_id, stage, at)")
            funnel = ws.analyze("funnel")
            by_source = ws.analyze("funnel", {"funnel.by": "source"})
            _write_sheet(doc, "Baton Funnel", [
                ("Funnel", ranges.to_matrix(funnel), ("stage", "reached")),
                ("Funnel by source", ranges.to_matrix(by_source), None)])
            written.append(("Baton Funnel", len(funnel.rows)))
            if counts.get("touches"):
                attr = ws.analyze("attribution", {"attribution.model": ATTRIBUTION_MODELS})
                grid = _pivot(attr, "key", "model", "conversions")
                _write_sheet(doc, "Baton Attribution", [
                    ("Conversions credited per channel and model", grid, tuple(grid[0])),
                    ("Attribution (all columns)", ranges.to_matrix(attr), None)])
                written.append(("Baton Attribution", len(attr.rows)))
                handoff = ws.analyze("handoff", {"handoff.by": "source"})
                _write_sheet(doc, "Baton Hand-off", [
                    ("Hand-off by source", ranges.to_matrix(handoff),
                     ("segment", "sla_rate", "acceptance_rate"))])
                written.append(("Baton Hand-off", len(handoff.rows)))
            if counts.get("spend"):
                spend = ws.analyze("spend")
                _write_sheet(doc, "Baton Spend", [
                    ("Spend efficiency by channel", ranges.to_matrix(spend),
                     ("key", "spend", "revenue"))])
                written.append(("Baton Spend", len(spend.rows)))
            if counts.get("deals"):
                deals = ws.analyze("deals", {"deals.by": "owner"})
                _write_sheet(doc, "Baton Deals", [
                    ("Deals by owner", ranges.to_matrix(deals), ("key", "won_amount"))])
                written.append(("Baton Deals", len(deals.rows)))
            if sheets.hasByName("Targets"):
                card = _scorecard(ws, used_matrix(sheets.getByName("Targets")))
                _write_sheet(doc, "Baton Scorecard", [
                    ("Scorecard against the Targets sheet", ranges.to_matrix(card),
                     ("kpi", "ratio"))])
                written.append(("Baton Scorecard", len(card.rows)))
        summary = (("sheet", "rows"),) + tuple((n, float(k)) for n, k in written)
        _write_sheet(doc, "Baton Report", [("Baton alignment report %s" % capi.version(),
                                            summary, None)])
    except (ranges.InputError, capi.BatonError) as e:
        _write_sheet(doc, "Baton Report", [("Baton alignment report", ((str(e),),), None)])
        written.append(("error", str(e)))
    return written
