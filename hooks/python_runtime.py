"""Ship the troubleshooter's Python runtime, prepared at build time: Pyodide's standard library trimmed to
what the engine imports and precompiled to `.pyc`, checked by answering every path of the tree inside it.

Why: a stock Pyodide spends most of its cold start compiling standard-library sources it mostly never
uses. How it is made, cached and checked is in _runtime_build.py; a failed check (a module missing from
the trimmed library, an answer that differs from the stock Pyodide's) fails the build with what to do.
The zip's name carries a hash of its contents, so browsers may cache it forever; engine_package.py puts
the name, and the inline lock that spares the browser pyodide-lock.json, into config.js.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from _project import ASSETS, write_if_changed
from _runtime_build import prepare, stdlib_name
from engine_package import engine_zip

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def on_post_build(config: MkDocsConfig) -> None:
    runtime = prepare(engine_zip())  # cached: the second language build and rebuilds reuse it
    write_if_changed(Path(config.site_dir) / ASSETS / stdlib_name(runtime), runtime.stdlib)
