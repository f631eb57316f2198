"""The views of the tree that people read instead of its TOML, and their words (views.toml): the path
statistics that `check` prints, and every path a person can take to a first result, with the answers
given, the causes reported (with their confidence) and the facts behind them. The review page shows
them (hooks/tree_map.py), built from the tree at each build so it can never describe an older tree;
`python -m troubleshooter paths` prints the same rows for a tree of one's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from .parsing import read_table
from .render import ui
from .schema import Tree, Value
from .walks import paths, summarize_paths

VIEWS_TOML = Path(__file__).with_name("views.toml")


@lru_cache(maxsize=None)
def _views() -> dict[str, Any]:
    return read_table(VIEWS_TOML)


def view_words(section: str, lang: str) -> dict[str, Any]:
    """One section of views.toml in one language: {key: text, or a list of texts for a table's head}."""
    return {key: entry[lang] for key, entry in _views()[section].items()}


def _figure(key: str, value: object) -> str:
    if key.startswith("share") and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    return escape(str(value))


def stats_html(tree: Tree, lang: str) -> str:
    """The statistics as two small tables; a figure this page does not know yet shows under its key."""
    stats = summarize_paths(tree).stats
    w, labels = view_words("review", lang), view_words("statistics", lang)
    rows = "".join(f"<tr><td>{escape(labels.get(k, k))}</td><td>{_figure(k, v)}</td></tr>"
                   for k, v in stats.items() if not isinstance(v, dict))
    out = (f'<div class="tree-review-stats"><table><caption>{w["stats_caption"]}</caption>'
           f'<thead><tr><th scope="col">{w["figure"]}</th><th scope="col">{w["value"]}</th></tr></thead>'
           f"<tbody>{rows}</tbody></table></div>")
    shares = stats.get("share_per_cause")
    if isinstance(shares, dict):
        titles = {c.id: c.title.get(lang) for c in tree.causes}
        rows = "".join(f"<tr><td>{escape(titles.get(cid, cid))} <code>{escape(cid)}</code></td>"
                       f"<td>{_figure('share', v)}</td></tr>" for cid, v in shares.items())
        out += (f'<div class="tree-review-stats"><table><caption>{w["share_caption"]}</caption>'
                f'<thead><tr><th scope="col">{w["cause"]}</th><th scope="col">{w["share"]}</th></tr></thead>'
                f"<tbody>{rows}</tbody></table></div>")
    return out


@dataclass(frozen=True)
class PathRow:
    """One path to a first result, in one language."""

    answers: tuple[str, ...]  # in the person's words
    outcome: tuple[tuple[str, str, str], ...]  # (title, cause id, confidence words) per cause reported
    facts: tuple[tuple[str, str, bool], ...]  # (fact, value, whether the outcome rests on it)


def path_rows(tree: Tree, lang: str) -> list[PathRow]:
    def value(v: Value) -> str:
        return ",".join(map(str, v)) if isinstance(v, tuple) else str(v)

    rows = []
    for path in paths(tree, follow_still=False):
        why = {fid for f in path.result.findings for fid, _ in f.why}
        rows.append(PathRow(tuple(q.options[i].label.get(lang) for q, i in path.events if q is not None),
                            tuple((f.cause.title.get(lang), f.cause.id, ui(tree, "confidence_" + f.confidence, lang))
                                  for f in path.result.findings),
                            tuple((k, value(v), k in why) for k, v in path.facts.items())))
    return rows


def paths_html(tree: Tree, lang: str) -> str:
    """One compact row per path: the answers in the person's words, the outcome, the facts as codes."""
    w = view_words("review", lang)
    rows = []
    for n, row in enumerate(path_rows(tree, lang), 1):
        answers = " → ".join(map(escape, row.answers))
        outcome = "<br>".join(f"{escape(title)} <code>{escape(cid)}</code> ({escape(sure)})" for title, cid, sure in row.outcome)
        facts = " ".join(f"<b>{escape(k)}={escape(v)}</b>" if key else f"{escape(k)}={escape(v)}" for k, v, key in row.facts)
        rows.append(f"<tr><td>{n}</td><td>{answers}</td><td>{outcome}</td><td><code>{facts}</code></td></tr>")
    head = "".join(f'<th scope="col">{w[k]}</th>' for k in ("n", "answers", "outcome", "facts"))
    return (f'<div class="tree-review-paths" role="region" aria-label="{escape(w["paths_caption"])}" tabindex="0">'
            f'<table><caption>{w["paths_caption"]}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def paths_text(tree: Tree, lang: str) -> str:
    """The same rows as plain text, one block per path, for `python -m troubleshooter paths`."""
    blocks = []
    for n, row in enumerate(path_rows(tree, lang), 1):
        outcome = "; ".join(f"{title} [{cid}] ({sure})" for title, cid, sure in row.outcome)
        facts = " ".join(f"*{k}={v}" if key else f"{k}={v}" for k, v, key in row.facts)
        blocks.append(f"{n}. {' → '.join(row.answers)}\n   = {outcome}\n   {facts}")
    return "\n".join(blocks)


def version_line(tree: Tree, lang: str) -> str:
    return f'<p class="tree-version">{escape(ui(tree, "tree_version", lang, version=tree.version))}</p>'
