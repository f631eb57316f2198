"""Checks over the tree as a whole, beyond what the schema parser can see in one node: the graph (targets,
cycles, reachability, number ranges), the walks' problems (walks.py: bounds, one state per answer, every
cause reachable) and the articles. They run in tests, in `check` and at site build (hooks/tree_check.py),
never in the browser: the browser only ever loads a tree the build has already checked.
"""

from __future__ import annotations

from collections.abc import Callable

from .codes import CODES_TOML, Codes, load_codes
from .profiles import check_profiles
from .schema import LANGS, RESULT, UNKNOWN, Tree, TreeError


def check_graph(tree: Tree) -> list[str]:
    """Unknown targets, cycles, unreachable questions, uncovered values, number ranges that split a cause."""
    problems: list[str] = []

    def problem(where: str, message: str) -> None:
        problems.append(f"{tree.source}: {where}: {message}")

    for q in tree.questions.values():
        for i, o in enumerate(q.options):
            for kind, target in (("leads to", o.next), ("goes on (then) at", o.then)):
                if target is not None and target != RESULT and target not in tree.questions:
                    problem(f"question {q.id}", f"option {i + 1} {kind} {target}, which does not exist; "
                            "expected a question id or \"result\"")
        fact = tree.facts[q.fact]
        primary = [m for o in (*q.options, *q.withheld) for f, m in o.sets if f == q.fact]
        if fact.kind == "choice" and not fact.multiple:
            for missing in [v for v in fact.values if not any(v in m.values for m in primary)]:
                problem(f"question {q.id}", f"no option sets value {missing} of fact {fact.id}")
        if fact.kind == "number":
            for n in range(fact.min, fact.max + 1):
                if sum(m.accepts(n) for m in primary) != 1:
                    problem(f"question {q.id}", f"the value {n} of fact {fact.id} must match exactly one option "
                            "(check value and upto)")
                    break
    problems += _number_ranges(tree) + _unworded(tree)
    if problems:
        return problems  # the walks below need every target to exist
    state: dict[str, str] = {}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        if node == RESULT or state.get(node) == "done":
            return
        if state.get(node) == "open":
            problem(f"question {node}", f"is part of a cycle ({' -> '.join(trail + (node,))}); the tree must "
                    "always move forward to a result")
            return
        state[node] = "open"
        for o in (*tree.questions[node].options, *tree.questions[node].withheld):  # a portal's facts follow withheld ones
            visit(o.next, trail + (node,))
            if o.then:
                visit(o.then, trail + (node,))
        state[node] = "done"

    visit(tree.start, ())
    for qid in tree.questions:
        if qid not in state:
            problem(f"question {qid}", f"is unreachable from the start question {tree.start}")
    return problems


def _number_ranges(tree: Tree) -> list[str]:
    """An answer covering 0..2 months must not straddle a cause's `min = 2`: the static page (which sets
    the answer's lower end) and the live page (the exact number) would then disagree."""
    out = []
    for q in tree.questions.values():
        for i, o in enumerate(q.options):
            for fid, m in o.sets:
                if m.lo is None or m.hi is None:
                    continue
                for cause in tree.causes:
                    for alt in cause.when:
                        for afid, am in alt.facts:
                            if afid == fid and am.lo is not None and am.hi is not None \
                                    and not (am.lo <= m.lo and m.hi <= am.hi) and not (m.hi < am.lo or am.hi < m.lo):
                                out.append(f"{tree.source}: question {q.id}: option {i + 1} covers {fid} {m.lo}..{m.hi}, "
                                           f"which cause {cause.id} splits at {am.lo}..{am.hi}; align the ranges")
    return out


def check_paths(tree: Tree) -> list[str]:
    from .walks import summarize_paths  # here, not at the top: the browser checks profiles' graphs, never walks

    return summarize_paths(tree).problems


def check_articles(tree: Tree, exists: Callable[[str, str], bool]) -> list[str]:
    """Every article a cause links to exists in both languages. `exists(lang, path)` is the site's view."""
    nodes = [(f"cause {c.id}", c.article) for c in tree.causes]
    nodes += [(f"question {q.id}", q.article) for q in tree.questions.values() if q.article]
    return [f"{tree.source}: {node}: links to article {a}, which does not exist in {lang} (expected docs/{lang}/{a}.md)"
            for node, a in nodes for lang in LANGS if not exists(lang, a)]


def validate(tree: Tree, article_exists: Callable[[str, str], bool] | None = None) -> list[str]:
    """All the problems of a parsed tree, one line each; an empty list means the tree is sound."""
    problems = check_graph(tree)
    if not problems:
        problems = check_paths(tree)
    if article_exists is not None:
        problems += check_articles(tree, article_exists)
    return problems


def validate_shipped(tree: Tree, article_exists: Callable[[str, str], bool] | None = None,
                     codes: bool = True) -> tuple[list[str], Codes | None]:
    """What `check` and the site build both hold the shipped data to: the tree, every portal profile,
    and (with `codes`; not for a tree of one's own) the platform codes against the tree's facts. The
    problems, one line each, and the codes when they loaded."""
    problems = validate(tree, article_exists) + check_profiles()
    loaded = None
    if codes:
        try:
            loaded = load_codes(CODES_TOML, tree)
        except TreeError as err:
            problems += err.problems
    return problems, loaded


def _unworded(tree: Tree) -> list[str]:
    """Values that would read back to the person as their raw id ("no"), or as an answer that says more than
    they do ("All fine: paid up, plan valid, data left" for the balance alone): a value needs an answer about
    its fact alone, or `words` of its own."""
    alone = set()
    for o in (*(o for q in tree.questions.values() for o in q.options), *tree.withheld):
        fid, m = o.sets[0]
        brought = {other for own, other, _ in tree.facts[fid].brings if own in m.values}  # the value's own meaning
        if {other for other, _ in o.sets[1:]} <= brought:
            alone |= {(fid, v) for v in m.values}
    return [f"{tree.source}: fact {f.id}: value {v} has no answer of its own to read back as; add words.{v} = "
            "{ zh = \"…\", en = \"…\" } to the fact" for f in tree.facts.values() if f.kind == "choice"
            for v in f.values if v != UNKNOWN and (f.id, v) not in alone and v not in dict(f.words)]
