"""Validate the troubleshooter's tree before anything is built, and fail the build with every problem.

Also checks what only the site knows: that each article a cause links to exists in both languages; the
platform codes (troubleshooter/codes.toml) against the tree's facts; and that mkdocs.yml builds the
languages of troubleshooter/langs.py, the default first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from _project import TREE_FILE
from mkdocs.exceptions import PluginError
from troubleshooter import TreeError, load_tree
from troubleshooter.checks import validate_shipped
from troubleshooter.langs import LANGS

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def on_config(config: MkDocsConfig) -> None:
    docs = Path(config.docs_dir)
    try:
        problems, _ = validate_shipped(load_tree(TREE_FILE, check=False), lambda lang, path: (docs / lang / f"{path}.md").is_file())
    except TreeError as err:
        problems = err.problems
    if problems:
        raise PluginError("The troubleshooter's tree is invalid:\n" + "\n".join(problems))
    languages = sorted(config.plugins["i18n"].config.languages, key=lambda lang: not lang.default)
    if tuple(lang.locale for lang in languages) != LANGS:
        raise PluginError(f"mkdocs.yml's i18n languages ({', '.join(lang.locale for lang in languages)}, default "
                          f"first) differ from troubleshooter/langs.py's LANGS {LANGS}: make them the same")
