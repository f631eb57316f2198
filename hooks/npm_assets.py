"""Copy the browser files the site takes from pinned npm packages into the built site.

Nothing is ever loaded from a CDN (some are blocked in mainland China, and offline copies have no
network): Pyodide's runtime goes under a versioned path, which lets a server cache it for a year
(deploy/nginx.conf); the iframe-worker shim lets Material's search work from file://.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from _project import NODE_MODULES, PYODIDE_NPM, copy_if_changed, pyodide_version
from mkdocs.exceptions import PluginError

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

# Not python_stdlib.zip nor pyodide-lock.json: the worker gets the build's trimmed standard library and
# an inline lock instead (hooks/python_runtime.py), so shipping them would only add 2.6 MB to every copy.
PYODIDE_RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
SHIM = NODE_MODULES / "iframe-worker" / "shim" / "index.js"
SHIM_DEST = "assets/vendor/iframe-worker/shim.js"  # named in mkdocs.yml's extra.polyfills


def on_post_build(config: MkDocsConfig) -> None:
    if not (PYODIDE_NPM / "package.json").is_file() or not SHIM.is_file():
        raise PluginError("node_modules is incomplete: run `make serve` (or `npm ci`) first")
    site = Path(config.site_dir)
    for name in PYODIDE_RUNTIME:
        copy_if_changed(PYODIDE_NPM / name, site / "pyodide" / pyodide_version() / name)
    copy_if_changed(SHIM, site / SHIM_DEST)
