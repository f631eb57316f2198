"""Write `.gz` and `.br` copies of the site's large text and WebAssembly files, for servers that send
precompressed files as they are (nginx `gzip_static` / `brotli_static`, see deploy/nginx.conf; most
CDNs do the same with `.br`). Pyodide's wasm goes from 9.6 MB to 2.7 MB this way, and the server spends
no CPU on it per request.

Runs after every other hook and plugin (priority -200, after mkdocs-static-i18n rewrites the search
index), on whatever files the build produced, so it needs no list of them. Brotli at its best quality
takes ~50 s of CPU for all files (most of it Pyodide's wasm: lower qualities cost the cold visit 50 KB
or more), so results are cached in `.cache/precompressed/` by the sha256 of the source, and only the
first build on a machine pays; that build compresses on every core, largest file first (brotli and zlib
release the GIL, so threads suffice), and starts on Pyodide's wasm, which no page changes, in the background
as soon as the build starts, so its ~40 s overlap the page building. `mkdocs serve` skips this, as it serves
no `.gz`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import brotli
from _project import PYODIDE_NPM, ROOT, outer_build
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".wasm", ".svg", ".xml", ".txt", ".map", ".zip", ".whl"}
MIN_SIZE = 1024  # below this, the headers outweigh the saving
MAX_RATIO = 0.9  # keep a copy only if it saves at least 10% (an already-deflated zip does not)
SKIP_DIRS = {"_deploy"}  # server configuration written by hooks/csp.py, never served
CACHE = ROOT / ".cache" / "precompressed"
CACHE_DAYS = 30  # cached copies unused this long are removed
# The test suite's build sets IOT_HELP_BROTLI_QUALITY=5 (tests/conftest.py): its copies decode to the same
# bytes in a hundredth of the time (0.3 s for the wasm), and the level is part of the cache's names.
LEVELS = {".gz": 9, ".br": int(os.environ.get("IOT_HELP_BROTLI_QUALITY", "11"))}
ENCODERS = {
    ".gz": lambda data: gzip.compress(data, compresslevel=LEVELS[".gz"], mtime=0),  # mtime=0: same input, same bytes
    ".br": lambda data: brotli.compress(data, quality=LEVELS[".br"]),
}

_command = "build"
EARLY = (PYODIDE_NPM / "pyodide.asm.wasm",)  # the largest file, known before any page is built
_early: dict[tuple[str, str], Future[bytes]] = {}


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command
    if command != "serve" and not _early:
        jobs = [(path.read_bytes(), suffix, Future()) for path in EARLY if path.is_file() for suffix in ENCODERS]
        for data, suffix, future in jobs:
            _early[(hashlib.sha256(data).hexdigest(), suffix)] = future
        # a daemon thread: a build that fails before post_build exits at once, not after the wasm is done
        threading.Thread(target=_run_early, args=(jobs,), daemon=True, name="precompress-early").start()


def _run_early(jobs: list[tuple[bytes, str, Future[bytes]]]) -> None:
    for data, suffix, future in jobs:  # each future is completed, whether or not the build has asked for it yet
        future.set_running_or_notify_cancel()
        try:
            future.set_result(_cached(data, suffix))
        except BaseException as err:  # handed to the build's own call, which raises it
            future.set_exception(err)


def candidates(site: Path) -> list[Path]:
    """Files worth compressing: by type and size, not copies we made ourselves."""
    found = []
    for path in site.rglob("*"):
        rel = path.relative_to(site)
        if (path.suffix in COMPRESSIBLE and path.is_file() and path.stat().st_size >= MIN_SIZE
                and not SKIP_DIRS.intersection(rel.parts[:-1])):
            found.append(path)
    return sorted(found)


def compressed(data: bytes, suffix: str) -> bytes:
    """`data` encoded for `suffix` (.gz or .br), from the cache when this content was seen before, or from the
    work started early for it."""
    early = _early.pop((hashlib.sha256(data).hexdigest(), suffix), None)
    return early.result() if early is not None else _cached(data, suffix)


def _cached(data: bytes, suffix: str) -> bytes:
    key = CACHE / f"{hashlib.sha256(data).hexdigest()}-{LEVELS[suffix]}{suffix}"
    if key.is_file():
        os.utime(key)  # mark as used, for the pruning below
        return key.read_bytes()
    out = ENCODERS[suffix](data)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = key.with_name(f"{key.name}.{os.getpid()}-{threading.get_ident()}.tmp")  # two files may share content
    tmp.write_bytes(out)
    os.replace(tmp, key)  # atomic: two builds at once never read half a file
    return out


def precompress(path: Path) -> None:
    """Write path.gz and path.br beside path, unless up to date: a copy carries its source's mtime, so an
    equal mtime means it was made from this very file (hooks run once per language build)."""
    source_mtime = path.stat().st_mtime_ns
    targets = {suffix: path.with_name(path.name + suffix) for suffix in ENCODERS}
    if all(t.is_file() and t.stat().st_mtime_ns == source_mtime for t in targets.values()):
        return
    data = path.read_bytes()
    for suffix, target in targets.items():
        out = compressed(data, suffix)
        if len(out) > MAX_RATIO * len(data):
            target.unlink(missing_ok=True)  # not worth it: the server sends the file itself
            continue
        target.write_bytes(out)
        os.utime(target, ns=(source_mtime, source_mtime))


def prune_cache() -> None:
    cutoff = time.time() - CACHE_DAYS * 86400
    for entry in CACHE.glob("*"):
        if entry.stat().st_mtime < cutoff:
            entry.unlink(missing_ok=True)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built the other languages and the search index
def on_post_build(config: MkDocsConfig) -> None:
    if _command == "serve":
        return
    if not outer_build(config):
        return
    largest_first = sorted(candidates(Path(config.site_dir)), key=lambda p: p.stat().st_size, reverse=True)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(precompress, largest_first))  # list(): a worker's exception is raised here
    if CACHE.is_dir():
        prune_cache()
