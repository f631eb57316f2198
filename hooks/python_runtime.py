"""Ship the troubleshooter's Python to the browser: the engine's wheel (`iot-troubleshooter`, with `.pyc`
compiled by Pyodide itself, in an inline lock so the worker installs it by name and Pyodide checks its hash)
and Pyodide's standard library trimmed to what the engine imports; runtime/build.py makes, checks and
caches both (its docstring says why and how). Then `config.js`, the one file the scripts read to find them
and the site's languages (each one's root, from troubleshooter/langs.py), and the thin scripts from
troubleshooter/web/. The stdlib zip's name and the wheel's folder carry a hash of their contents, so
browsers may cache them forever.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from _project import ASSETS, WEB_SOURCES, copy_if_changed, pyodide_version, site_tree, write_if_changed
from runtime.build import prepare
from runtime.wheel import distribution
from troubleshooter.langs import LANGS, lang_root
from troubleshooter.render import component_words, widget_html

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def on_post_build(config: MkDocsConfig) -> None:
    dest = Path(config.site_dir) / ASSETS
    runtime = prepare()  # cached: the second language build and rebuilds reuse it
    stdlib = f"stdlib-{hashlib.sha256(runtime.stdlib).hexdigest()[:12]}.zip"
    packages = f"engine-{hashlib.sha256(runtime.wheel).hexdigest()[:12]}/"  # the wheel keeps its standard name
    write_if_changed(dest / stdlib, runtime.stdlib)
    write_if_changed(dest / packages / runtime.wheel_name, runtime.wheel)
    settings = {"pyodide": f"../../pyodide/{pyodide_version()}/", "stdlib": stdlib, "packages": packages,
                "engine": distribution()["name"], "lock": runtime.lock,
                "langs": {lang: lang_root(lang) for lang in LANGS},  # the first is the default
                "component": {"html": widget_html({"data-engine": "loading"}, portal=True),
                              "words": component_words(site_tree())}}  # embed.js: its markup and words
    write_if_changed(dest / "config.js", b"// Written by hooks/python_runtime.py at build time.\nexport default "
                     + json.dumps(settings).encode() + b";\n")
    for src in [*WEB_SOURCES.glob("*.js"), *WEB_SOURCES.glob("*.css")]:
        copy_if_changed(src, dest / src.name)
