"""Packs the staged `baton` package folder into a wheel, with the standard
library only (no setuptools, no network), for `pip install --no-index`.

A wheel is a zip of the package plus a .dist-info folder (METADATA, WHEEL,
RECORD with each file's sha256). The tags are those of the interpreter that
runs this script, which is the one the extension was built for.

usage: make_wheel.py --package DIR --version V --summary TEXT --out DIR
"""
import argparse
import base64
import hashlib
import os
import pathlib
import sys
import sysconfig
import zipfile


def tags():
    """(python, abi, platform) tags of this interpreter, e.g. cp311, cp311, linux_x86_64."""
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return py, py, platform


def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", required=True, type=pathlib.Path)
    ap.add_argument("--version", required=True)
    ap.add_argument("--summary", required=True)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    args = ap.parse_args()

    pkg = args.package
    files = sorted(p for p in pkg.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    if not any(p.name.startswith("_baton") for p in files):
        sys.exit(f"make_wheel: no _baton extension in {pkg}; build baton_python first")
    py, abi, platform = tags()
    name = f"baton-{args.version}-{py}-{abi}-{platform}.whl"
    args.out.mkdir(parents=True, exist_ok=True)
    wheel = args.out / name

    # Up to date: nothing staged is newer than the wheel.
    if wheel.exists():
        newest = max(p.stat().st_mtime for p in files)
        if newest <= wheel.stat().st_mtime:
            return
    for old in args.out.glob("baton-*.whl"):
        old.unlink()

    dist_info = f"baton-{args.version}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1",
        "Name: baton",
        f"Version: {args.version}",
        f"Summary: {args.summary}",
        "Requires-Python: >=3.9",
        "Requires-Dist: numpy",
        "Requires-Dist: pandas",
        "Provides-Extra: notebook",
        "Requires-Dist: tqdm ; extra == 'notebook'",
        "Requires-Dist: matplotlib ; extra == 'notebook'",
        "", ""])
    wheel_meta = "\n".join([
        "Wheel-Version: 1.0",
        "Generator: baton make_wheel.py",
        "Root-Is-Purelib: false",
        f"Tag: {py}-{abi}-{platform}",
        "", ""])

    tmp = wheel.with_suffix(".tmp")
    record = []
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p in files:
            arc = "baton/" + p.relative_to(pkg).as_posix()
            data = p.read_bytes()
            info = zipfile.ZipInfo(arc, date_time=(2020, 1, 1, 0, 0, 0))
            mode = 0o755 if os.access(p, os.X_OK) else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
            record.append(f"{arc},{digest(data)},{len(data)}")
        for fname, text in (("METADATA", metadata), ("WHEEL", wheel_meta),
                            ("top_level.txt", "baton\n")):
            arc = f"{dist_info}/{fname}"
            data = text.encode()
            z.writestr(arc, data)
            record.append(f"{arc},{digest(data)},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        z.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    os.replace(tmp, wheel)
    print(f"make_wheel: wrote {wheel}")


if __name__ == "__main__":
    main()
