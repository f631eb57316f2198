"""The decision engine: pure functions over a Tree and a dict of facts. No I/O, no JavaScript. What the facts
say (causes, confidence, doubts, what waits for a resume) is findings.py; this module walks the questions.

A walk starts at the tree's first question and follows, for each question whose fact is already known,
the option that matches it; the first question nobody has answered is the next one to ask. An option
that leads to "result" ends the walk with every cause that holds, strongest confidence first (the
platform's own stop reason is "confirmed"), then in the tree's order (most blocking first).

"Still not working" adds the causes shown to the `fixed` fact. A result whose causes are all fixed does not
stop the walk: it goes on at the option's `then`, asking only what is not known yet. When nothing is left,
the result is `resume_pending` (a fixed cause whose card often needs a separate resume) or the fallback.
An answer that itself says a cause was dealt with ("paid, still stopped") gets the resume at once; "still"
on it marks the resume dealt with too and goes on with what is not known yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache, partial
from .findings import (FIXED, Finding, awaiting_resume, brought, diagnose, final_word, findings, gained, implied,
                       resumed, several)
from .hops import Hops, still_hops, stops
from .reach import asked_from, concludes
from .schema import ELSEWHERE, RESULT, UNKNOWN, Fact, Option, Question, Tree, Value, all_accept

Facts = Mapping[str, Value]


@dataclass(frozen=True)
class Walk:
    path: tuple[tuple[Question, Option], ...]
    current: Question | None  # None: the walk reached a result
    _hops: Callable[[], Hops] = field(repr=False, compare=False)

    @cached_property
    def hops(self) -> Hops:
        """(path index, causes first dealt with there) where "still not working" was said: only "back" needs
        them, so they are worked out when asked for (most walks only look for the next question)."""
        return self._hops()


@dataclass(frozen=True)
class QuestionStep:
    question: Question
    number: int  # 1-based, counting the questions this person answered on the way here
    total: int  # the most questions this person can be asked in all until the next result
    answers: tuple[tuple[Fact, Value], ...]
    back: dict[str, Value] | None  # the facts one step back, or None at the first question


@dataclass(frozen=True)
class ResultStep:
    findings: tuple[Finding, ...]
    answers: tuple[tuple[Fact, Value], ...]
    unknown: tuple[Fact, ...]  # facts the person was not sure about: the result says how to check them
    back: dict[str, Value] | None
    still: dict[str, Value] | None  # the facts after "still not working", or None when nothing is left to try


Step = QuestionStep | ResultStep


def follow(tree: Tree, question: Question, facts: Facts) -> Option | None:
    """The option known facts follow: the first whose first fact already has that value, offered or withheld
    by a profile. A province code that no option names follows "elsewhere in mainland China"."""
    for option in (*question.options, *question.withheld):
        fid, matcher = option.sets[0]
        if fid in facts and matcher.accepts(facts[fid], tree.restricted_regions):
            return option
    value = facts.get(question.fact)
    if tree.facts[question.fact].kind == "region" and isinstance(value, str) and value.startswith("CN-"):
        return next((o for o in question.options if o.key == ELSEWHERE), None)
    return None


def walk(tree: Tree, facts: Facts, locked: frozenset[str] = frozenset()) -> Walk:
    """The questions the facts answer, in order, and where the walk stands: a question, or a result. `locked`
    (a portal's facts, known from the start) only tells `hops` what each result showed."""
    given, facts = facts, implied(tree, facts)
    found = findings(tree, facts)  # the same facts all along the walk: work them out once
    path: list[tuple[Question, Option]] = []
    # results gone past or ended at: path index, where the walk went on (None: it ends there), whether the resume
    # was shown there (due) or "still" on it followed there (at the end)
    passed: list[tuple[int, str | None, bool]] = []
    fixed = set(several(facts.get(FIXED)))
    resume_done = resumed(tree, fixed)
    bringing = _resume_said(tree, facts, fixed - set(resume_done))
    current: Question | None = None
    node = tree.start
    for _ in range(4 * len(tree.questions) + 1):  # checks.py proves the tree acyclic; this only guards
        question = tree.questions[node]
        option = follow(tree, question, facts)
        if option is None:
            skip = moot(tree, question, frozenset(fixed) | tree.hidden)
            if skip is None:
                current = question
                break
            ends = all(o.next == RESULT for o in question.options)  # every answer would show the same result
            due = _due(tree, bringing, skip)
            if (due and not resume_done) or stops(tree, found, fixed, path, skip):
                current = None if ends else question
                if ends:
                    passed.append((len(path) - 1, None, False))
                break
            if ends:  # passed by like a result with nothing new: "back" from beyond undoes the "still"
                passed.append((len(path) - 1, skip, due))
            node = skip
            continue
        path.append((question, option))
        if option.next != RESULT:
            node = option.next
            continue
        due = option.then is not None and _due(tree, bringing, option.then)
        if option.then is None or (due and not resume_done) or stops(tree, found, fixed, path, option.then):
            passed.append((len(path) - 1, None, option.then is None and bool(resume_done)))  # "still" on the resume after it
            break
        passed.append((len(path) - 1, option.then, due))  # due: "still" on the resume it showed next, too
        node = option.then
    return Walk(tuple(path), current, partial(still_hops, tree, given, facts, fixed, path, passed, locked, resume_done))


def _due(tree: Tree, bringing: set[str], then: str) -> bool:
    """Whether the resume an answer made due ("paid, still stopped") is shown here: no such answer's question
    lies ahead (from `then`)."""
    return bool(bringing) and not bringing & asked_from(tree, then)


def _resume_said(tree: Tree, facts: Facts, fixed: set[str]) -> set[str]:
    """The facts whose answer says a cause was dealt with ("paid, still stopped" brings arrears) while the card
    may still need its resume; empty when none does. The walk shows the resume at the first result it reaches
    once no such fact's question is ahead (so "back" undoes that answer), before any other question; "still"
    on the resume marks it dealt with too and goes on."""
    said = brought(tree, facts).get(FIXED, frozenset())
    if not said or not said & set(awaiting_resume(tree, facts, fixed)):
        return set()
    return {fid for fid, value in facts.items() if brought(tree, {fid: value}).get(FIXED)}


def next_question(tree: Tree, facts: Facts) -> Question | None:
    """The next question to ask given what is known, or None when the answers lead to a result."""
    return walk(tree, facts).current


def choose(tree: Tree, facts: Facts, option: Option) -> dict[str, Value]:
    """The facts after choosing `option`: a fact holding several values gains them, others are set."""
    out = dict(facts)
    for fid, matcher in option.sets:
        fact = tree.facts[fid]
        out[fid] = gained(fact, out.get(fid), tuple(matcher.values)) if fact.multiple else matcher.first
    return out


def without(tree: Tree, facts: Facts, fid: str, values: tuple[str | int, ...] | None = None) -> dict[str, Value]:
    """The facts with `fid` forgotten, or for a fact holding several values, with `values` removed."""
    out = dict(facts)
    if values is not None and tree.facts[fid].multiple:
        left = tuple(v for v in several(out.get(fid)) if v not in values)
        out.pop(fid, None)
        if left:
            out[fid] = left
    else:
        out.pop(fid, None)
    return out


def still_not_working(tree: Tree, facts: Facts, shown: tuple[Finding, ...]) -> dict[str, Value] | None:
    """The facts after "still not working": the causes shown count as dealt with. None when what was
    shown is already the last word: the fallback, or findings.final_word. After the resume still pending
    it goes on too: to what is not known yet, else to the fallback (the seller checks the card)."""
    fixed = set(several(facts.get(FIXED)))
    ids = tuple(f.cause.id for f in shown if not f.cause.fallback and f.cause.id not in fixed)
    if not ids or final_word(shown):
        return None
    return {**facts, FIXED: tuple(c.id for c in tree.causes if c.id in fixed | set(ids))}


def moot(tree: Tree, question: Question, fixed: frozenset[str]) -> str | None:
    """Where to go on instead of asking `question`, when every cause it could bring up is dealt with
    already and all its answers go on at the same place; else None (ask it)."""
    thens = {o.then for o in question.options}
    causes = concludes(tree, question)
    if len(thens) == 1 and None not in thens and causes and causes <= fixed:
        return thens.pop()
    return None


def _back(tree: Tree, facts: Facts, w: Walk, locked: frozenset[str],
          kept: frozenset[str] = frozenset()) -> dict[str, Value] | None:
    """One step back, never to the step the person is on: undoing an answer whose question is then passed by
    (an area already dealt with) shows this question again, so back goes one further."""
    back = _undo(tree, facts, w, locked, kept)
    for _ in range(len(w.path)):
        if back is None or w.current is None:
            break
        before = walk(tree, back, locked)
        if before.current != w.current:
            break
        back = _undo(tree, back, before, locked, kept)
    return back


def _undo(tree: Tree, facts: Facts, w: Walk, locked: frozenset[str], kept: frozenset[str]) -> dict[str, Value] | None:
    """Undo the last answer, or the last "still not working" if that came after it. A result passed by with
    nothing to undo (no cause it dealt with, or only the portal's own `fixed`, `kept`, which its lock puts
    back) is not a step, nor an option followed because an earlier answer set its fact."""
    hops = [(at, tuple(c for c in causes if c not in kept)) for at, causes in w.hops]
    last_hop = next((hop for hop in reversed(hops) if hop[1]), None)
    theirs = answered(w, facts, locked)
    for i in range(len(w.path) - 1, -1, -1):
        if last_hop and last_hop[0] >= i:
            return without(tree, facts, FIXED, last_hop[1])
        if not theirs[i]:
            continue
        question, option = w.path[i]
        # the walk follows an answer by its first fact; the one given may have set more (several cards at once:
        # many_cards beside the symptom), and undoing only the first would leave the question answered
        fuller = [o for o in (*question.options, *question.withheld) if len(o.sets) > len(option.sets)
                  and all_accept(o.sets, facts, tree.restricted_regions)]
        option = max(fuller, key=lambda o: len(o.sets), default=option)
        undo = [fid for fid, _ in option.sets if fid not in locked and fid in facts]
        if undo:
            out = dict(facts)
            for fid, matcher in option.sets:
                if fid in undo:
                    out = without(tree, out, fid, tuple(matcher.values))
            return out
    return None


def offered(tree: Tree, question: Question, facts: Facts, locked: frozenset[str]) -> Question:
    """The question without the answers that contradict a portal's locked fact (the lock would undo them on
    the next step, and the same question come back), nor those the facts make pointless (the option's
    `unless`); they are withheld, as a profile's are."""
    keep = tuple(o for o in question.options if o.key == UNKNOWN or all(
        fid not in locked or tree.facts[fid].multiple or m.accepts(facts[fid]) for fid, m in o.sets) and not (
        o.unless and all_accept(o.unless, facts, tree.restricted_regions)))
    if keep == question.options:
        return question
    return replace(question, options=keep, withheld=question.withheld + tuple(o for o in question.options if o not in keep))


def answered(w: Walk, facts: Facts, locked: frozenset[str]) -> list[bool]:
    """Which of the walk's options the person answered: one counts if they gave its first fact, not a portal
    (locked), not a fact implied or brought (not in `facts` at all), nor an earlier answer of theirs (the
    stop reason "expired" also sets the plan, which the account question would ask)."""
    out, given = [], set()
    for _, o in w.path:
        fid = o.sets[0][0]
        out.append(fid in facts and fid not in locked and fid not in given)
        given.update(f for f, _ in o.sets)
    return out


def questions_left(tree: Tree, facts: Facts, locked: frozenset[str] = frozenset()) -> int:
    """The most questions this person can still be asked before the next result, the current one included:
    the engine's own walk over every answer it offers from here, so it sees what the tree's shape cannot (a
    result a profile leaves with nothing new, which the walk goes past). "At most" never grows: each answer
    leads to one of the walks counted here."""
    return _left(tree, tuple(sorted(facts.items())), locked)


@lru_cache(maxsize=1 << 17)
def _left(tree: Tree, items: tuple[tuple[str, Value], ...], locked: frozenset[str]) -> int:
    facts = dict(items)
    current = walk(tree, facts).current
    if current is None:
        return 0
    return 1 + max(_left(tree, tuple(sorted(choose(tree, facts, o).items())), locked)
                   for o in offered(tree, current, facts, locked).options)


def step(tree: Tree, facts: Facts, locked: frozenset[str] = frozenset(),
         asserted: frozenset[str] = frozenset()) -> Step:
    """The step to show for these facts. `locked` facts (set by an embedding portal) are never undone;
    `asserted` are the causes the portal says were dealt with (its `fixed`: findings.diagnose)."""
    w = walk(tree, facts, locked)
    order = list(dict.fromkeys(fid for _, o in w.path for fid, _ in o.sets if fid in facts))
    order += [fid for fid in tree.facts if fid in facts and fid not in order]
    answers = tuple((tree.facts[f], facts[f]) for f in order)
    back = _back(tree, facts, w, locked, asserted)
    if w.current is not None:
        asked = sum(answered(w, facts, locked)) + 1
        total = asked - 1 + questions_left(tree, facts, locked)
        return QuestionStep(offered(tree, w.current, facts, locked), asked, total, answers, back)
    return result(tree, facts, answers, back, asserted)


def result(tree: Tree, facts: Facts, answers: tuple[tuple[Fact, Value], ...] | None = None,
           back: dict[str, Value] | None = None, asserted: frozenset[str] = frozenset()) -> ResultStep:
    """The result for these facts, whether or not the walk has reached it (the CLI's `diagnose`)."""
    if answers is None:
        answers = tuple((tree.facts[f], facts[f]) for f in tree.facts if f in facts)
    unknown = tuple(fact for fact, value in answers if value == UNKNOWN)
    found = tuple(diagnose(tree, implied(tree, facts), asserted))
    return ResultStep(found, answers, unknown, back, still_not_working(tree, facts, found))
