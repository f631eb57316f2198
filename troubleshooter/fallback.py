"""The whole tree as plain HTML, for the page before Python has loaded, with JavaScript off, or from file://.

Each state a person can reach (a question, given the causes already dealt with; or a result, given where
"still not working" goes on) is a section with an anchor; each answer links to the section it leads to,
and CSS (`:target`) shows one section at a time. The sections come from the same renderer as the live
widget, and the states from walking every path with the engine itself (walks.summarize_paths), which
also proves that an answer leads to one state whatever came before: what lets a static link stand for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from . import engine
from .walks import PathSummary, StateKey, summarize_paths
from .render import render_question, render_result, render_solved
from .schema import Option, Question, Tree, Value

SOLVED_ANCHOR = "ts-solved"


def anchor(tree: Tree, key: StateKey) -> str:
    """A short, stable anchor for a state: readable for the first questions, hashed for the rest."""
    if key[0] == "q" and not key[2]:
        return "ts-q-" + key[1]
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:8]
    return f"ts-{key[0]}-{key[1] if key[0] == 'q' else '-'.join(key[1][:2])}-{digest}"


class AnchorLinks:
    """Links inside the fallback, for the section of one state: an answer jumps to the state it leads to."""

    def __init__(self, tree: Tree, summary: PathSummary, here: StateKey, after: StateKey | None,
                 article_base: str) -> None:
        self.tree, self.summary, self.here, self.after, self.article_base = tree, summary, here, after, article_base

    def answer(self, question: Question, option: Option, facts: Mapping[str, Value]) -> str:
        return "#" + anchor(self.tree, self.summary.links[(self.here, question.options.index(option))])

    def back(self, facts: Mapping[str, Value]) -> str:  # the browser's own back button does this
        return self.restart()

    def restart(self) -> str:
        return "#" + anchor(self.tree, ("q", self.tree.start, ()))

    def still(self, facts: Mapping[str, Value]) -> str:
        return "#" + anchor(self.tree, self.after) if self.after else self.restart()

    def solved(self, facts: Mapping[str, Value]) -> str:
        return "#" + SOLVED_ANCHOR

    def article(self, path: str) -> str:
        return f"{self.article_base}{path}.html"


def render_fallback(tree: Tree, lang: str, article_base: str = "") -> str:
    """Every state of the tree, the first question first, as one block of HTML."""
    summary = summarize_paths(tree)
    sections = []
    order = list(tree.questions)
    for key in sorted(summary.depth, key=lambda k: (summary.depth[k], len(k[2]), order.index(k[1]), k[2])):
        live = engine.step(tree, summary.samples[key])  # its count, as the live page shows it on the shortest way here
        assert isinstance(live, engine.QuestionStep)
        step = engine.QuestionStep(live.question, live.number, live.total, (), None)
        links = AnchorLinks(tree, summary, key, None, article_base)
        sections.append(render_question(tree, step, lang, links, anchor(tree, key)))
    for key, found in summary.results.items():
        # the first path's answers and "why" stand for the others: the causes and next steps are the same
        step = engine.ResultStep(found.findings, (), (), None, found.still)
        links = AnchorLinks(tree, summary, key, key[2], article_base)
        sections.append(render_result(tree, step, lang, links, anchor(tree, key)))
    sections.append(render_solved(tree, lang, AnchorLinks(tree, summary, ("q", tree.start, ()), None, article_base),
                                  SOLVED_ANCHOR))
    return '<div class="ts-steps">' + "".join(sections) + "</div>"
