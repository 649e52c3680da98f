"""`baton report ... --out X.xlsx`, then LibreOffice opens the workbook.

Writes the sample dataset, runs the report into an .xlsx, checks the
workbook's own parts, then has LibreOffice (headless) convert it to ODS and
checks that the converted document still holds every sheet and a chart
object per analysis sheet: LibreOffice read the workbook and its native
charts. Exit 0 on success, 77 when soffice is missing (ctest skips), 1 on a
failed check.
"""

import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile

EXPECTED_SHEETS = ["About", "Scorecard", "Funnel", "Hand-off", "Attribution", "Spend",
                   "Deals", "Scores"]
# Every analysis sheet but the scorecard carries one chart (Scores: the lift).
EXPECTED_CHARTS = 6


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def run(cmd, timeout):
    print("+ " + " ".join(cmd), flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, check=False)
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        fail("exit %d from %s:\n%s%s" % (done.returncode, cmd[0], out,
                                         done.stderr.decode("utf-8", "replace")))
    return out


def read_back(args, sample, xlsx):
    """Reads the Funnel sheet back through the xlsx connector, when built.

    The overall funnel's rows (segment "all") are mapped to spend rows, one
    per stage with amount = reached, so `baton spend` prints them back; they
    must equal `baton funnel` on the source.
    """
    plugins = os.environ.get("BATON_PLUGIN_PATH", "")
    if not any(os.path.exists(os.path.join(d, "baton-xlsx.so"))
               for d in plugins.split(os.pathsep) if d):
        print("NOTE: the xlsx connector is not built; the Funnel sheet was not read back")
        return
    mapping = os.path.join(args.work, "readback.toml")
    with open(mapping, "w", encoding="utf-8") as f:
        f.write('[[spend]]\nfile = "%s"\nsheet = "Funnel"\nchannel = "stage"\n'
                'amount = "reached"\nwhere = { segment = "all" }\n' %
                os.path.basename(xlsx))
    spend = parse_csv(run([args.baton, "spend", mapping, "--format", "csv"], 120))
    funnel = parse_csv(run([args.baton, "funnel", os.path.join(sample, "sample.toml"),
                            "--format", "csv"], 120))
    expected = [(r["stage"], float(r["reached"])) for r in funnel if r["segment"] == "all"]
    got = [(r["key"], float(r["spend"])) for r in spend]
    if sorted(got) != sorted(expected) or len(expected) < 6:
        fail("the Funnel sheet read back as %s, expected %s" % (got, expected))
    print("OK: the Funnel sheet read back through the xlsx connector: %s" % got)


def parse_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--soffice", default="")
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    sample = os.path.join(args.work, "sample")
    xlsx = os.path.join(args.work, "report.xlsx")
    run([args.baton, "sample", "--out", sample, "--people", "3000"], 300)
    run([args.baton, "report", os.path.join(sample, "sample.toml"), "--out", xlsx], 300)
    leftovers = [n for n in os.listdir(args.work) if ".tmp" in n]
    if leftovers:
        fail("temporary files left beside the report: %s" % leftovers)

    # The workbook as written.
    with zipfile.ZipFile(xlsx) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        sheets = re.findall(r'<sheet name="([^"]+)"', workbook)
        if sheets != EXPECTED_SHEETS:
            fail("sheets %s, expected %s" % (sheets, EXPECTED_SHEETS))
        charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        if len(charts) != EXPECTED_CHARTS:
            fail("%d chart parts in the xlsx, expected %d" % (len(charts), EXPECTED_CHARTS))

    read_back(args, sample, xlsx)

    soffice = args.soffice or shutil.which("soffice") or ""
    if not soffice or not os.path.exists(soffice):
        print("SKIP: soffice is not installed; the LibreOffice check did not run")
        sys.exit(77)
    # A profile of our own: a user's running LibreOffice or another test's
    # profile must not be shared.
    profile = os.path.join(args.work, "lo-profile-%d" % os.getpid())
    out_dir = os.path.join(args.work, "ods")
    run(["timeout", "180", soffice, "--headless", "--norestore",
         "-env:UserInstallation=file://" + profile, "--convert-to", "ods",
         "--outdir", out_dir, xlsx], 200)
    ods = os.path.join(out_dir, "report.ods")
    if not os.path.exists(ods):
        fail("LibreOffice wrote no %s" % ods)

    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
        names = re.findall(r'<table:table table:name="([^"]+)"', content)
        if names != EXPECTED_SHEETS:
            fail("the ODS has sheets %s, expected %s" % (names, EXPECTED_SHEETS))
        objects = re.findall(r'<draw:object [^>]*xlink:href="\./([^"]+)"', content)
        if len(objects) != EXPECTED_CHARTS:
            fail("the ODS has %d embedded objects, expected %d charts" %
                 (len(objects), EXPECTED_CHARTS))
        for obj in objects:
            chart = z.read(obj + "/content.xml").decode("utf-8")
            # Bar or column charts (LibreOffice writes both as chart:bar).
            if 'chart:class="chart:bar"' not in chart:
                fail("object %s is not a bar chart" % obj)
            if "<chart:series" not in chart:
                fail("chart %s has no series" % obj)
    print("OK: %d sheets and %d charts survived LibreOffice" % (len(names), len(objects)))


if __name__ == "__main__":
    main()
