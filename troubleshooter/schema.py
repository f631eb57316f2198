"""The tree's one typed schema, and the parser that turns raw data (TOML or JSON) into it.

Parsing collects every problem instead of stopping at the first, so an editor fixing the tree sees all of
them at once, each naming the node and what is expected; nothing an editor can write makes it raise
anything but TreeError. Graph-level checks (reachability, cycles) live in checks.py; the walks (paths,
bounds) in walks.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .parsing import LANGS, Parser, Text, TreeError, plain_keys

UNKNOWN = "unknown"
RESULT = "result"
WHO = ("owner", "seller", "carrier")
FACT_KINDS = ("choice", "number", "region", "causes")
CONFIDENCE = ("confirmed", "likely", "possible")  # strongest first: the order findings are reported in
# The location values that are not province codes (ISO 3166-2:CN codes come from [regions]).
ELSEWHERE = "CN"
ABROAD = "abroad"
OUTSIDE_MAINLAND = frozenset({"CN-HK", "CN-MO", "CN-TW"})  # count as ABROAD everywhere: these cards are mainland cards
RESTRICTED = "@restricted"
STOP_REASON = "stop_reason"  # an alternative that tests the platform's own stop reason is "confirmed"
UI_KEYS = (
    "progress", "result_heading", "result_intro_many", "why", "steps", "wait", "read_more", "who_owner", "who_seller",
    "who_carrier", "unknown_heading", "answers_heading", "not_sure", "howto", "back", "restart", "copy", "copied",
    "summary_label", "summary_title", "ignored", "overruled", "remark", "restricted_note", "cli_prompt", "cli_invalid", "loading",
    "engine_failed", "file_note", "confidence_confirmed", "confidence_likely", "confidence_possible", "feedback",
    "feedback_yes", "feedback_no", "solved", "fixed_heading", "tree_version", "question_article",
    "component_loading", "component_failed", "component_retry",
)
OPTIONAL_UI = ("contact",)  # set by a portal's profile: a plain-text contact line under each result

Value = str | int | tuple[str, ...]  # a tuple for facts that hold several values (stop_reason, fixed)

__all__ = ["TreeError", "Tree", "Text", "Fact", "Option", "Question", "Cause", "FixStep", "Alternative", "Doubt",
           "parse_tree", "LANGS", "UNKNOWN", "RESULT"]


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    values: tuple[str, ...]
    min: int
    max: int
    label: Text
    howto: Text
    multiple: bool  # holds several values at once (a tuple), e.g. several stop reasons
    implies: tuple[tuple[str, str], ...] = ()  # facts any known value of this one settles (a stop reason: stopped)
    # (value, fact, its value): what one value settles besides, wherever it comes from (a person's answer, a
    # portal, a platform code): a stop reason "plan expired" means the plan has expired
    brings: tuple[tuple[str, str, str | tuple[str, ...]], ...] = ()
    words: tuple[tuple[str, Text], ...] = ()  # (value, how it reads back to the person) where no answer says it alone
    # (value, the values that make it precise): a portal's "no service" that a platform code says is a test period
    # that ended, or a resume under way; the code's value is kept, not overruled (codes.merge)
    narrowed: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Matcher:
    """Accepted values of one fact: a set of values, or an inclusive range of whole numbers."""

    values: frozenset[str | int] = frozenset()
    lo: int | None = None
    hi: int | None = None

    def accepts(self, value: Value, restricted: tuple[str, ...] = ()) -> bool:
        if self.lo is not None and self.hi is not None:
            return isinstance(value, int) and self.lo <= value <= self.hi
        if not self._regions and not isinstance(value, tuple):  # most tests of most walks: one plain value
            return value in self.values
        for v in value if isinstance(value, tuple) else (value,):
            if v in self.values or (RESTRICTED in self.values and v in restricted):
                return True
            if ABROAD in self.values and v in OUTSIDE_MAINLAND:
                return True
        return False

    @cached_property
    def _regions(self) -> bool:
        """Whether it names a group of regions (restricted, abroad) rather than only plain values."""
        return RESTRICTED in self.values or ABROAD in self.values

    @property
    def first(self) -> Value:
        """The value an answer sets: a range's lower end, else the one value."""
        return self.lo if self.lo is not None else next(iter(self.values))


def all_accept(pairs: tuple[tuple[str, Matcher], ...], facts: Mapping[str, Value], restricted: tuple[str, ...]) -> bool:
    """Whether every (fact, matcher) pair accepts the fact's known value (an unknown fact does not count)."""
    return all(fid in facts and m.accepts(facts[fid], restricted) for fid, m in pairs)


@dataclass(frozen=True)
class Option:
    """An answer. Choosing it sets the facts in `sets`; for facts already known, the walk follows the first
    option whose first fact already has that value. `then` is where "still not working" goes on. It is not
    offered while every fact in `unless` holds (an answer those facts make pointless), but still followed."""

    key: str
    label: Text
    next: str
    sets: tuple[tuple[str, Matcher], ...]
    then: str | None = None
    unless: tuple[tuple[str, Matcher], ...] = ()

    @property
    def value(self) -> Value:
        return self.sets[0][1].first


@dataclass(frozen=True)
class Question:
    id: str
    fact: str  # the main fact: "not sure" sets it to unknown
    text: Text
    hint: Text
    options: tuple[Option, ...]
    article: str | None = None  # an article that helps answer it (the stop-reason table, say)
    # Answers a portal's profile does not offer (they could only bring up causes it hides). A portal's or a
    # platform code's fact may still hold one: the walk follows it, so that fact is never asked again.
    withheld: tuple[Option, ...] = ()

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for o in self.options for f, _ in o.sets))


@dataclass(frozen=True)
class FixStep:
    who: str
    text: Text
    wait: Text | None


@dataclass(frozen=True)
class Alternative:
    """One way a cause holds: every fact's matcher accepts, with this confidence."""

    facts: tuple[tuple[str, Matcher], ...]
    confidence: str

    @cached_property
    def needs(self) -> frozenset[str]:
        """The facts that must be known for it to hold (those whose matcher does not accept unknown)."""
        return frozenset(fid for fid, m in self.facts if UNKNOWN not in m.values)

    def holds(self, facts: Mapping[str, Value], restricted: tuple[str, ...]) -> bool:
        if not self.needs <= facts.keys():
            return False
        for fid, m in self.facts:  # a loop, not all(): this runs a million times in a walk of the whole tree
            if not m.accepts(facts.get(fid, UNKNOWN), restricted):
                return False
        return True


@dataclass(frozen=True)
class Doubt:
    """Facts that make causes less likely: while one of `when` holds, these causes, if only the person's
    answers bring them up, are at most "possible" (a stop the platform would show, while it shows the card
    active). The platform's own stop reason still confirms them."""

    when: tuple[Alternative, ...]
    causes: frozenset[str]

    def holds(self, facts: Mapping[str, Value], restricted: tuple[str, ...]) -> bool:
        return any(alt.holds(facts, restricted) for alt in self.when)


@dataclass(frozen=True)
class Cause:
    id: str
    title: Text
    summary: Text
    steps: tuple[FixStep, ...]
    article: str  # the article that explains it, as a path without .md
    when: tuple[Alternative, ...]
    fallback: bool  # reported when nothing else holds
    resume: bool  # once dealt with, the card may still need a separate resume (复机)
    resume_pending: bool  # the cause reported when dealt-with causes still need their resume
    account: bool  # concerns the whole account, so it comes first when many cards stopped at once
    final: bool = False  # once confirmed, nothing after it helps this card: the result offers no "still"
    saved_by: tuple[str, ...] = ()  # of a final cause: causes that, confirmed beside it, may still save the number


@dataclass(frozen=True, eq=False)  # hashed by identity, so engine caches can key on it
class Tree:
    source: str
    version: str
    start: str
    restricted_regions: tuple[str, ...]
    facts: Mapping[str, Fact]
    questions: Mapping[str, Question]
    causes: tuple[Cause, ...]
    regions: Mapping[str, Text]
    ui: Mapping[str, Text]
    hidden: frozenset[str] = frozenset()  # causes a portal's profile says cannot happen to its cards
    doubts: tuple[Doubt, ...] = ()

    @property
    def withheld(self) -> tuple[Option, ...]:
        """The answers the profile hides (never offered; a portal's fact still reads back by name)."""
        return tuple(o for q in self.questions.values() for o in q.withheld)

    def question_for(self, fact: str) -> Question | None:
        return next((q for q in self.questions.values() if q.fact == fact), None)

    def cause(self, cid: str) -> Cause:
        return next(c for c in self.causes if c.id == cid)


def tree_version(data: Mapping[str, Any]) -> str:
    """A short version string that changes whenever the tree's content does (not its comments)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:10]


def parse_tree(data: Mapping[str, Any], source: str) -> Tree:
    """Build a Tree from raw data, or raise TreeError listing every problem found."""
    from .nodes import parse_cause, parse_doubt, parse_fact, parse_question, value_ok

    p = Parser(source)
    plain_keys(p, data, "the top level", ("settings", "facts", "questions", "causes", "doubts", "regions", "ui"))
    settings = p.table(data.get("settings"), "[settings]")
    plain_keys(p, settings, "[settings]", ("start", "restricted_regions", "hidden_causes"))
    regions = {code: p.text(raw, f"regions.{code}") for code, raw in p.table(data.get("regions"), "[regions]").items()}
    ui_raw = p.table(data.get("ui"), "[ui]")
    ui = {key: p.text(raw, f"ui.{key}") for key, raw in ui_raw.items()}
    for key in UI_KEYS:
        if key not in ui_raw:
            p.problem(f"ui.{key}", "is missing; every widget text needs { zh = \"…\", en = \"…\" }")
    for key in ui_raw:
        if key not in UI_KEYS + OPTIONAL_UI:
            p.problem(f"ui.{key}", f"is not a text the widget uses; expected one of {', '.join(UI_KEYS)}")
    restricted = settings.get("restricted_regions", [])
    if not isinstance(restricted, list) or any(not isinstance(c, str) or c not in regions or c in (ELSEWHERE, ABROAD)
                                               or c in OUTSIDE_MAINLAND for c in restricted):
        p.problem("settings.restricted_regions", "expected a list of mainland ISO 3166-2:CN codes listed in [regions], "
                  "e.g. [\"CN-XJ\"]")
        restricted = []
    causes_raw = p.items(data.get("causes"), "[[causes]]")
    cause_ids = tuple(str(c.get("id")) for c in causes_raw)
    fixable = tuple(str(c.get("id")) for c in causes_raw if not (c.get("fallback") or c.get("resume_pending")))
    dealt_with = tuple(str(c.get("id")) for c in causes_raw if not c.get("fallback"))  # "still" after the resume too
    facts = {fid: parse_fact(p, fid, raw, dealt_with) for fid, raw in p.table(data.get("facts"), "[facts]").items()}
    questions: dict[str, Question] = {}
    for i, raw in enumerate(p.items(data.get("questions"), "[[questions]]")):
        q = parse_question(p, raw, i, facts, regions, tuple(restricted), ui.get("not_sure"))
        if q.id in questions:
            p.problem(f"question {q.id}", "the id is used twice; ids must be unique")
        questions[q.id] = q
    causes = [parse_cause(p, raw, i, facts, regions) for i, raw in enumerate(causes_raw)]
    if len(set(cause_ids)) != len(cause_ids):
        p.problem("[[causes]]", "two causes have the same id; ids must be unique")
    doubts = tuple(parse_doubt(p, raw, i, facts, regions, fixable) for i, raw in enumerate(p.items(data.get("doubts", []), "[[doubts]]")))
    for cause in causes:
        if cause.saved_by and (not cause.final or not set(cause.saved_by) <= set(fixable) - {cause.id}):
            p.problem(f"cause {cause.id}.saved_by", "expected the ids of other causes, on a cause with final = true")
    for fact in facts.values():
        for fid, value in fact.implies:
            if fid not in facts or value not in facts[fid].values:
                p.problem(f"fact {fact.id}.implies", f"{fid} = {value} is not a fact and value of this tree")
        for own, fid, value in fact.brings:
            target = facts.get(fid)
            if own not in fact.values or own == UNKNOWN:
                p.problem(f"fact {fact.id}.brings", f"{own} is not a value of {fact.id}")
            elif target is None or isinstance(value, tuple) != target.multiple \
                    or not all(value_ok(target, v, regions) and v != UNKNOWN for v in (value if isinstance(value, tuple) else (value,))):
                p.problem(f"fact {fact.id}.brings.{own}", f"{fid} = {value!s} is not a fact and value of this tree "
                          "(a list for a fact that holds several values, else one value)")
    start = settings.get("start")
    if start not in questions:
        p.problem("settings.start", f"names question {start!s}, which does not exist; expected one of {', '.join(questions)}")
    for flag in ("fallback", "resume_pending"):
        if sum(getattr(c, flag) for c in causes) != 1:
            p.problem("[[causes]]", f"expected exactly one cause with {flag} = true")
    hidden = frozenset(settings.get("hidden_causes", ()))
    if not isinstance(settings.get("hidden_causes", []), list) or not hidden <= set(fixable):
        p.problem("settings.hidden_causes", "expected a list of cause ids, e.g. [\"calls_restricted\"]")
        hidden = frozenset()
    if p.problems:
        raise TreeError(p.problems)
    offered = _offered(questions, facts, causes, hidden)
    return Tree(source, tree_version(data), str(start), tuple(restricted), facts, offered,
                tuple(causes), {k: v for k, v in regions.items() if v}, {k: v for k, v in ui.items() if v}, hidden, doubts)


def _offered(questions: dict[str, Question], facts: Mapping[str, Fact], causes: list[Cause],
             hidden: frozenset[str]) -> dict[str, Question]:
    """The questions without the answers that could only bring up hidden causes (a profile's cards cannot
    have them, so nobody should be offered them)."""
    if not hidden:
        return questions

    def brings_up(option: Option) -> set[str]:
        return {c.id for c in causes for alt in c.when for f, m in alt.facts
                for fid, om in option.sets if f == fid and m.accepts(om.first)}

    out = {}
    for qid, q in questions.items():
        if facts[q.fact].kind == "number":  # every number needs an answer: a range is never withheld
            out[qid] = q
            continue
        kept = tuple(o for o in q.options if not (brings_up(o) and brings_up(o) <= hidden))
        out[qid] = Question(q.id, q.fact, q.text, q.hint, kept, q.article, tuple(o for o in q.options if o not in kept))
    return out


__all__ += ["Matcher", "tree_version", "CONFIDENCE", "WHO", "UI_KEYS"]
