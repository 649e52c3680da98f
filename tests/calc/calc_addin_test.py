#!/usr/bin/python3
"""End-to-end test of the Calc add-in (baton.oxt) in a headless LibreOffice.

Installs the .oxt into a private user profile with unopkg, starts soffice
headless on a private pipe, and through UNO (after checking that the function
wizard lists the functions with their arguments):
  1. hand-made ranges: BATON.FUNNEL, BATON.ATTRIBUTION, BATON.HANDOFF as
     array formulas, checked against values computed by hand (comments);
  2. the sample dataset (`baton sample --people 300`) in sheets, some headers
     renamed through a Mapping sheet: the functions' tables equal the CLI's
     (`baton funnel|attribution|handoff sample.toml --format csv`);
  3. bad ranges give readable one-cell messages;
  4. the "Build alignment report" command (dispatching its URL) writes the
     result sheets with charts; its funnel and scorecard (from a Targets
     sheet) equal the CLI's;
  5. the documents saved as .ods and .xlsx and loaded again keep the values.

Bounded: a watchdog kills soffice and exits after --budget seconds (ctest
also wraps it in `timeout`), and soffice is killed at the end in all cases.
Needs no display. Run with Debian's /usr/bin/python3 (python3-uno).
"""

import argparse
import csv
import datetime
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue

FAILURES = []


def check(condition, what):
    if condition:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        FAILURES.append(what)


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


# ---- soffice session ------------------------------------------------------

class Office:
    """A headless soffice on a private profile and pipe; kill() always ends it."""

    def __init__(self, oxt, scratch):
        self.scratch = scratch
        self.profile = os.path.join(scratch, "profile")
        os.makedirs(self.profile)
        self.profile_url = uno.systemPathToFileUrl(self.profile)
        self.proc = None
        self.oxt = oxt

    def install(self):
        # unopkg refuses to install into a user profile as root (only
        # --shared, which would change the system installation). As root,
        # install as an unprivileged user does: the profile is theirs.
        oxt = os.path.join(self.scratch, "baton.oxt")
        shutil.copy(self.oxt, oxt)
        cmd = ["unopkg", "add", "-f", oxt, "-env:UserInstallation=" + self.profile_url]
        env = dict(os.environ, HOME=self.scratch)
        if os.geteuid() == 0:
            for root, dirs, files in os.walk(self.scratch):
                for n in dirs + files:
                    os.chown(os.path.join(root, n), 65534, 65534)
            os.chown(self.scratch, 65534, 65534)
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
        listing = subprocess.run(
            (cmd[:4] if os.geteuid() == 0 else []) +
            ["unopkg", "list", "-env:UserInstallation=" + self.profile_url],
            capture_output=True, text=True, timeout=120, env=env)
        check(r.returncode == 0 and "org.baton.calc" in listing.stdout,
              "unopkg add installs baton.oxt into the user profile (%s)"
              % (r.stderr.strip()[-300:] or "ok"))
        return r.returncode == 0

    def start(self):
        pipe = "baton_test_%d" % os.getpid()
        self.proc = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--norestore", "--nologo",
             "--nolockcheck", "--nodefault", "-env:UserInstallation=" + self.profile_url,
             "--accept=pipe,name=%s;urp;" % pipe],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            env=dict(os.environ, HOME=self.scratch))
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.time() + 90
        while True:
            try:
                self.ctx = resolver.resolve(
                    "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("soffice did not accept a connection")
                time.sleep(0.5)
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                           self.ctx)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)

    def new_doc(self):
        # This LibreOffice (nogui) cannot make a visible frame headless: Hidden.
        return self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0,
                                                 (prop("Hidden", True),))

    def load(self, path):
        return self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                                 (prop("Hidden", True),))


# ---- spreadsheet helpers --------------------------------------------------

def add_sheet(doc, name, matrix):
    sheets = doc.getSheets()
    if not sheets.hasByName(name):
        sheets.insertNewByName(name, sheets.getCount())
    sheet = sheets.getByName(name)
    if matrix:
        width = max(len(r) for r in matrix)
        rows = tuple(tuple(r) + ("",) * (width - len(r)) for r in matrix)
        sheet.getCellRangeByPosition(0, 0, width - 1, len(rows) - 1).setDataArray(rows)
    return sheet


def col_letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def ref(sheet_name, matrix):
    """$'Sheet'.$A$1:$C$9 covering the matrix."""
    width = max(len(r) for r in matrix)
    return "$'%s'.$A$1:$%s$%d" % (sheet_name, col_letter(width - 1), len(matrix))


def array_formula(doc, sheet_name, cols, rows, formula, col0=0, row0=0):
    """Enters formula as an array formula over cols x rows and returns the
    recalculated cells (numbers as float, text as str)."""
    sheet = add_sheet(doc, sheet_name, None)
    area = sheet.getCellRangeByPosition(col0, row0, col0 + cols - 1, row0 + rows - 1)
    area.setArrayFormula(formula)
    doc.calculateAll()
    return area.getDataArray()


def serial(ms):
    return ms / 86400000.0 + 25569


def iso_to_serial(text):
    d = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return serial(d.timestamp() * 1000)


def same(a, b):
    """A Calc cell against a CLI csv field."""
    if isinstance(a, float):
        if b == "":
            return False
        try:
            fb = float(b)
        except ValueError:
            return False
        return abs(a - fb) <= 1e-6 * max(1.0, abs(fb))
    return str(a) == b


def compare_to_cli(label, cells, cli_csv, columns=None):
    rows = list(csv.reader(io.StringIO(cli_csv)))
    header = rows[0]
    check(tuple(cells[0]) == tuple(header),
          "%s: header equals the CLI's (%s)" % (label, ",".join(header)))
    check(len(cells) == len(rows), "%s: %d rows, the CLI has %d" % (label, len(cells),
                                                                     len(rows)))
    idx = [header.index(c) for c in (columns or header)]
    bad = []
    for r, (got, want) in enumerate(zip(cells[1:], rows[1:]), start=1):
        for c in idx:
            if not same(got[c], want[c]):
                bad.append("row %d %s: %r vs %r" % (r, header[c], got[c], want[c]))
    check(not bad, "%s: every value equals the CLI's %s" % (label, bad[:3]))


def cli(baton, *args):
    r = subprocess.run([baton] + list(args), capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def read_csv(path):
    with open(path, newline="") as f:
        return [tuple(r) for r in csv.reader(f)]


# ---- the checks -----------------------------------------------------------

# Four people and their stage entries. The funnel by hand (a later stage
# implies the skipped ones): p1 reaches inquiry, mql, sal (implied), sql,
# won; p2 inquiry, mql; p3 inquiry; p4 inquiry, mql, sal. So reached is
# inquiry 4, mql 3, sal 2, sql 1, won 1; inquiry->mql 3/4 = 0.75; mql->sal
# 2/3; won from inquiry 1/4 = 0.25. ("opportunity" is recorded by nobody,
# so it has no row.) Dates mix Calc serials and ISO text.
JAN = 45292.0  # 2024-01-01 as a Calc serial
PEOPLE = (("person_id", "source"), ("p1", "web"), ("p2", "web"), ("p3", "event"),
          ("p4", "event"))
STAGES = (("person_id", "stage", "at"),
          ("p1", "inquiry", JAN), ("p1", "mql", "2024-01-03 09:00"),
          ("p1", "sql", JAN + 9), ("p1", "won", "2024-02-01"),
          ("p2", "inquiry", JAN + 1), ("p2", "mql", "2024-01-04"),
          ("p3", "inquiry", JAN + 4),
          ("p4", "inquiry", "2024-01-06"), ("p4", "mql", JAN + 6), ("p4", "sal", JAN + 7))
# p1: web 2023-12-30 and email 2024-01-20 before winning on 2024-02-01: first
# credits web 1, last email 1, linear 0.5 each. Sales touches: p1 6 h after
# its mql (09:00 -> 15:00), p2 48 h after (01-04 -> 01-06), p4 none.
TOUCHES = (("person_id", "at", "channel", "side"),
           ("p1", JAN - 2, "web", "marketing"), ("p1", "2024-01-20", "email", "marketing"),
           ("p1", "2024-01-03 15:00", "", "sales"), ("p2", JAN + 5, "", "sales"))


def check_hand_case(doc):
    add_sheet(doc, "People", PEOPLE)
    add_sheet(doc, "Stages", STAGES)
    add_sheet(doc, "Touches", TOUCHES)
    p, s, t = ref("People", PEOPLE), ref("Stages", STAGES), ref("Touches", TOUCHES)
    out = array_formula(doc, "Results", 10, 6, "=BATON.FUNNEL(%s;%s)" % (p, s))
    check(out[0][:3] == ("segment", "stage", "reached"),
          "BATON.FUNNEL returns the funnel table with its header row")
    check([r[1] for r in out[1:]] == ["inquiry", "mql", "sal", "sql", "won"],
          "BATON.FUNNEL: one row per stage present in the data")
    check([r[2] for r in out[1:]] == [4.0, 3.0, 2.0, 1.0, 1.0],
          "BATON.FUNNEL: reached 4, 3, 2, 1, 1 as computed by hand")
    check(out[1][5] == 0.75 and abs(out[2][5] - 2 / 3) < 1e-12 and out[1][7] == 0.25,
          "BATON.FUNNEL: inquiry->mql 0.75, mql->sal 2/3, inquiry->won 0.25")
    by = array_formula(doc, "Results", 10, 11, "=BATON.FUNNEL(%s;%s;\"source\")" % (p, s),
                       row0=8)
    # event: p3, p4 reached inquiry (2), web: p1, p2 (2) and only p1 won.
    check([(r[0], r[1], r[2]) for r in by[1:] if r[1] in ("inquiry", "won")] ==
          [("event", "inquiry", 2.0), ("event", "won", 0.0),
           ("web", "inquiry", 2.0), ("web", "won", 1.0)],
          "BATON.FUNNEL(...;\"source\") splits by the people's source")
    attr = array_formula(doc, "Results", 5, 7,
                         "=BATON.ATTRIBUTION(%s;%s;\"first,last,linear\")" % (t, s), row0=21)
    credit = {(r[0], r[1]): r[2] for r in attr[1:]}
    check(credit == {("first", "web"): 1.0, ("first", "email"): 0.0,
                     ("last", "web"): 0.0, ("last", "email"): 1.0,
                     ("linear", "web"): 0.5, ("linear", "email"): 0.5},
          "BATON.ATTRIBUTION: first web 1, last email 1, linear 0.5 each")
    h24 = array_formula(doc, "Results", 14, 2, "=BATON.HANDOFF(%s;%s)" % (s, t), row0=30)
    h48 = array_formula(doc, "Results", 14, 2, "=BATON.HANDOFF(%s;%s;48)" % (s, t), row0=33)
    col = {n: i for i, n in enumerate(h24[0])}
    # 3 hand-offs (mql of p1, p2, p4), 2 worked at 6 h and 48 h: median 27 h;
    # within 24 h: 1 (1/3); within 48 h (exactly at it counts): 2.
    check((h24[1][col["handed_off"]], h24[1][col["worked"]],
           h24[1][col["response_median_hours"]], h24[1][col["within_sla"]]) ==
          (3.0, 2.0, 27.0, 1.0),
          "BATON.HANDOFF: 3 handed off, 2 worked, median 27 h, 1 within 24 h")
    check(h48[1][col["within_sla"]] == 2.0,
          "BATON.HANDOFF(...;48): the 48 h response is within a 48 h SLA")
    return out


def check_function_wizard(office):
    """The function list Calc's wizard shows: names from CalcAddIns.xcu with
    their argument names (the document argument Calc fills is hidden)."""
    descriptions = office.smgr.createInstanceWithContext(
        "com.sun.star.sheet.FunctionDescriptions", office.ctx)
    found = {}
    for i in range(descriptions.getCount()):
        d = {p.Name: p.Value for p in descriptions.getByIndex(i)}
        if str(d.get("Name", "")).startswith("BATON."):
            found[d["Name"]] = tuple(a.Name for a in d.get("Arguments") or ())
    check(found.get("BATON.FUNNEL") == ("people", "stages", "by") and
          found.get("BATON.ATTRIBUTION") == ("touches", "stages", "model", "by") and
          found.get("BATON.HANDOFF") == ("stages", "touches", "sla_hours"),
          "the function wizard lists BATON.FUNNEL, BATON.ATTRIBUTION, BATON.HANDOFF with "
          "their arguments %s" % found)


def check_errors(doc):
    bad_people = (("id", "source"), ("p1", "web"))
    add_sheet(doc, "BadPeople", bad_people)
    bad_stages = (("person_id", "stage", "at"), ("p1", "mql", JAN), ("p2", "mql", "soon"))
    add_sheet(doc, "BadStages", bad_stages)
    add_sheet(doc, "Empty", None)
    s = ref("Stages", STAGES)
    cases = [
        ("=BATON.FUNNEL(%s;%s)" % (ref("BadPeople", bad_people), s),
         "Baton: people: column person_id missing"),
        ("=BATON.FUNNEL(%s;%s)" % (ref("People", PEOPLE), ref("BadStages", bad_stages)),
         "Baton: stages: row 3, column at: \"soon\" is not a date"),
        ("=BATON.FUNNEL($'Empty'.$A$1:$C$5;%s)" % s, "Baton: people: the range is empty"),
        ("=BATON.ATTRIBUTION(%s;%s;\"best\")" % (ref("Touches", TOUCHES), s),
         "Baton: attribution: attribution.model: unknown model \"best\""),
        ("=BATON.HANDOFF(%s;%s;\"soon\")" % (s, ref("Touches", TOUCHES)),
         "Baton: handoff: sla_hours \"soon\" is not a number"),
    ]
    for i, (formula, message) in enumerate(cases):
        got = array_formula(doc, "Errors", 1, 1, formula, row0=i)[0][0]
        check(isinstance(got, str) and got.startswith(message),
              "readable error %r (got %r)" % (message, got))


def sample_doc(office, sample_dir, mapping):
    """The sample CSVs as sheets; times of people and stages as Calc serial
    dates, of touches as ISO text. With mapping, the Stages sheet says "Lead"
    and "Entered" and a Mapping sheet translates them."""
    doc = office.new_doc()
    for name, table, time_cols in (("People", "people", ("created_at",)),
                                   ("Stages", "stages", ("at",)),
                                   ("Touches", "touches", ()),
                                   ("Deals", "deals", ("created_at", "closed_at")),
                                   ("Spend", "spend", ())):
        rows = read_csv(os.path.join(sample_dir, table + ".csv"))
        header = list(rows[0])
        conv = [header.index(c) for c in time_cols]
        body = []
        for r in rows[1:]:
            r = list(r)
            for c in conv:
                if r[c]:
                    r[c] = iso_to_serial(r[c])
            for c, h in enumerate(header):
                if h in ("amount", "cost") and r[c]:
                    r[c] = float(r[c])
            body.append(tuple(r))
        if mapping and table == "stages":
            header = ["Lead" if h == "person_id" else "Entered" if h == "at" else h
                      for h in header]
        add_sheet(doc, name, [tuple(header)] + body)
    if mapping:
        add_sheet(doc, "Mapping", (("canonical", "yours"), ("person_id", "Lead"),
                                   ("stages.at", "Entered")))
    doc.getSheets().removeByName("Sheet1")
    return doc


def used_ref(doc, name):
    sheet = doc.getSheets().getByName(name)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    a = cursor.getRangeAddress()
    return "$'%s'.$A$1:$%s$%d" % (name, col_letter(a.EndColumn), a.EndRow + 1)


def check_against_cli(office, baton, sample_dir):
    toml = os.path.join(sample_dir, "sample.toml")
    doc = sample_doc(office, sample_dir, mapping=True)
    people, stages, touches = (used_ref(doc, n) for n in ("People", "Stages", "Touches"))
    want = cli(baton, "funnel", toml, "--by", "source", "--format", "csv")
    n = len(want.strip().splitlines())
    got = array_formula(doc, "Results", 10, n,
                        "=BATON.FUNNEL(%s;%s;\"source\")" % (people, stages))
    compare_to_cli("sample funnel by source (Stages headers through Mapping)", got, want)
    models = "first,linear,u_shaped,markov"
    want = cli(baton, "attribution", toml, "--model", models, "--format", "csv")
    n = len(want.strip().splitlines())
    got = array_formula(doc, "Results", 5, n, "=BATON.ATTRIBUTION(%s;%s;\"%s\")"
                        % (touches, stages, models), col0=12)
    # Revenue comes from deals, which the cell function does not take.
    compare_to_cli("sample attribution", got, want,
                   columns=("model", "key", "conversions", "removal_effect"))
    want = cli(baton, "handoff", toml, "--sla", "48h", "--format", "csv")
    n = len(want.strip().splitlines())
    got = array_formula(doc, "Results", 14, n, "=BATON.HANDOFF(%s;%s;48)"
                        % (stages, touches), col0=18)
    compare_to_cli("sample hand-off, 48 h SLA", got, want,
                   columns=[c for c in want.splitlines()[0].split(",")
                            if c not in ("won", "rate_to_won")])
    doc.close(True)


def dispatch_report(office, doc):
    frame = doc.getCurrentController().getFrame()
    helper = office.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                   office.ctx)
    helper.executeDispatch(frame, "org.baton.calc:BuildReport", "", 0, ())


def check_report_without_stages(office):
    doc = office.new_doc()
    add_sheet(doc, "People", PEOPLE)
    dispatch_report(office, doc)
    sheets = doc.getSheets()
    message = (sheets.getByName("Baton Report").getCellByPosition(0, 1).getString()
               if sheets.hasByName("Baton Report") else "")
    check(message.startswith("Baton: report: the document needs a sheet \"Stages\""),
          "the report command on a document without Stages says so (%r)" % message)
    doc.close(True)


def check_report(office, baton, sample_dir, scratch):
    toml = os.path.join(sample_dir, "sample.toml")
    doc = sample_doc(office, sample_dir, mapping=False)
    # The sample.toml's [scorecard] as a Targets sheet.
    add_sheet(doc, "Targets", (
        ("kpi", "metric", "target", "lower_is_better", "period"),
        ("MQL to SQL", "funnel.rate:mql->sql", 0.35, "", "quarter"),
        ("Hand-offs worked within SLA", "handoff.sla_rate", 0.75, "", ""),
        ("Median response (hours)", "handoff.response_median_hours", 4.0, "true", ""),
        ("Win rate", "deals.win_rate", 0.4, "", ""),
        ("Marketing-sourced pipeline", "deals.pipeline_amount:side=marketing", 1500000.0,
         "", "")))
    dispatch_report(office, doc)
    sheets = doc.getSheets()
    expected = ("Baton Funnel", "Baton Attribution", "Baton Hand-off", "Baton Spend",
                "Baton Deals", "Baton Scorecard", "Baton Report")
    check(all(sheets.hasByName(n) for n in expected),
          "the report command writes the sheets %s" % ", ".join(expected))
    if not sheets.hasByName("Baton Funnel"):
        return doc
    charts = {n: sheets.getByName(n).getCharts().getCount() for n in expected[:6]}
    check(all(c >= 1 for c in charts.values()), "each result sheet has a chart %s" % charts)
    funnel = sheets.getByName("Baton Funnel")
    want = cli(baton, "funnel", toml, "--format", "csv")
    n = len(want.strip().splitlines())
    got = funnel.getCellRangeByPosition(0, 1, 9, n).getDataArray()
    compare_to_cli("report sheet Baton Funnel", got, want)
    want = cli(baton, "scorecard", toml, "--format", "csv")
    n = len(want.strip().splitlines())
    if sheets.hasByName("Baton Scorecard"):
        card = sheets.getByName("Baton Scorecard")
        width = len(want.splitlines()[0].split(","))
        got = card.getCellRangeByPosition(0, 1, width - 1, n).getDataArray()
        compare_to_cli("report sheet Baton Scorecard (Targets sheet)", got, want)
    report = sheets.getByName("Baton Report").getCellByPosition(0, 0).getString()
    check(report.startswith("Baton alignment report"), "the summary sheet names the report")
    return doc


def close_matrix(a, b):
    """Equal, numbers to 14 significant digits (files keep Calc's 15)."""
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b):
        if len(ra) != len(rb):
            return False
        for x, y in zip(ra, rb):
            if isinstance(x, float) and isinstance(y, float):
                if abs(x - y) > 1e-14 * max(1.0, abs(y)) * 10:
                    return False
            elif x != y:
                return False
    return True


def check_save_and_reload(office, doc, scratch, label, cells):
    """Saves doc as .ods and .xlsx, loads each again, and compares the
    cells of each sheet in `cells` ({sheet: (col0, row0, col1, row1)})."""
    before = {n: doc.getSheets().getByName(n).getCellRangeByPosition(*cells[n])
              .getDataArray() for n in cells}
    for ext, filt in (("ods", "calc8"), ("xlsx", "Calc Office Open XML")):
        path = os.path.join(scratch, "%s.%s" % (label, ext))
        doc.storeToURL(uno.systemPathToFileUrl(path), (prop("FilterName", filt),))
        again = office.load(path)
        try:
            for n, (c0, r0, c1, r1) in cells.items():
                after = again.getSheets().getByName(n).getCellRangeByPosition(
                    c0, r0, c1, r1).getDataArray()
                check(close_matrix(after, before[n]),
                      "%s saved as .%s and reloaded: sheet %s keeps its values"
                      % (label, ext, n))
            if "Results" in cells:
                # The formulas themselves survive: recalculating the loaded
                # file calls the add-in again and gives the same values.
                sheet = again.getSheets().getByName("Results")
                formula = sheet.getCellByPosition(0, 0).getFormula()
                again.calculateAll()
                after = sheet.getCellRangeByPosition(*cells["Results"]).getDataArray()
                check("BATONADDIN.FUNNEL" in formula.upper() and
                      close_matrix(after, before["Results"]),
                      "%s saved as .%s: the add-in formulas recalculate (%s)"
                      % (label, ext, formula[:40]))
        finally:
            again.close(True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--baton", required=True, help="the baton CLI")
    ap.add_argument("--work", required=True, help="a scratch folder (emptied)")
    ap.add_argument("--budget", type=float, default=270, help="watchdog seconds")
    a = ap.parse_args()

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    scratch = tempfile.mkdtemp(prefix="baton-calc-")
    os.chmod(scratch, 0o755)
    office = Office(a.oxt, scratch)

    def watchdog():
        print("FAIL the test ran past %g s: soffice killed" % a.budget, flush=True)
        office.kill()
        shutil.rmtree(scratch, ignore_errors=True)
        os._exit(3)
    timer = threading.Timer(a.budget, watchdog)
    timer.daemon = True
    timer.start()
    try:
        if not office.install():
            return 1
        office.start()
        sample = os.path.join(a.work, "sample")
        cli(a.baton, "sample", "--people", "300", "--out", sample)

        check_function_wizard(office)
        doc = office.new_doc()
        check_hand_case(doc)
        check_errors(doc)
        doc.calculateAll()
        check_save_and_reload(office, doc, a.work, "functions",
                              {"Results": (0, 0, 13, 34), "Errors": (0, 0, 0, 4)})
        doc.close(True)

        check_against_cli(office, a.baton, sample)
        check_report_without_stages(office)
        doc = check_report(office, a.baton, sample, a.work)
        check_save_and_reload(office, doc, a.work, "report",
                              {"Baton Funnel": (0, 0, 9, 7),
                               "Baton Attribution": (0, 0, 6, 6)})
        doc.close(True)
    except Exception:
        traceback.print_exc()
        FAILURES.append("exception")
    finally:
        timer.cancel()
        office.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
