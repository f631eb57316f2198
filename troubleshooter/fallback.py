"""The whole tree as plain HTML, for the page before Python has loaded, with JavaScript off, or from file://.

Each question and each distinct result is a section with an anchor; each answer links to the section it
leads to, and CSS (`:target`) shows one section at a time. The sections come from the same renderer as the
live widget. checks.check_paths guarantees that an answer ending the walk gives one result whatever came
before, which is what lets a static link stand for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import engine
from .checks import summarize_paths
from .render import render_question, render_result
from .schema import RESULT, Option, Question, Tree, Value


def result_anchor(cause_ids: tuple[str, ...]) -> str:
    return "ts-r-" + "-".join(cause_ids)


def question_anchor(qid: str) -> str:
    return "ts-q-" + qid


class AnchorLinks:
    """Links inside the fallback: an answer jumps to the section of the step it leads to."""

    def __init__(self, tree: Tree, outcomes: Mapping[tuple[str, int], tuple[str, ...]], article_base: str) -> None:
        self.tree, self.outcomes, self.article_base = tree, outcomes, article_base

    def answer(self, question: Question, option: Option, facts: Mapping[str, Value]) -> str:
        if option.next == RESULT:
            return "#" + result_anchor(self.outcomes[(question.id, question.options.index(option))])
        return "#" + question_anchor(option.next)

    def back(self, facts: Mapping[str, Value]) -> str:  # the browser's own back button does this
        return "#" + question_anchor(self.tree.start)

    def restart(self) -> str:
        return "#" + question_anchor(self.tree.start)

    def article(self, path: str) -> str:
        return f"{self.article_base}{path}.html"


def render_fallback(tree: Tree, lang: str, article_base: str = "") -> str:
    """Every step of the tree, the first question first, as one block of HTML."""
    summary = summarize_paths(tree)
    outcomes = {key: tuple(f.cause.id for f in findings) for key, findings in summary.outcomes.items()}
    results: dict[tuple[str, ...], tuple[engine.Finding, ...]] = {}
    for key, findings in summary.outcomes.items():
        results.setdefault(outcomes[key], findings)  # the first path's "why" stands for the others
    links = AnchorLinks(tree, outcomes, article_base)
    depth = summary.depth
    sections = []
    for qid in sorted(depth, key=lambda k: (depth[k], list(tree.questions).index(k))):
        step = engine.QuestionStep(tree.questions[qid], depth[qid] + 1, depth[qid] + engine.longest_path(tree, qid), (), None)
        sections.append(render_question(tree, step, lang, links, question_anchor(qid)))
    for ids, findings in results.items():
        step = engine.ResultStep(findings, (), (), None)
        sections.append(render_result(tree, step, lang, links, result_anchor(ids)))
    return '<div class="ts-steps">' + "".join(sections) + "</div>"
