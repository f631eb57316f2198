"""Where a person said "still not working", worked out from the facts alone, for "back" (engine._undo).

A page's state is its facts (a link, a portal's payload), not its history; so "back" reads the history from
the walk: the results it went past or ended at, in order, and for each the dealt-with causes it showed. A
result showed what the facts known by then explain: a portal's (locked) and the answers before it in the
walk, not those further on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from .findings import FIXED, Finding, brought, findings, implied
from .reach import asked_from
from .schema import Option, Question, Tree, Value

Facts = Mapping[str, Value]
Hops = tuple[tuple[int, tuple[str, ...]], ...]  # (path index, causes first dealt with there)


def still_hops(tree: Tree, given: Facts, facts: Facts, fixed: set[str], path: list[tuple[Question, Option]],
               passed: list[tuple[int, str | None, bool]], locked: frozenset[str], resume_done: tuple[str, ...]) -> Hops:
    """At each result the walk went past or ended at (`passed`: path index; where the walk went on from there,
    None where it ends; whether the resume was shown there, or "still" on it followed), the dealt-with causes
    that result showed first; then the resume. A result the walk goes past was shown before "still" only if it
    had something to say then (`stops`, with the facts known by then): else no "still" was said there.
    `given` are the facts as passed, `facts` with what they imply. What an answer brought to `fixed` ("paid,
    still stopped") is that answer's own, undone with it, not a "still"."""
    said = brought(tree, facts).get(FIXED, frozenset())
    hops: list[tuple[int, tuple[str, ...]]] = []
    before: set[str] = set()
    for at, then, resume in passed:
        left = fixed - said - before  # most walks have none: nothing to work out
        later = {fid for _, o in path[at + 1:] for fid, _ in o.sets} - locked - {FIXED}
        held: tuple[Finding, ...] = ()
        if left and later & given.keys():
            held = held_by(tree, tuple(sorted((f, v) for f, v in given.items() if f not in later and f != FIXED)))
        elif left:  # nothing answered after it: what the walk's own facts bring up
            held = tuple(findings(tree, facts))
        if then is not None and not resume and not stops(tree, held, before | said, path[:at + 1], then):
            held = ()  # gone past, and it had nothing to say before "still" either: the walk never stopped here
        shown = {f.cause.id for f in held}
        new = tuple(c.id for c in tree.causes if c.id in left and c.id in shown)
        hops.append((at, new))
        before.update(new)
        if resume:
            hops.append((at, tuple(c for c in resume_done if c not in before)))
            before.update(resume_done)
    return tuple(hops)


@lru_cache(maxsize=1 << 16)
def held_by(tree: Tree, items: tuple[tuple[str, Value], ...]) -> tuple[Finding, ...]:
    """The causes these facts bring up (what a result showed before the answers after it)."""
    return tuple(findings(tree, implied(tree, dict(items))))


def stops(tree: Tree, found: Sequence[Finding], fixed: set[str], path: Sequence[tuple[Question, Option]], then: str) -> bool:
    """Whether a result here has something new to say (engine.walk stops at it). A cause explained only by facts
    that the walk asks about further on (from `then`) waits until it gets there."""
    later = asked_from(tree, then) - {fid for _, o in path for fid, _ in o.sets}
    return any(f.cause.id not in fixed and not any(fid in later for fid, _ in f.why) for f in found)
