"""Paths and small helpers the hooks share (a leading underscore: MkDocs does not load it as a hook)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so hooks can import the troubleshooter package itself
    sys.path.insert(0, str(ROOT))
NODE_MODULES = ROOT / "node_modules"
PYODIDE_NPM = NODE_MODULES / "pyodide"
WEB_SOURCES = ROOT / "troubleshooter" / "web"
ASSETS = "assets/troubleshooter"  # where the troubleshooter's browser files go, from the site's root
TREE_FILE = ROOT / "troubleshooter" / "tree.toml"

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page
    from troubleshooter import Tree


def site_tree() -> Tree:
    """The tree as the hooks use it; tree_check.py has already validated it in on_config."""
    from troubleshooter import load_tree

    return load_tree(TREE_FILE, check=False)


def page_lang(page: Page, config: MkDocsConfig) -> str:
    """The page's language (mkdocs-static-i18n sets `locale` on each file)."""
    return getattr(page.file, "locale", None) or config.theme["language"]


def to_lang_root(page: Page) -> str:
    """The relative path from a page to its language's root, e.g. "../" for causes/arrears.md."""
    src = getattr(page.file, "norm_src_uri", page.file.src_uri)
    return "../" * src.count("/")


def outer_build(config: MkDocsConfig) -> bool:
    """False inside mkdocs-static-i18n's inner build of each other language; the outer build, which runs
    last, sees every language's pages, so whatever covers the whole site runs there, once."""
    return not getattr(config.plugins.get("i18n"), "building", False)


def run_tool(args: list[str], what: str, timeout: int, hint: str, stdin: str | None = None) -> str:
    """Run a build tool (Node, pyodide-build) from the project's root; its standard output, or a PluginError
    that names the tool, shows the end of its output and says what to do."""
    from mkdocs.exceptions import PluginError

    try:
        proc = subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        raise PluginError(f"{what} took over {timeout} s; is the machine overloaded? Run the build again") from None
    except OSError as err:
        raise PluginError(f"{what} could not start ({err}): {hint}") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise PluginError(f"{what} failed with exit code {proc.returncode}:\n{tail}\n{hint}")
    return proc.stdout


def pyodide_version() -> str:
    return json.loads((PYODIDE_NPM / "package.json").read_text())["version"]


def copy_if_changed(src: Path, dest: Path) -> None:
    """Copy unless an identical-looking file is there already: hooks run once per language build."""
    if dest.exists() and dest.stat().st_size == src.stat().st_size and dest.stat().st_mtime >= src.stat().st_mtime:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dest)


def write_if_changed(dest: Path, data: bytes) -> None:
    if dest.exists() and dest.read_bytes() == data:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
