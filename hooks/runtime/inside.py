"""Run INSIDE Pyodide under Node by hooks/runtime/node.mjs at site build, never by the host Python.

It compiles the trimmed standard library and the engine to `.pyc`. This has to happen inside the very
Pyodide the browser will run: a `.pyc` starts with the interpreter's magic number and holds its bytecode,
so only Pyodide's own CPython 3.14 can write files it will accept (the build machine's Python may be any
3.11+). Both zips are written with fixed dates and sorted names, so equal inputs give equal bytes, equal
hashed file names in the site, and browser caches that stay valid across builds.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import py_compile
import zipfile
from pathlib import Path, PurePosixPath

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
UNCHECKED = py_compile.PycInvalidationMode.UNCHECKED_HASH  # no stat() or hashing of sources at import


def _compile(source: bytes, display_path: str, scratch: Path, optimize: int) -> bytes:
    """One module's `.pyc` bytes. `display_path` is what tracebacks will name (`co_filename`)."""
    scratch.mkdir(parents=True, exist_ok=True)
    src, out = scratch / "module.py", scratch / "module.pyc"
    src.write_bytes(source)
    py_compile.compile(str(src), cfile=str(out), dfile=display_path, doraise=True,
                       invalidation_mode=UNCHECKED, optimize=optimize)
    return out.read_bytes()


def _write_zip(path: str, files: dict[str, bytes], dirs: bool = True) -> None:
    """A zip of `files`, with their directories listed when `dirs` (zipimport finds namespace packages by
    their directory entries; a wheel has none)."""
    names = {str(p) + "/" for name in files for p in PurePosixPath(name).parents if str(p) != "."} if dirs else set()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:  # stored: brotli/gzip on the wire do better
        for name in sorted(names | files.keys()):
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else 0o100644 << 16
            zf.writestr(info, b"" if name.endswith("/") else files[name])


def compile_stdlib(entries: list[str], stdlib_zip: str, out_zip: str, scratch: str = "/tmp/stdlib-build") -> int:
    """Sourceless `.pyc` at the sources' paths (`json/__init__.py` -> `json/__init__.pyc`), which
    zipimport loads directly. Tracebacks still name `/lib/python3XY.zip/json/__init__.py` and its lines.

    Compiled as `python -OO` would (no docstrings, no asserts: a mode CPython supports for its standard
    library), which with the driver's PYTHONNODEBUGRANGES (no column tables) makes the zip about a third
    smaller: the cold visit's transfer budget is tight, and the wasm alone is 2.7 MB with brotli."""
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(stdlib_zip) as zf:
        for entry in entries:
            display = f"{stdlib_zip}/{entry}"
            files[entry[:-3] + ".pyc"] = _compile(zf.read(entry), display, Path(scratch), optimize=2)
    _write_zip(out_zip, files)
    return len(files)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def compile_engine(wheel: str, out_wheel: str, site_packages: str, imported: list[str]) -> int:
    """The engine's wheel plus `__pycache__/<module>.cpython-3XY.pyc` beside the source of each module the
    browser imports (`imported`, from the trace: not the CLI nor the docs' views, which only carriers'
    own Python runs, and it ignores these), listed in its RECORD. The sources stay, so the engine's own tracebacks show their lines in the browser console; the
    unchecked-hash `.pyc` (named for where Pyodide installs the wheel, `site_packages`) means the import
    never compiles or even reads them. A carrier's CPython of another version ignores them (another tag).
    No -O here: the engine keeps its asserts and docstrings, and so behaves exactly as it does on the
    command line and in the tests."""
    with zipfile.ZipFile(wheel) as zf:
        files = {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}
    [record] = [name for name in files if name.endswith(".dist-info/RECORD")]
    wanted = set(imported)  # a JavaScript array, from the driver
    added = []
    for name in sorted(files):
        module = name[:-3].replace("/", ".").removesuffix(".__init__")  # `troubleshooter/engine.py` -> `troubleshooter.engine`
        if name.endswith(".py") and module in wanted:
            runtime_path = f"{site_packages}/{name}"
            cached = importlib.util.cache_from_source(runtime_path)[len(site_packages) + 1:]  # Pyodide's own cache tag
            files[cached] = _compile(files[name], runtime_path, Path("/tmp/engine-build"), optimize=0)
            added.append(_record_line(cached, files[cached]))
    listed = [line for line in files[record].decode().splitlines() if not line.startswith(record + ",")]
    files[record] = "\n".join([*listed, *added, record + ",,", ""]).encode()  # RECORD lists itself last, unhashed
    _write_zip(out_wheel, files, dirs=False)
    return len(files)
