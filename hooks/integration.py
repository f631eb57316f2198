"""What integrators see, generated from the tree at build time so it can never drift from the engine:
the facts and causes tables of the integration guide (markers `<!-- facts-table -->` and
`<!-- causes-table -->`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from _project import ROOT, page_lang, site_tree, to_lang_root
from mkdocs.exceptions import PluginError
from troubleshooter.parsing import read_table
from troubleshooter.facts import accepted
from troubleshooter.render import value_label
from troubleshooter.schema import Tree
from troubleshooter.views import view_words

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def facts_table(t: Tree, lang: str) -> str:
    rows = []
    for fact in t.facts.values():
        if fact.kind == "choice":
            values = "<br>".join(f"`{v}`: {value_label(t, fact, v, lang)}" for v in fact.values)
        else:
            values = accepted(t, fact)
        rows.append(f"| `{fact.id}` | {values} | {fact.label.get(lang)} |")
    head = view_words("integration", lang)["facts_head"]
    return "\n".join([f"| {' | '.join(head)} |", "|---|---|---|", *rows])


def causes_table(t: Tree, lang: str, to_root: str) -> str:
    w = view_words("integration", lang)
    rows = []
    for c in t.causes:
        reasons = sorted({str(v) for alt in c.when for fid, m in alt.facts if fid == "stop_reason" for v in m.values})
        confirmed = ", ".join(f"`{r}`" for r in reasons) or "—"
        rows.append(f"| `{c.id}` | {c.title.get(lang)} | {confirmed} | {w["yes"] if c.resume else w["no"]} | "
                    f"[{c.article}]({to_root}{c.article}.md) |")
    head = w["causes_head"]
    return "\n".join([f"| {' | '.join(head)} |", "|---|---|---|---|---|", *rows])


def contract_changes(lang: str) -> str:
    """The public contract's history, from the hand-kept troubleshooter/contract.toml, newest first."""
    data = read_table(ROOT / "troubleshooter" / "contract.toml")
    changes = data.get("changes")
    if not isinstance(changes, list) or not all(isinstance(c, dict) and {"version", "date", "zh", "en"} <= set(c)
                                                 for c in changes):
        raise PluginError("troubleshooter/contract.toml: expected [[changes]] entries with version, date, zh and en")
    return "\n".join(f"- **{c['version']}** ({c['date']}): {c[lang]}" for c in changes)


MARKERS = ("<!-- facts-table -->", "<!-- causes-table -->", "<!-- contract-changes -->")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if not any(m in markdown for m in MARKERS):
        return None
    t, lang = site_tree(), page_lang(page, config)
    return (markdown.replace("<!-- facts-table -->", facts_table(t, lang))
            .replace("<!-- causes-table -->", causes_table(t, lang, to_lang_root(page)))
            .replace("<!-- contract-changes -->", contract_changes(lang)))

