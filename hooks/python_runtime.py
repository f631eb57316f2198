"""Ship the troubleshooter's Python to the browser, prepared at build time: the engine (its modules, and its
tree and codes as JSON) and Pyodide's standard library trimmed to what the engine imports, both compiled
to `.pyc` by Pyodide itself, checked by answering every path of the tree inside them; then `config.js`,
the one file the scripts read to find all this and the site's languages (each one's root, from
troubleshooter/langs.py), and the thin scripts from troubleshooter/web/.

Why: a stock Pyodide spends most of its cold start compiling standard-library sources it mostly never
uses, and fetches a lock file the troubleshooter never needs. How the runtime is made, cached and
checked is in runtime/build.py; a failed check (a module missing from the trimmed library, an answer that
differs from the stock Pyodide's) fails the build with what to do. Each zip's name carries a hash of its
contents, so browsers may cache it forever.
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
from runtime.build import prepare
from troubleshooter.langs import LANGS, lang_root

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

PACKAGE = ROOT / "troubleshooter"
NOT_IN_BROWSER = ("cli.py", "__main__.py", "decoding.py")  # the command line has no place in a page
FIXED_DATE = (2020, 1, 1, 0, 0, 0)  # same bytes, same hash


def engine_zip() -> bytes:
    """The package as the browser needs it: no CLI, and the tree, codes and portals' profiles as JSON."""
    files = {name: (PACKAGE / name).read_bytes()
             for name in sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in NOT_IN_BROWSER)}
    tomls = [*sorted((PACKAGE / "profiles").glob("*.toml")), PACKAGE / "tree.toml", PACKAGE / "codes.toml"]
    for toml in tomls:
        data = tomllib.loads(toml.read_text("utf-8"))
        files[toml.relative_to(PACKAGE).with_suffix(".json").as_posix()] = \
            json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(f"troubleshooter/{name}", FIXED_DATE), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def on_post_build(config: MkDocsConfig) -> None:
    dest = Path(config.site_dir) / ASSETS
    runtime = prepare(engine_zip())  # cached: the second language build and rebuilds reuse it
    names = {}
    for kind, data in (("engine", runtime.engine), ("stdlib", runtime.stdlib)):
        names[kind] = f"{kind}-{hashlib.sha256(data).hexdigest()[:12]}.zip"
        write_if_changed(dest / names[kind], data)
    settings = {"pyodide": f"../../pyodide/{pyodide_version()}/", **names, "lock": runtime.lock,
                "langs": {lang: lang_root(lang) for lang in LANGS}}  # the first is the default
    write_if_changed(dest / "config.js", b"// Written by hooks/python_runtime.py at build time.\nexport default "
                     + json.dumps(settings).encode() + b";\n")
    for src in [*WEB_SOURCES.glob("*.js"), *WEB_SOURCES.glob("*.css")]:
        copy_if_changed(src, dest / src.name)
