"""Packs a Python plugin folder into the zip ``POST /plugins/portables`` installs.

Usage: ``python3 -m oort_plugin.pack PLUGIN_DIR [-o OUT.zip]``

The folder must hold the manifest ``<name>.json`` (``"language": "python"`` and
``"executable"``) and the executable. This SDK (standard library only) is copied into the
zip next to the executable, so the plugin runs with a bare ``python3`` on the server.
Prints the zip path and its sha256, and writes ``<zip>.sha256``.
"""

import argparse
import hashlib
import json
import os
import sys
import zipfile

_SKIP_DIRS = {"__pycache__", "dist", ".git", "tests"}
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def find_manifest(folder: str) -> dict:
    for f in sorted(os.listdir(folder)):
        if f.endswith(".json"):
            try:
                with open(os.path.join(folder, f), encoding="utf-8") as fh:
                    m = json.load(fh)
            except ValueError:
                continue
            if isinstance(m, dict) and m.get("name") == f[:-5]:
                return m
    raise SystemExit("%s has no manifest <name>.json whose name is <name>" % folder)


def _add(z: zipfile.ZipFile, path: str, arcname: str) -> None:
    info = zipfile.ZipInfo(arcname, _FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
    with open(path, "rb") as fh:
        z.writestr(info, fh.read())


def _walk(root: str):
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for f in sorted(files):
            if not f.endswith((".pyc", ".zip", ".sha256")):
                yield os.path.join(base, f)


def pack(folder: str, out: str = "") -> str:
    folder = os.path.abspath(folder)
    m = find_manifest(folder)
    for key in ("language", "executable", "version"):
        if not m.get(key):
            raise SystemExit("manifest %s.json needs %r" % (m["name"], key))
    if not os.path.isfile(os.path.join(folder, m["executable"])):
        raise SystemExit("executable %s not found in %s" % (m["executable"], folder))
    out = out or os.path.join(folder, "dist", m["name"] + ".zip")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    sdk = os.path.dirname(os.path.abspath(__file__))
    with zipfile.ZipFile(out, "w") as z:
        for path in _walk(folder):
            _add(z, path, os.path.relpath(path, folder).replace(os.sep, "/"))
        if not os.path.isdir(os.path.join(folder, "oort_plugin")):
            for path in _walk(sdk):
                if path.endswith(".py"):
                    _add(z, path, "oort_plugin/" + os.path.relpath(path, sdk).replace(os.sep, "/"))
    with open(out, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    with open(out + ".sha256", "w", encoding="utf-8") as fh:
        fh.write("%s  %s\n" % (digest, os.path.basename(out)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m oort_plugin.pack", description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("-o", "--out", default="")
    a = ap.parse_args(argv)
    out = pack(a.folder, a.out)
    with open(out + ".sha256", encoding="utf-8") as fh:
        digest = fh.read().split()[0]
    print("packed %s\nsha256 %s" % (out, digest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
