"""The engine as a wheel, `iot-troubleshooter` (pyproject.toml), and its entry in Pyodide's lock.

One file serves both: the browser loads it by name through Pyodide's lock (`pyodide.loadPackage`, which
checks its sha256), and carriers `pip install` it on their own backends to run the CLI. The site build
(runtime/build.py) makes it here with flit_core from a staged copy of the package (the tree, codes and
profiles also as JSON, which the engine reads faster than TOML; not the scripts in web/ nor the contract's
history), then adds each module's `.pyc` compiled inside Pyodide (runtime/inside.py), and registers the
result with pyodide-build's `pyodide lockfile add-wheels`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from _project import ROOT, run_tool
from mkdocs.exceptions import PluginError

PACKAGE = ROOT / "troubleshooter"
PYPROJECT = ROOT / "pyproject.toml"
DATA = ("tree.toml", "codes.toml", "profiles/*.toml")  # shipped as they are and as JSON
LEFT_OUT = ("web", "contract.toml", "__pycache__")  # the page's scripts, the contract's history (docs only)


def distribution() -> dict[str, str]:
    """Name and version from pyproject.toml, and the wheel's file name (PEP 427: `-` becomes `_`)."""
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]
    name, version = project["name"], project["version"]
    return {"name": name, "version": version, "file": f"{name.replace('-', '_')}-{version}-py3-none-any.whl"}


def stage(dest: Path) -> None:
    """What goes into the wheel, laid out for flit_core: pyproject.toml and the package."""
    shutil.copy(PYPROJECT, dest / "pyproject.toml")
    shutil.copytree(PACKAGE, dest / PACKAGE.name, ignore=shutil.ignore_patterns(*LEFT_OUT, "*.pyc"))
    for pattern in DATA:
        for toml in sorted((dest / PACKAGE.name).glob(pattern)):
            data = tomllib.loads(toml.read_text("utf-8"))
            toml.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


def source_digest() -> str:
    """A hash of everything the wheel is made from, for the runtime's cache key (runtime/build.py)."""
    h = hashlib.sha256(PYPROJECT.read_bytes())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and not set(p.relative_to(PACKAGE).parts) & set(LEFT_OUT)):
        h.update(f"{path.relative_to(PACKAGE).as_posix()}\n".encode() + path.read_bytes())
    return h.hexdigest()


def build_wheel(out_dir: Path) -> Path:
    """The plain wheel (sources and data, no `.pyc` yet) in `out_dir`."""
    from flit_core.wheel import make_wheel_in

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wheel-stage-") as tmp:
        stage(Path(tmp))
        try:
            return Path(make_wheel_in(Path(tmp) / "pyproject.toml", out_dir).file)
        except Exception as err:  # flit_core's own messages name the field; say where it is
            raise PluginError(f"building the engine's wheel from pyproject.toml failed: {err}") from None


def lock_with(wheel: Path, lock: dict[str, Any]) -> dict[str, Any]:
    """`lock` plus an entry for `wheel` (name, version, sha256, imports; `file_name` relative to the wheel's
    folder, which the worker passes as `packageBaseUrl`), written by `pyodide lockfile add-wheels`."""
    cli = Path(sys.executable).with_name("pyodide")
    if not cli.exists():
        raise PluginError(f"{cli} is missing: pyodide-build is in requirements.txt; run `make serve` (it needs "
                          "Python 3.12 or newer for the virtualenv) to install it")
    with tempfile.TemporaryDirectory(prefix="lock-") as tmp:
        given, written = Path(tmp) / "given.json", Path(tmp) / "written.json"
        given.write_text(json.dumps(lock))
        what = f"`pyodide lockfile add-wheels {wheel.name}`"
        run_tool([str(cli), "lockfile", "add-wheels", "--input", str(given), "--output", str(written),
                  "--base-path", str(wheel.parent), str(wheel)], what, 120, "Run `make setup` to reinstall pyodide-build")
        if not written.exists():
            raise PluginError(f"{what} wrote no lock file; run `make setup` to reinstall pyodide-build")
        return json.loads(written.read_text())
