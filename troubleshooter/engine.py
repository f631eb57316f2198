"""The decision engine: pure functions over a Tree and a dict of facts. No I/O, no JavaScript.

A walk starts at the tree's first question and follows, for each question whose fact is already known,
the option that matches it; the first question with an unknown fact is the next one to ask. When the walk
reaches "result", `diagnose` reports every cause whose conditions hold, in the tree's order (most blocking
first), so facts a portal prefilled count even if the walk never asked about them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .schema import ELSEWHERE, RESTRICTED, RESULT, UNKNOWN, Cause, Condition, Fact, Option, Question, Tree, Value

Facts = Mapping[str, Value]


@dataclass(frozen=True)
class Finding:
    """A cause that holds, with the facts that led to it (its "why")."""

    cause: Cause
    why: tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class Walk:
    path: tuple[tuple[Question, Option], ...]
    current: Question | None  # None: the walk reached a result


@dataclass(frozen=True)
class QuestionStep:
    question: Question
    number: int  # 1-based, counting the questions this person answered on the way here
    total: int  # the most questions this person can be asked in all from here
    answers: tuple[tuple[Fact, Value], ...]
    back: dict[str, Value] | None  # the facts one step back, or None at the first question


@dataclass(frozen=True)
class ResultStep:
    findings: tuple[Finding, ...]
    answers: tuple[tuple[Fact, Value], ...]
    unknown: tuple[Fact, ...]  # facts the person was not sure about: the result says how to check them
    back: dict[str, Value] | None


Step = QuestionStep | ResultStep


def option_for(tree: Tree, question: Question, value: Value) -> Option | None:
    """The option a known value follows. A province code that no option names follows "elsewhere"."""
    for option in question.options:
        if option.matches(value):
            return option
    if tree.facts[question.fact].kind == "region" and isinstance(value, str) and value.startswith("CN-"):
        return next((o for o in question.options if o.value == ELSEWHERE), None)
    return None


def walk(tree: Tree, facts: Facts) -> Walk:
    path: list[tuple[Question, Option]] = []
    node = tree.start
    while node != RESULT:
        question = tree.questions[node]
        value = facts.get(question.fact)
        option = None if value is None else option_for(tree, question, value)
        if option is None:
            return Walk(tuple(path), question)
        path.append((question, option))
        node = option.next
    return Walk(tuple(path), None)


def next_question(tree: Tree, facts: Facts) -> Question | None:
    """The next question to ask given what is known, or None when the answers lead to a result."""
    return walk(tree, facts).current


def _holds(tree: Tree, condition: Condition, facts: Facts) -> bool:
    for fid, want in condition.items():
        value = facts.get(fid, UNKNOWN)
        if isinstance(want, tuple):
            if not isinstance(value, int) or not want[0] <= value <= want[1]:
                return False
        elif value not in want and not (RESTRICTED in want and value in tree.restricted_regions):
            return False
    return True


def diagnose(tree: Tree, facts: Facts) -> list[Finding]:
    """Every cause that holds, most blocking first; the fallback cause when none does. Never empty."""
    findings = []
    for cause in tree.causes:
        for condition in cause.when:
            if _holds(tree, condition, facts):
                why = tuple((fid, facts.get(fid, UNKNOWN)) for fid in condition)
                findings.append(Finding(cause, why))
                break
    if not findings:
        fallback = next(c for c in tree.causes if c.fallback)
        findings.append(Finding(fallback, ()))
    return findings


def longest_path(tree: Tree, node: str) -> int:
    """How many questions can still be asked from `node` at most (the tree is checked to be acyclic)."""
    return _longest(tree, node)


@lru_cache(maxsize=4096)
def _longest(tree: Tree, node: str) -> int:
    if node == RESULT:
        return 0
    return 1 + max(_longest(tree, o.next) for o in tree.questions[node].options)


def step(tree: Tree, facts: Facts, locked: frozenset[str] = frozenset()) -> Step:
    """The step to show for these facts. `locked` facts (set by an embedding portal) are never undone."""
    w = walk(tree, facts)
    on_path = [q.fact for q, _ in w.path]
    answers = tuple((tree.facts[f], facts[f]) for f in on_path)
    answers += tuple((tree.facts[f], v) for f, v in facts.items() if f not in on_path)
    undoable = [f for f in on_path if f not in locked]
    back = {f: v for f, v in facts.items() if f != undoable[-1]} if undoable else None
    if w.current is not None:
        asked = len(undoable) + 1
        return QuestionStep(w.current, asked, asked - 1 + longest_path(tree, w.current.id), answers, back)
    return result(tree, facts, answers, back)


def result(tree: Tree, facts: Facts, answers: tuple[tuple[Fact, Value], ...] | None = None,
           back: dict[str, Value] | None = None) -> ResultStep:
    """The result for these facts, whether or not the walk has reached it (the CLI's `diagnose`)."""
    if answers is None:
        answers = tuple((tree.facts[f], v) for f, v in facts.items())
    unknown = tuple(fact for fact, value in answers if value == UNKNOWN)
    return ResultStep(tuple(diagnose(tree, facts)), answers, unknown, back)
