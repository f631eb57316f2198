"""Reading facts that come from outside: the CLI's --facts, a page's query string, a portal's attribute.

Everything from outside is untrusted. The CLI is strict (the first problem is an error); the page and the
embed are lenient (bad entries are dropped and reported, the rest still counts), so a tampered link never
loses what was valid in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from .codes import (CODES_TOML, CodeError, Codes, CodeValue, Decoded, Sources, decode, default_codes, evidence,
                    load_codes, merge)
from .parsing import Text, shown
from .schema import ABROAD, ELSEWHERE, UNKNOWN, Fact, Tree, Value

MAX_QUERY = 2000  # characters: far more than every fact at once needs
SOLVED = "outcome=solved"  # the query parameter of "yes, it works again"
# Query parameters the page itself uses (the embed page's `profile`, `restricted-regions`, `seller-name` go
# to the bridge as a profile, never as facts).
RESERVED = frozenset({"lang", "origin", "outcome", "profile", "restricted-regions", "seller-name"})


class FactError(ValueError):
    """A fact given on the command line is not valid. The message is one line naming the fact."""


@dataclass
class Reading:
    """Facts read from outside, what was dropped, and the platform codes they came from (if any)."""

    facts: dict[str, Value]
    dropped: list[str] = field(default_factory=list)
    decoded: list[Decoded] = field(default_factory=list)
    sources: Sources = field(default_factory=dict)
    overruled: list[tuple[Decoded, CodeValue]] = field(default_factory=list)  # codes that disagreed, not used

    @property
    def remarks(self) -> list[tuple[Decoded, CodeValue]]:
        """Readings that set no fact (Alibaba Cloud's Replaced: look at the card that replaced it; OneLink's
        zero reading): the page shows their meaning as it is, so what the platform said is never lost."""
        return [(d, part) for d in self.decoded for part in d.parts if not part.facts]

    @property
    def evidence(self) -> dict[tuple[str, str | int], Text]:
        """(fact, value) -> "onelink.stopReason = 000020000000 (信控双向停机)", for a result's "why"."""
        return evidence(self.sources)


@lru_cache(maxsize=4)
def codes_for(tree: Tree) -> Codes:
    """The platform codes checked against this tree (the shipped ones for the shipped tree)."""
    from . import default_tree

    return default_codes() if tree is default_tree() else load_codes(CODES_TOML, tree)


def is_code(key: object) -> bool:
    """Platform codes are `<platform>.<field>`; no fact of the tree has a dot in its name."""
    return isinstance(key, str) and "." in key


def accepted(tree: Tree, fact: Fact) -> str:
    """The accepted values of a fact, as said to a person who got one wrong."""
    if fact.kind == "number":
        return f"a whole number from {fact.min} to {fact.max}, or unknown"
    if fact.kind == "region":
        return (f"an ISO 3166-2:CN code such as CN-BJ or CN-XJ (CN-HK, CN-MO and CN-TW count as {ABROAD}), "
                f"or {ELSEWHERE} (elsewhere in mainland China), {ABROAD} or {UNKNOWN}")
    if fact.multiple:
        return "one or more of " + ", ".join(v for v in fact.values if v != UNKNOWN) + \
            " (a list, or separated by commas), or unknown"
    return ", ".join(fact.values)


def parse_value(tree: Tree, fact: Fact, raw: object) -> Value:
    """The fact's value for `raw`, or FactError saying what is accepted."""
    if raw == UNKNOWN:
        return UNKNOWN
    if fact.multiple:
        items = raw.split(",") if isinstance(raw, str) else raw
        if isinstance(items, (list, tuple)) and items and len(items) <= len(fact.values) \
                and all(isinstance(v, str) and v.strip() in fact.values for v in items):
            have = {v.strip() for v in items}
            if have == {UNKNOWN}:
                return UNKNOWN
            return tuple(v for v in fact.values if v in have and v != UNKNOWN)
    elif fact.kind == "number":
        number: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            number = raw
        elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 3:
            number = int(raw)
        if number is not None and fact.min <= number <= fact.max:
            return number
    elif fact.kind == "region":
        if isinstance(raw, str) and (raw in tree.regions):
            return raw
    elif isinstance(raw, str) and raw in fact.values:
        return raw
    raise FactError(f"{fact.id}: {shown(raw)} is not accepted; expected {accepted(tree, fact)}")


def read_strict(tree: Tree, raw: object) -> Reading:
    """Strict: every key must be a known fact or platform code with an accepted value (the CLI, the API)."""
    if not isinstance(raw, Mapping):
        raise FactError("facts must be a JSON object such as {\"balance\": \"arrears\"}")
    reading = Reading({})
    for key, value in raw.items():
        if is_code(key):
            try:
                reading.decoded.append(decode(codes_for(tree), key, value))
            except CodeError as err:
                raise FactError(str(err)) from None
            continue
        fact = tree.facts.get(key) if isinstance(key, str) else None
        if fact is None:
            raise FactError(f"{shown(key)}: unknown fact; expected one of {', '.join(tree.facts)}, "
                            "or a platform code such as onelink.stopReason")
        reading.facts[key] = parse_value(tree, fact, value)
    return _merged(tree, reading)


def read_lenient(tree: Tree, pairs: Iterable[tuple[str, object]]) -> Reading:
    """Lenient: keep what is valid, and name what was dropped (for notices shown to the person)."""
    reading = Reading({})
    for key, value in pairs:
        if key in RESERVED:
            continue
        try:
            if is_code(key):
                reading.decoded.append(decode(codes_for(tree), key, value))
                continue
            fact = tree.facts.get(key)
            if fact is None:
                raise FactError(key)
            reading.facts[key] = parse_value(tree, fact, value)
        except (FactError, CodeError):
            reading.dropped.append(shown(key))
    return _merged(tree, reading)


def read_query(tree: Tree, query: str) -> Reading:
    """Facts from a URL query string such as "?balance=arrears&onelink.stopReason=000020000000"."""
    dropped: list[str] = []
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY]
        dropped.append("…")
    reading = read_lenient(tree, parse_qsl(query.lstrip("?"), keep_blank_values=True))
    reading.dropped[:0] = dropped
    return reading


def _merged(tree: Tree, reading: Reading) -> Reading:
    if reading.decoded:
        reading.sources = merge(codes_for(tree), tree, reading.facts, reading.decoded, reading.overruled)
    return reading


def parse_facts(tree: Tree, raw: object) -> dict[str, Value]:
    """Strict: the facts alone (see read_strict)."""
    return read_strict(tree, raw).facts


def parse_query(tree: Tree, query: str) -> tuple[dict[str, Value], list[str]]:
    """Facts from a URL query string such as "?balance=arrears&device=phone"."""
    reading = read_query(tree, query)
    return reading.facts, reading.dropped


def to_query(tree: Tree, facts: Mapping[str, Value], decoded: Iterable[Decoded] = ()) -> str:
    """The query string for these facts, in the tree's fact order so equal states give equal URLs. A
    platform code stays in it while every fact it set is still held, so its evidence stays too."""
    pairs = [(k, as_text(facts[k])) for k in tree.facts if k in facts]
    pairs += dict.fromkeys((d.field.key, d.raw) for d in decoded if _holds(facts, d)).keys()
    return "?" + urlencode(pairs, safe=",")


def _holds(facts: Mapping[str, Value], d: Decoded) -> bool:
    return all(v in (facts[fid] if isinstance(facts.get(fid), tuple) else (facts.get(fid),))
               for part in d.parts for fid, value in part.facts for v in (value if isinstance(value, tuple) else (value,)))


def as_text(value: Value) -> str:
    """A value as a query string or a person writes it: several values separated by commas."""
    return ",".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
