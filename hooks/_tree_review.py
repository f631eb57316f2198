"""The review page's generated part: the tree's version, the path statistics that `check` prints, and
every path a person can take to a first result, with the answers given, the causes reported (with their
confidence) and the facts behind them. Content editors read it instead of the TOML; it is built from
the tree at each build, so it can never describe an older tree.
"""

from __future__ import annotations

from html import escape

from troubleshooter.walks import paths, summarize_paths
from troubleshooter.render import ui
from troubleshooter.schema import Tree, Value

WORDS = {
    "zh": {
        "stats_caption": "路径统计（到第一个结果为止）", "figure": "数字", "value": "值",
        "share_caption": "每个原因出现在多少条路径的结果里", "cause": "原因", "share": "占全部路径",
        "paths_caption": "每一条路径（到第一个结果为止）", "n": "#", "answers": "回答", "outcome": "结果",
        "facts": "事实（加粗的是得出结论的依据）",
    },
    "en": {
        "stats_caption": "Path statistics (up to the first result)", "figure": "Figure", "value": "Value",
        "share_caption": "How many paths end with each cause", "cause": "Cause", "share": "Share of all paths",
        "paths_caption": "Every path (up to the first result)", "n": "#", "answers": "Answers", "outcome": "Outcome",
        "facts": "Facts (in bold: the ones the outcome rests on)",
    },
}
STAT_LABELS = {
    "zh": {
        "paths": "路径数", "max_questions": "一条路径最多问几题", "mean_questions": "平均每条路径问几题",
        "max_questions_sure": "不答“不确定”时最多问几题", "mean_questions_sure": "不答“不确定”时平均问几题",
        "share_fallback": "结果是“看不出原因”的路径占比",
    },
    "en": {
        "paths": "Paths", "max_questions": "Most questions on one path", "mean_questions": "Mean questions per path",
        "max_questions_sure": "Most questions with no “Not sure” answer",
        "mean_questions_sure": "Mean questions with no “Not sure” answer",
        "share_fallback": "Share of paths ending at “no cause found”",
    },
}


def _figure(key: str, value: object) -> str:
    if key.startswith("share") and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    return escape(str(value))


def stats_html(tree: Tree, lang: str) -> str:
    """The statistics as two small tables; a figure this page does not know yet shows under its key."""
    stats = summarize_paths(tree).stats
    w, labels = WORDS[lang], STAT_LABELS[lang]
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


def _value(value: Value) -> str:
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def paths_html(tree: Tree, lang: str) -> str:
    """One compact row per path: the answers in the person's words, the outcome, the facts as codes."""
    w = WORDS[lang]
    rows = []
    for n, path in enumerate(paths(tree, follow_still=False), 1):
        answers = " → ".join(escape(q.options[i].label.get(lang)) for q, i in path.events if q is not None)
        outcome = "<br>".join(f"{escape(f.cause.title.get(lang))} <code>{escape(f.cause.id)}</code> "
                              f"({escape(ui(tree, 'confidence_' + f.confidence, lang))})"
                              for f in path.result.findings)
        why = {fid for f in path.result.findings for fid, _ in f.why}
        facts = " ".join((f"<b>{escape(k)}={escape(_value(v))}</b>" if k in why else f"{escape(k)}={escape(_value(v))}")
                         for k, v in path.facts.items())
        rows.append(f"<tr><td>{n}</td><td>{answers}</td><td>{outcome}</td><td><code>{facts}</code></td></tr>")
    head = "".join(f'<th scope="col">{w[k]}</th>' for k in ("n", "answers", "outcome", "facts"))
    return (f'<div class="tree-review-paths" role="region" aria-label="{escape(w["paths_caption"])}" tabindex="0">'
            f'<table><caption>{w["paths_caption"]}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def version_line(tree: Tree, lang: str) -> str:
    return f'<p class="tree-version">{escape(ui(tree, "tree_version", lang, version=tree.version))}</p>'
