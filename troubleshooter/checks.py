"""Checks over the tree as a graph, beyond what the schema parser can see in one node.

They run in tests, in `python -m troubleshooter check` and at site build (hooks/tree_check.py), never in
the browser: the browser only ever loads a tree the build has already checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import engine
from .schema import RESULT, UNKNOWN, Option, Question, Tree

Path = tuple[tuple[Question, Option], ...]
MAX_PATHS = 100_000
MAX_QUESTIONS = 10  # the promise to a stressed person: never more questions than this


def check_graph(tree: Tree) -> list[str]:
    """Unknown targets, unreachable questions, cycles and facts whose values no option covers."""
    problems = []

    def problem(where: str, message: str) -> None:
        problems.append(f"{tree.source}: {where}: {message}")

    for q in tree.questions.values():
        for i, o in enumerate(q.options):
            if o.next != RESULT and o.next not in tree.questions:
                problem(f"question {q.id}", f"option {i + 1} leads to {o.next}, which does not exist; "
                        f"expected a question id or \"result\"")
        fact = tree.facts[q.fact]
        values = {o.value for o in q.options}
        if UNKNOWN not in values:
            problem(f"question {q.id}", "has no \"unknown\" option; \"not sure\" must always be an answer")
        if fact.kind == "choice":
            for missing in [v for v in fact.values if v not in values]:
                problem(f"question {q.id}", f"no option for value {missing} of fact {fact.id}")
        if fact.kind == "number":
            for n in range(fact.min, fact.max + 1):
                if sum(o.matches(n) for o in q.options) != 1:
                    problem(f"question {q.id}", f"the value {n} of fact {fact.id} must match exactly one option "
                            "(check value and upto)")
                    break
    if problems:
        return problems  # the walks below need every target to exist

    reachable: set[str] = set()
    state: dict[str, str] = {}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        if node == RESULT:
            return
        if state.get(node) == "open":
            problem(f"question {node}", f"is part of a cycle ({' -> '.join(trail + (node,))}); the tree must "
                    "always move forward to a result")
            return
        if state.get(node) == "done":
            return
        state[node] = "open"
        reachable.add(node)
        for o in tree.questions[node].options:
            visit(o.next, trail + (node,))
        state[node] = "done"

    visit(tree.start, ())
    for qid in tree.questions:
        if qid not in reachable:
            problem(f"question {qid}", f"is unreachable from the start question {tree.start}")
    return problems


def paths(tree: Tree) -> Iterator[Path]:
    """Every complete path from the first question to a result, answering each question every way."""
    stack: list[tuple[str, Path]] = [(tree.start, ())]
    count = 0
    while stack:
        node, path = stack.pop()
        if node == RESULT:
            count += 1
            if count > MAX_PATHS:
                raise RuntimeError(f"{tree.source}: the tree has over {MAX_PATHS} paths; end some branches earlier")
            yield path
            continue
        q = tree.questions[node]
        for o in reversed(q.options):
            stack.append((o.next, path + ((q, o),)))


def facts_of(path: Path) -> dict[str, object]:
    return {q.fact: o.value for q, o in path}


@dataclass(frozen=True)
class PathSummary:
    """What walking every path teaches: the fallback page is built from it, the checks read its problems."""

    depth: dict[str, int]  # each question's shortest distance from the first one
    outcomes: dict[tuple[str, int], tuple[engine.Finding, ...]]  # (question, answer index) ending a walk -> result
    problems: list[str]


def summarize_paths(tree: Tree) -> PathSummary:
    """Per path: no fact asked twice, the question bound held, and each answer that ends the walk gives
    the same causes whatever came before (the no-JavaScript page links each answer to one result)."""
    problems: list[str] = []
    depth: dict[str, int] = {}
    outcomes: dict[tuple[str, int], tuple[engine.Finding, ...]] = {}
    reached: set[str] = set()
    for path in paths(tree):
        for i, (q, _) in enumerate(path):
            depth[q.id] = min(depth.get(q.id, i), i)
        asked = [q.fact for q, _ in path]
        q, o = path[-1]
        where = f"question {q.id}"
        if len(set(asked)) != len(asked):
            problems.append(f"{tree.source}: {where}: a path asks the same fact twice ({' -> '.join(x.id for x, _ in path)})")
        if len(path) > MAX_QUESTIONS:
            problems.append(f"{tree.source}: {where}: a path asks {len(path)} questions; at most {MAX_QUESTIONS} allowed")
        findings = tuple(engine.diagnose(tree, facts_of(path)))
        causes = tuple(f.cause.id for f in findings)
        reached.update(causes)
        first = outcomes.setdefault((q.id, q.options.index(o)), findings)
        if tuple(f.cause.id for f in first) != causes:
            problems.append(f"{tree.source}: {where}: answer {o.value} gives different results depending on earlier "
                            f"answers ({', '.join(f.cause.id for f in first)} or {', '.join(causes)}); "
                            "the no-JavaScript page cannot show that")
    for cause in tree.causes:
        if cause.id not in reached:
            problems.append(f"{tree.source}: cause {cause.id}: no path of answers concludes it; check its `when`")
    return PathSummary(depth, outcomes, sorted(set(problems), key=problems.index))


def check_paths(tree: Tree) -> list[str]:
    return summarize_paths(tree).problems


def check_articles(tree: Tree, exists: Callable[[str, str], bool]) -> list[str]:
    """Every article a cause links to exists in both languages. `exists(lang, path)` is the site's view."""
    return [f"{tree.source}: cause {c.id}: links to article {a}, which does not exist in {lang} "
            f"(expected docs/{lang}/{a}.md)"
            for c in tree.causes for a in c.articles for lang in ("zh", "en") if not exists(lang, a)]


def validate(tree: Tree, article_exists: Callable[[str, str], bool] | None = None) -> list[str]:
    """All the problems of a parsed tree, one line each; an empty list means the tree is sound."""
    problems = check_graph(tree)
    if not problems:
        problems = check_paths(tree)
    if article_exists is not None:
        problems += check_articles(tree, article_exists)
    return problems
