"""Prepare the browser's Python runtime at build time (for hooks/python_runtime.py, the one hook).

A stock Pyodide spends most of its start-up compiling standard-library sources, and fetches a 119 KB
lock file the troubleshooter never uses. So, with Pyodide itself under Node (runtime/node.mjs, which
starts it with the worker's own troubleshooter/web/loader.js):

1. trace: boot the stock Pyodide, install the engine's wheel (runtime/wheel.py) by name as the worker
   does, answer every request the tree allows (every path, every step, both languages, plus bad input),
   and note the standard-library modules that got imported; the list is computed here on every input
   change, never kept by hand;
2. compile those modules (plus the `encodings` package whole: codecs are looked up by name at run time)
   to sourceless unchecked-hash `.pyc`, and add the engine's `.pyc` to its wheel beside the sources,
   inside that same Pyodide (its magic number; the host's Python may be any version);
3. check: boot Pyodide on the result with the shipped inline lock (only the finished wheel, registered
   by `pyodide lockfile add-wheels`), answer every request again, and fail the build unless each answer
   is byte-identical to the stock run's.

The result is cached in .cache/python-runtime/<key>, keyed by everything it depends on (Pyodide's
files, the engine and tree, this code), so rebuilds and `mkdocs serve` reuse it; a Pyodide upgrade or a
new question rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _project import PYODIDE_NPM, ROOT, run_tool, site_tree
from mkdocs.exceptions import PluginError
from runtime.wheel import build_wheel, distribution, lock_with, source_digest
from troubleshooter import LANGS

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "node.mjs"
INSIDE = HERE / "inside.py"
WHEEL_CODE = HERE / "wheel.py"
LOADER = ROOT / "troubleshooter" / "web" / "loader.js"  # the browser's start-up, which node.mjs runs too
CACHE = ROOT / ".cache" / "python-runtime"
KEEP_CACHED = 4  # older entries are pruned
WHOLE_PACKAGES = ("encodings",)
NODE_TIMEOUT_S = 600
# A request the engine must reject politely: unknown names, bad values, markup (the tampered-link test).
BAD_QUERY = "?balance=%3Cscript%3E&unknown=1&plan=valid&months_expired=-3"
CODES_QUERY = "?onelink.stopReason=000020002000&aliyun.LockReason=Nope&ctcmp.queryCardMainStatus=x"


@dataclass(frozen=True)
class Runtime:
    """What the site ships: the trimmed stdlib zip, the engine's wheel (with its `.pyc`), and the inline lock
    that lists that wheel (its `file_name` is relative to the wheel's folder)."""

    stdlib: bytes
    wheel: bytes
    wheel_name: str
    lock: dict[str, Any]
    modules: tuple[str, ...]  # the stdlib zip's entries, as source paths (`json/__init__.py`)
    key: str


def pyodide_lock_info() -> dict[str, Any]:
    lock_path = PYODIDE_NPM / "pyodide-lock.json"
    try:
        return json.loads(lock_path.read_text("utf-8"))["info"]
    except (OSError, ValueError, KeyError) as err:
        raise PluginError(f"cannot read info from {lock_path} ({err}): run `npm ci` to restore node_modules") from None


def minimal_lock() -> dict[str, Any]:
    """A lock with no packages and the shipped lock's ABI, to which the engine's wheel is added: the worker
    passes it inline, so the browser fetches no pyodide-lock.json. Pyodide refuses a lock whose
    `abi_version` differs from its own, so it is read from the lock that came with this very Pyodide,
    never written by hand."""
    return {"info": pyodide_lock_info(), "packages": {}}


def requests() -> list[str]:
    """Every kind of request the page can make of the engine: one for each state of the tree (every
    question given what is dealt with, every result; troubleshooter.walks walks them) and each step of
    each path to a first result, in both languages, plus bad input and a portal's locked facts."""
    from troubleshooter.walks import paths, summarize_paths
    from troubleshooter.engine import choose
    from troubleshooter.facts import SOLVED, to_query
    from troubleshooter.profiles import profile_ids

    tree = site_tree()
    queries: dict[str, None] = {"": None}
    for facts in summarize_paths(tree).samples.values():
        queries[to_query(tree, facts)] = None
    for path in paths(tree, follow_still=False):
        facts: dict[str, Any] = {}
        for q, i in path.events:
            if q is not None:
                facts = choose(tree, facts, q.options[i])
                queries[to_query(tree, facts)] = None
    queries["?" + SOLVED] = None
    out = [json.dumps({"query": q, "lang": lang, "locked": {}, "articleBase": ""}) for q in queries for lang in LANGS]
    first = tree.questions[tree.start]
    locked = choose(tree, {}, first.options[0])
    for lang in LANGS:
        out.append(json.dumps({"query": BAD_QUERY, "lang": lang, "locked": {}, "articleBase": "../"}))
        out.append(json.dumps({"query": "", "lang": lang, "locked": locked, "articleBase": ""}))
        for pid in profile_ids():  # a portal's profile, shipped and inline (troubleshooter/profiles.py)
            out.append(json.dumps({"query": "?symptom=no_service&stop_reason=arrears", "lang": lang, "profile": pid}))
        out.append(json.dumps({"query": "?symptom=no_service", "lang": lang,
                               "profileInline": {"sellerName": "A", "restrictedRegions": "CN-YN"}}))
    for lang in LANGS:  # platform codes (troubleshooter/codes.toml), valid and malformed, in the URL and from a portal
        out.append(json.dumps({"query": CODES_QUERY, "lang": lang, "locked": {"huawei.operatorStatus": -1}, "articleBase": ""}))
    out += ["not json", "[1]", json.dumps({"lang": "xx", "query": 3, "locked": [1]})]
    return out


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_key() -> str:
    """Everything the runtime depends on: Pyodide's own files, the engine, tree and pyproject.toml, and
    this code."""
    h = hashlib.sha256(b"python-runtime/1\n")
    for name in ("package.json", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"):
        path = PYODIDE_NPM / name
        stat = path.stat() if path.exists() else None
        # size+mtime for the big files keeps the key cheap; the version is in package.json's contents
        h.update(f"{name}:{stat and (stat.st_size, stat.st_mtime_ns)}\n".encode())
    h.update((PYODIDE_NPM / "package.json").read_bytes())
    for path in (DRIVER, INSIDE, LOADER, Path(__file__), WHEEL_CODE):
        h.update(_file_digest(path).encode())
    h.update(source_digest().encode())
    h.update(json.dumps(WHOLE_PACKAGES).encode())
    return h.hexdigest()[:20]


def node() -> str:
    found = shutil.which("node")
    if not found:
        raise PluginError("node is not on PATH: the build runs Pyodide under Node to prepare the troubleshooter's "
                          "Python runtime; install Node 20 (Debian: `apt-get install nodejs`) and run again")
    return found


def run_node(job: dict[str, Any]) -> dict[str, Any]:
    """One run of the Node driver; its result, or a PluginError that says what broke."""
    if not (PYODIDE_NPM / "pyodide.mjs").is_file():
        raise PluginError(f"{PYODIDE_NPM} is incomplete: run `make serve` (or `npm ci`) first")
    with tempfile.TemporaryDirectory(prefix="pyodide-job-") as tmp:
        job_path, result_path = Path(tmp) / "job.json", Path(tmp) / "result.json"
        job_path.write_text(json.dumps(job))
        what, hint = f"Pyodide under Node ({DRIVER.name}, {job['mode']})", "Check `node --version` (20 or newer) and run `npm ci`"
        run_tool([node(), str(DRIVER), str(job_path), str(result_path)], what, NODE_TIMEOUT_S, hint)
        if not result_path.exists():
            raise PluginError(f"{what} wrote no result. {hint}")
        return json.loads(result_path.read_text())


MISSING = re.compile(r"No module named '([^']+)'")


def explain(result: dict[str, Any], where: str) -> str:
    """One message for a failed run. Pyodide words a module missing from a trimmed standard library as
    "removed from the Python standard library in the Pyodide distribution due to browser limitations",
    which sends people the wrong way: say what really happened and what to do."""
    message = str(result.get("message", ""))
    request = result.get("request")
    context = f" while answering {request}" if request else f" at {result.get('stage', '?')}"
    missing = MISSING.search(message)
    if missing:
        return (f"{where}: the trimmed standard library lacks the module '{missing.group(1)}'{context}. "
                "(If Pyodide says it was 'removed from the Python standard library', ignore that: it is in "
                "Pyodide's full python_stdlib.zip; the build left it out.) The module list comes from what "
                "the engine imported while the build answered every tree path under Node, so this import "
                "happens only on input the build did not try: import the module at the top of the engine "
                "module that needs it, or add that input to requests() in hooks/runtime/build.py, then "
                "build again.")
    if "ABI version" in message:
        return (f"{where}: Pyodide refused the inline lock{context}: {message.strip()}\nThe lock's "
                "info.abi_version must be read from node_modules/pyodide/pyodide-lock.json at build time; "
                "run `npm ci` so the package and its lock agree, then build again.")
    return f"{where}: Python failed{context}:\n{message.strip()}"


def check(stdlib: Path, packages: Path, lock: dict[str, Any], reqs: list[str],
          expected: list[str] | None = None) -> dict[str, Any]:
    """Boot Pyodide on this stdlib zip and lock, install the engine's wheel from the folder `packages` as
    the worker does, answer every request. Raises PluginError naming the failure; with `expected` (the
    stock run's answers), also unless each answer is the same."""
    where = "python_runtime check (trimmed, precompiled Pyodide under Node)"
    result = run_node({"mode": "check", "pyodide": str(PYODIDE_NPM) + "/", "stdlib": str(stdlib),
                       "engine": distribution()["name"], "packages": f"{packages}/", "lock": lock, "requests": reqs})
    if not result.get("ok"):
        raise PluginError(explain(result, where))
    if expected is not None and result["hashes"] != expected:
        first = next(i for i, (a, b) in enumerate(zip(result["hashes"], expected)) if a != b)
        raise PluginError(f"{where}: the answer to {reqs[first]} differs from the stock Pyodide's; a module "
                          "behaves differently when precompiled or trimmed. Delete .cache/python-runtime "
                          "and build again; if it persists, report it with this request")
    if not readable(result.get("errorText", "")):
        raise PluginError(f"{where}: an error in the engine's own code no longer shows its source lines:\n"
                          f"{result.get('errorText', '')}\nThe engine's wheel must keep its .py files beside "
                          "__pycache__ (hooks/runtime/inside.py, compile_engine)")
    return result


ENGINE_FRAME = re.compile(r'File "[^"]*/troubleshooter/\w+\.py", line \d+, in \w+\n +\S')


def readable(error_text: str) -> bool:
    """Whether a traceback from the engine shows the source line under the engine's frame."""
    return bool(ENGINE_FRAME.search(error_text))


_memo: dict[str, Runtime] = {}


def prepare() -> Runtime:
    """The runtime for the engine as it is now: from memory, from .cache/, or built and checked under Node."""
    key = cache_key()
    if key in _memo:
        return _memo[key]
    entry = CACHE / key
    if not (entry / "manifest.json").is_file():
        _build(key, entry)
    os.utime(entry)  # most recently used: kept by _prune
    manifest = json.loads((entry / "manifest.json").read_text())
    wheel = entry / "packages" / manifest["wheel"]
    runtime = Runtime(stdlib=(entry / "stdlib.zip").read_bytes(), wheel=wheel.read_bytes(), wheel_name=wheel.name,
                      lock=manifest["lock"], modules=tuple(manifest["entries"]), key=key)
    _memo[key] = runtime
    return runtime


def _build(key: str, entry: Path) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=CACHE))
    try:
        plain = build_wheel(work / "plain")
        reqs = requests()
        traced = run_node({"mode": "prepare", "pyodide": str(PYODIDE_NPM) + "/", "engine": distribution()["name"],
                           "wheel": str(plain), "packages": f"{plain.parent}/", "lock": lock_with(plain, minimal_lock()),
                           "inside": str(INSIDE), "out": str(work), "requests": reqs, "wholePackages": list(WHOLE_PACKAGES)})
        if not traced.get("ok"):
            raise PluginError(explain(traced, "python_runtime trace (stock Pyodide under Node)"))
        lock = lock_with(work / "packages" / plain.name, minimal_lock())
        checked = check(work / "stdlib.zip", work / "packages", lock, reqs, traced["hashes"])
        shutil.rmtree(plain.parent)
        manifest = {"key": key, "lock": lock, "wheel": plain.name, "entries": traced["entries"],
                    "traced": traced["traced"], "requests": len(reqs), "stock_boot_ms": round(traced["bootMs"]),
                    "trimmed_boot_ms": round(checked["bootMs"])}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        try:
            os.replace(work, entry)  # atomic: a concurrent build sees all of it or none
        except OSError:
            if not (entry / "manifest.json").is_file():  # another build won the race with the same result
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune()


def _prune() -> None:
    entries = sorted((p for p in CACHE.iterdir() if p.is_dir() and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP_CACHED:]:
        shutil.rmtree(old, ignore_errors=True)
