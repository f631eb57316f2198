"""Put what is generated from the tree and the codes where a page has a marker, at build time, so the
docs never drift from the engine: the integration guide's tables (`<!-- facts-table -->`,
`<!-- causes-table -->`, `<!-- codes-keys-table -->`), the stop-reason reference
(`<!-- stop-reasons-tables -->`; all from troubleshooter/tables.py), and the public contract's history
(`<!-- contract-changes -->`, from the hand-kept troubleshooter/contract.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from _project import ROOT, page_lang, site_tree, to_lang_root
from mkdocs.exceptions import PluginError
from troubleshooter.codes import CODES_TOML, load_codes
from troubleshooter.parsing import read_table
from troubleshooter.schema import Tree
from troubleshooter.tables import causes_table, facts_table, keys_table, platform_tables

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def contract_changes(lang: str) -> str:
    """The public contract's history, from the hand-kept troubleshooter/contract.toml, newest first."""
    data = read_table(ROOT / "troubleshooter" / "contract.toml")
    changes = data.get("changes")
    if not isinstance(changes, list) or not all(isinstance(c, dict) and {"version", "date", "zh", "en"} <= set(c)
                                                 for c in changes):
        raise PluginError("troubleshooter/contract.toml: expected [[changes]] entries with version, date, zh and en")
    return "\n".join(f"- **{c['version']}** ({c['date']}): {c[lang]}" for c in changes)


# marker -> (tree, language, path to the language's root) -> Markdown. codes.toml was validated in on_config
# (tree_check.py).
MARKERS: dict[str, Callable[[Tree, str, str], str]] = {
    "<!-- facts-table -->": lambda tree, lang, to_root: facts_table(tree, lang),
    "<!-- causes-table -->": causes_table,
    "<!-- contract-changes -->": lambda tree, lang, to_root: contract_changes(lang),
    "<!-- stop-reasons-tables -->": lambda tree, lang, to_root: platform_tables(load_codes(CODES_TOML, tree), tree, lang, to_root),
    "<!-- codes-keys-table -->": lambda tree, lang, to_root: keys_table(load_codes(CODES_TOML, tree), tree, lang),
}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    found = [m for m in MARKERS if m in markdown]
    if not found:
        return None
    tree, lang, to_root = site_tree(), page_lang(page, config), to_lang_root(page)
    for marker in found:
        markdown = markdown.replace(marker, MARKERS[marker](tree, lang, to_root))
    return markdown
