"""What the facts say, wherever they come from (answers, a portal, a platform code): the causes that hold and
how sure we are (a doubt lowers "likely" to "possible"; the platform's own stop reason confirms), what the
facts imply and bring, and which dealt-with causes still wait for a resume. No walk, no questions: engine.py
walks the tree and uses these at each result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .schema import CONFIDENCE, UNKNOWN, Cause, Fact, Matcher, Tree, Value

Facts = Mapping[str, Value]
FIXED = "fixed"
MANY_CARDS = "many_cards"


@dataclass(frozen=True)
class Finding:
    """A cause that holds, how sure we are, and the facts that led to it (its "why")."""

    cause: Cause
    why: tuple[tuple[str, Value], ...]
    confidence: str


def several(value: Value | None) -> tuple[str | int, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def resumed(tree: Tree, fixed: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The resume itself, when it counts as dealt with: "still not working" on the resume still pending."""
    return tuple(c.id for c in tree.causes if c.resume_pending and c.id in fixed)


def final_word(shown: tuple[Finding, ...] | list[Finding]) -> bool:
    """Whether these causes end the matter for this card: a cancelled number the platform confirms. Nothing
    after it brings the number back (a new card does), so the result offers no "still not working", yet keeps
    "yes, it works again". A cause it names in `saved_by` (arrears, an ended plan) beside it keeps "still",
    whoever says so (the platform, the portal's billing, the person): paying may still save a number being
    cancelled (预销号, which the codes cannot tell from 销号); a rebind or a resume cannot."""
    finals = [f for f in shown if f.cause.final and f.confidence == "confirmed"]
    saving = {cid for f in finals for cid in f.cause.saved_by}
    return bool(finals) and not any(f.cause.id in saving for f in shown)


def findings(tree: Tree, facts: Facts) -> list[Finding]:
    """Every cause whose `when` holds, with its strongest alternative, strongest first, then the tree's
    order; with several cards stopped at once, causes of the whole account come first."""
    return list(_findings(tree, tuple(sorted(facts.items()))))


@lru_cache(maxsize=1 << 17)  # the walk asks again for the same facts at each result it passes
def _findings(tree: Tree, items: tuple[tuple[str, Value], ...]) -> tuple[Finding, ...]:
    facts = dict(items)
    restricted, doubtful = tree.restricted_regions, doubted(tree, facts)
    found = []
    for cause in tree.causes:
        best = None  # the strongest alternative that holds (the first of equals)
        for alt in cause.when:
            if (best is None or CONFIDENCE.index(alt.confidence) < CONFIDENCE.index(best.confidence)) \
                    and alt.holds(facts, restricted):
                best = alt
        if best is not None and (cause.id not in tree.hidden or best.confidence == "confirmed"):
            confidence = best.confidence  # a hidden cause only when the platform's own stop reason says so
            if confidence == "likely" and cause.id in doubtful:
                confidence = "possible"  # e.g. a stop the platform would show, while it shows the card active
            found.append(Finding(cause, tuple((fid, _held(m, facts.get(fid, UNKNOWN))) for fid, m in best.facts),
                                 confidence))
    if final_word(found):
        # a number the platform confirms cancelled, and nothing beside it that may save it (saved_by): what only
        # answers or a billing period suggest (activate, rebind) cannot bring it back, so only what the platform
        # confirms is shown beside it. With a saver beside it, the number may live on, and every cause counts.
        found = [f for f in found if f.confidence == "confirmed"]
    many = facts.get(MANY_CARDS) == "yes"
    order = {c.id: i for i, c in enumerate(tree.causes)}
    return tuple(sorted(found, key=lambda f: (CONFIDENCE.index(f.confidence), not (many and f.cause.account),
                                              order[f.cause.id])))


def _held(matcher: Matcher, value: Value) -> Value:
    """Of a fact holding several values, those this cause tests: its "why" names only its own reason."""
    if isinstance(value, tuple):
        return tuple(v for v in value if matcher.accepts(v)) or value
    return value


def diagnose(tree: Tree, facts: Facts, asserted: frozenset[str] = frozenset()) -> list[Finding]:
    """What to tell the person: the causes not dealt with yet; else the resume still pending; else the
    fallback. Never empty. `asserted`: the dealt-with causes a portal (or the command line) states for
    certain, as opposed to those "still not working" added, which may only have been possible."""
    fixed = set(several(facts.get(FIXED)))
    left = [f for f in findings(tree, facts) if f.cause.id not in fixed]
    if left:
        return left
    waiting = awaiting_resume(tree, facts, fixed, asserted)
    special = next(c for c in tree.causes if (c.resume_pending if waiting else c.fallback))
    return [Finding(special, ((FIXED, waiting),) if waiting else (), "likely" if waiting else "possible")]


def doubted(tree: Tree, facts: Facts) -> frozenset[str]:
    """The causes these facts make doubtful (the tree's [[doubts]]): at most "possible" unless confirmed."""
    return frozenset(cid for d in tree.doubts if d.holds(facts, tree.restricted_regions) for cid in d.causes)


def awaiting_resume(tree: Tree, facts: Facts, fixed: set[str],
                    asserted: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The dealt-with causes whose card may still need a separate resume: those the facts still make likely
    or confirmed, and those an answer or a portal says were dealt with (`brings`: "paid, still stopped";
    `asserted`) that no finding contradicts; never a doubted one (a card the platform shows active was not
    stopped for it). A cause that was only possible, or that later answers ruled out, may never have
    stopped the card. None once the resume itself is dealt with ("still" after it)."""
    if resumed(tree, fixed):
        return ()
    found = findings(tree, facts)
    sure = {f.cause.id for f in found if f.confidence != "possible"}
    said = brought(tree, facts).get(FIXED, frozenset()) | asserted
    counted = (sure | (said - {f.cause.id for f in found})) - doubted(tree, facts)
    return tuple(c.id for c in tree.causes if c.id in fixed and c.resume and c.id in counted)


def brought(tree: Tree, facts: Facts) -> dict[str, frozenset[str | int]]:
    """What the facts' values bring to other facts (`brings`), fact by fact: "paid, still stopped" brings
    arrears and an ended plan as dealt with, "being resumed" every stop a resume undoes."""
    out: dict[str, frozenset[str | int]] = {}
    for fid, value in facts.items():
        for own, target, values in tree.facts[fid].brings if fid in tree.facts else ():
            if own in several(value):
                out[target] = out.get(target, frozenset()) | frozenset(several(values))
    return out


def implied(tree: Tree, facts: Facts) -> Facts:
    """The facts with what they settle added: a known stop reason means the card is stopped (`implies`), and
    a value means what it brings (`brings`: the stop reason "expired" means an expired plan), so the walk
    does not ask what the platform already told, and a portal's or a code's facts mean what a person's
    answer does. A fact holding several values gains the brought ones; others are only added."""
    out = dict(facts)
    for f, value in facts.items():
        fact = tree.facts.get(f)
        if fact is None or value == UNKNOWN:
            continue
        for fid, v in fact.implies:
            out.setdefault(fid, v)
        for own, fid, v in fact.brings:
            if own in several(value) and (fid not in facts or tree.facts[fid].multiple):
                out[fid] = gained(tree.facts[fid], out.get(fid), several(v)) if tree.facts[fid].multiple \
                    else out.get(fid, v)
    return out if out != facts else facts


def gained(fact: Fact, held: Value | None, values: tuple[str | int, ...]) -> Value:
    """A fact holding several values, after it gains `values`: in the fact's order, and "unknown" alone
    stays the plain value every fact uses for it."""
    have = set(several(held)) | set(values)
    if have != {UNKNOWN}:
        have.discard(UNKNOWN)
    kept = tuple(v for v in fact.values if v in have)
    return UNKNOWN if kept == (UNKNOWN,) else kept
