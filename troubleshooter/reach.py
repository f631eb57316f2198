"""What the tree's questions can reach from a node, following `next` and `then`: facts about the tree alone,
which the walk (engine.py: what is asked further on, how many questions are left) and the no-JavaScript
page's states (walks.py: which dealt-with causes still matter ahead) both need. Cached per tree."""

from __future__ import annotations

from functools import lru_cache

from .schema import RESULT, Question, Tree


@lru_cache(maxsize=4096)
def reachable(tree: Tree, node: str) -> tuple[str, ...]:
    """The questions from `node` on, itself included, following next and then."""
    seen: dict[str, None] = {}
    stack = [node]
    while stack:
        qid = stack.pop()
        if qid == RESULT or qid in seen:
            continue
        seen[qid] = None
        for o in tree.questions[qid].options:
            stack += [o.next, o.then] if o.then else [o.next]
    return tuple(seen)


@lru_cache(maxsize=4096)
def concludes(tree: Tree, question: Question) -> frozenset[str]:
    """The causes an answer to `question` can bring up: those whose `when` uses a fact it sets."""
    return frozenset(c.id for c in tree.causes for alt in c.when if any(f in question.facts for f, _ in alt.facts))


@lru_cache(maxsize=4096)
def asked_from(tree: Tree, node: str) -> frozenset[str]:
    """Every fact that questions from `node` on can set."""
    return frozenset(fid for qid in reachable(tree, node) for o in tree.questions[qid].options for fid, _ in o.sets)


@lru_cache(maxsize=1024)
def downstream_causes(tree: Tree, node: str) -> frozenset[str]:
    """The causes that questions from `node` on can bring up. Dealt-with causes outside this set change
    nothing ahead except whether a resume is pending, so the no-JavaScript page need not tell them apart."""
    return frozenset(c for qid in reachable(tree, node) for c in concludes(tree, tree.questions[qid]))


@lru_cache(maxsize=4096)
def longest_path(tree: Tree, node: str) -> int:
    """How many questions the tree's shape allows from `node` until a result (the tree is checked acyclic).
    What a person may really be asked is engine.questions_left, which knows the facts."""
    if node == RESULT:
        return 0
    return 1 + max(longest_path(tree, o.next) for o in tree.questions[node].options)
