"""Package the troubleshooter for the browser: the engine's modules and its tree as JSON, in one zip that
the Pyodide worker unpacks, plus the thin JavaScript that starts the worker and paints the steps.

The zip that ships also holds each module precompiled to `.pyc` by Pyodide itself (_runtime_build.py), so
the browser imports the engine without compiling it; the sources stay beside them for readable tracebacks.
The zip's name carries a hash of its contents, so browsers may cache it forever; `config.js` tells the
scripts that name, where Pyodide lives, the trimmed standard library's name, and the inline lock.
"""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from _project import ASSETS, ROOT, WEB_SOURCES, copy_if_changed, pyodide_version, write_if_changed
from _runtime_build import prepare, stdlib_name

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

PACKAGE = ROOT / "troubleshooter"
NOT_IN_BROWSER = ("cli.py", "__main__.py", "decoding.py")  # the command line has no place in a page


def engine_zip() -> bytes:
    """The package as the browser needs it: no CLI, and the tree and platform codes already converted to JSON."""
    tree = tomllib.loads((PACKAGE / "tree.toml").read_text("utf-8"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in NOT_IN_BROWSER):
            info = zipfile.ZipInfo(f"troubleshooter/{name}", (2020, 1, 1, 0, 0, 0))  # fixed date: same bytes, same hash
            zf.writestr(info, (PACKAGE / name).read_bytes(), zipfile.ZIP_DEFLATED)
        for profile in sorted((PACKAGE / "profiles").glob("*.toml")):  # portals' rules, as JSON like the tree
            info = zipfile.ZipInfo(f"troubleshooter/profiles/{profile.stem}.json", (2020, 1, 1, 0, 0, 0))
            data = tomllib.loads(profile.read_text("utf-8"))
            zf.writestr(info, json.dumps(data, ensure_ascii=False, separators=(",", ":")), zipfile.ZIP_DEFLATED)
        for name, data in (("tree", tree), ("codes", tomllib.loads((PACKAGE / "codes.toml").read_text("utf-8")))):
            info = zipfile.ZipInfo(f"troubleshooter/{name}.json", (2020, 1, 1, 0, 0, 0))
            zf.writestr(info, json.dumps(data, ensure_ascii=False, separators=(",", ":")), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def on_post_build(config: MkDocsConfig) -> None:
    dest = Path(config.site_dir) / ASSETS
    runtime = prepare(engine_zip())  # cached; python_runtime.py ships runtime.stdlib under stdlib_name()
    data = runtime.engine
    name = f"engine-{hashlib.sha256(data).hexdigest()[:12]}.zip"
    write_if_changed(dest / name, data)
    settings = {"pyodide": f"../../pyodide/{pyodide_version()}/", "engine": name,
                "stdlib": stdlib_name(runtime), "lock": runtime.lock}
    config_js = "// Written by hooks/engine_package.py at build time.\nexport default " + json.dumps(settings) + ";\n"
    write_if_changed(dest / "config.js", config_js.encode())
    for src in [*WEB_SOURCES.glob("*.js"), *WEB_SOURCES.glob("*.css")]:
        copy_if_changed(src, dest / src.name)
