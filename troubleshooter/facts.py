"""Reading facts that come from outside: the CLI's --facts, a page's query string, a portal's attribute.

Everything from outside is untrusted. The CLI is strict (the first problem is an error); the page and the
embed are lenient (bad entries are dropped and reported, the rest still counts), so a tampered link never
loses what was valid in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from .parsing import shown
from .schema import ABROAD, ELSEWHERE, UNKNOWN, Fact, Tree, Value

MAX_QUERY = 2000  # characters: far more than every fact at once needs
SOLVED = "outcome=solved"  # the query parameter of "yes, it works again"
RESERVED = frozenset({"lang", "origin", "outcome"})  # query parameters the page itself uses


class FactError(ValueError):
    """A fact given on the command line is not valid. The message is one line naming the fact."""


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
            if have != {UNKNOWN}:
                have.discard(UNKNOWN)
            return tuple(v for v in fact.values if v in have)
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


def parse_facts(tree: Tree, raw: object) -> dict[str, Value]:
    """Strict: every key must be a known fact with an accepted value (for the CLI and the Python API)."""
    if not isinstance(raw, Mapping):
        raise FactError("facts must be a JSON object such as {\"balance\": \"arrears\"}")
    facts: dict[str, Value] = {}
    for key, value in raw.items():
        fact = tree.facts.get(key) if isinstance(key, str) else None
        if fact is None:
            raise FactError(f"{shown(key)}: unknown fact; expected one of {', '.join(tree.facts)}")
        facts[key] = parse_value(tree, fact, value)
    return facts


def parse_lenient(tree: Tree, pairs: list[tuple[str, object]]) -> tuple[dict[str, Value], list[str]]:
    """Lenient: keep what is valid, and name what was dropped (for notices shown to the person)."""
    facts: dict[str, Value] = {}
    dropped: list[str] = []
    for key, value in pairs:
        if key in RESERVED:
            continue
        fact = tree.facts.get(key)
        try:
            if fact is None:
                raise FactError(key)
            facts[key] = parse_value(tree, fact, value)
        except FactError:
            dropped.append(shown(key))
    return facts, dropped


def parse_query(tree: Tree, query: str) -> tuple[dict[str, Value], list[str]]:
    """Facts from a URL query string such as "?balance=arrears&device=phone"."""
    dropped: list[str] = []
    if len(query) > MAX_QUERY:
        query = query[:MAX_QUERY]
        dropped.append("…")
    facts, more = parse_lenient(tree, parse_qsl(query.lstrip("?"), keep_blank_values=True))
    return facts, dropped + more


def to_query(tree: Tree, facts: Mapping[str, Value]) -> str:
    """The query string for these facts, in the tree's fact order so equal states give equal URLs."""
    return "?" + urlencode([(k, as_text(facts[k])) for k in tree.facts if k in facts], safe=",")


def as_text(value: Value) -> str:
    """A value as a query string or a person writes it: several values separated by commas."""
    return ",".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
