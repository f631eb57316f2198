"""Carriers' status and stop-reason codes (codes.toml), decoded into the tree's facts.

A carrier's or reseller's portal already holds what its platform says about a card (OneLink's
`stopReason`, OneNET's `cardstatus`, …). Passing those values as `<platform>.<field>` keys spares the
person questions the platform has answered, and keeps the evidence: every fact a code sets remembers
the code, value and platform words it came from, so a result can say "onelink.stopReason =
000020000000 (信控双向停机)". The file is parsed like the tree (one problem line per mistake, naming
the file and key) and checked against the tree's facts, so a code can never set a value the engine
does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .langs import SEPARATOR
from .parsing import LANGS, Parser, Text, TreeError, plain_keys, read_table, shown
from .schema import UNKNOWN, Tree, Value

HERE = Path(__file__).parent
CODES_TOML = HERE / "codes.toml"
CODES_JSON = HERE / "codes.json"  # written into the browser's copy of the package by the site build
KINDS = ("enum", "flags")
TYPES = ("string", "integer")
AUTHORITIES = ("provider", "integrators")
LABELS = ("authority_provider", "authority_integrators", "other_position", "other_meaning", "no_flag", "position", "sets",
          "sets_nothing", "causes", "authority", "counting", "ask_more", "shows")
# Values that only say "stopped": a code's vague value gives way to a real reason from another code.
VAGUE = ("none_shown", UNKNOWN)
MAX_DIGITS = 4  # an integer code longer than this is not a status code
PLATFORM_LANG = "zh"  # the language the platforms' own words (`words`) are in


class CodeError(ValueError):
    """A platform code that cannot be decoded. The message is one line saying what is expected."""


@dataclass(frozen=True)
class CodeValue:
    """One value of a field, or one position of a flag string: what the platform shows and what it means."""

    code: str
    words: str  # the platform's own words (Chinese, or the code where the platform gives none)
    meaning: Text
    facts: tuple[tuple[str, Value], ...]
    short: Text | None = None  # a position no value lists: "other reason (position N)", in place of words
    narrows: tuple[str, ...] = ()  # values of its fact it makes precise rather than contradicts (codes.toml)


@dataclass(frozen=True)
class Field:
    key: str  # "<platform>.<field>"
    platform: Text
    kind: str
    type: str
    length: int  # flags: the exact number of characters
    authority: str
    source: Text
    values: tuple[CodeValue, ...]
    other_facts: tuple[tuple[str, Value], ...]  # flags: what a set position with no listed value gives

    def value(self, code: str) -> CodeValue | None:
        return next((v for v in self.values if v.code == code), None)

    def example(self) -> str:
        if self.kind == "flags":
            first = int(self.values[0].code) if self.values else 0
            return "".join("2" if i == first else "0" for i in range(self.length))
        return self.values[0].code if self.values else "?"


@dataclass(frozen=True, eq=False)
class Codes:
    source: str
    fields: Mapping[str, Field]
    labels: Mapping[str, Text]

    def label(self, key: str, lang: str, **values: object) -> str:
        text = self.labels[key].get(lang)
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text


@dataclass(frozen=True)
class Decoded:
    """A code and value as given, and what each set flag or the value means."""

    field: Field
    raw: str  # the value in its canonical spelling (an integer as digits)
    parts: tuple[CodeValue, ...]
    shows: Text  # how a result names it: codes.toml's [labels] shows

    def remark(self, part: CodeValue, lang: str) -> tuple[str, str]:
        """A reading that sets no fact, as the page's notice shows it: the provenance line and the meaning,
        without the platform's words twice ("显示 01（单向停机）：一般是…", not "…：单向停机：一般是…")."""
        meaning = part.meaning.get(lang)
        for sep in ("：", ": "):
            meaning = meaning.removeprefix(part.words + sep)
        return self.evidence(part, lang, explain=False), meaning

    def evidence(self, part: CodeValue, lang: str, explain: bool = True) -> str:
        """The provenance line a result shows, in the person's words: "华为云 GSL（运营商状态 operatorStatus）显示
        -1（正常）". The words are the platform's own, in Chinese; a reader of another language gets their
        meaning beside them (unless `explain` is off: the caller shows the meaning itself)."""
        words = part.short.get(lang) if part.short else part.words if part.words != self.raw else part.meaning.get(lang)
        if explain and lang != PLATFORM_LANG and words == part.words:
            words += " — " + part.meaning.get(lang)
        text = self.shows.get(lang)
        for name, value in (("platform", self.field.platform.get(lang)), ("code", self.raw), ("words", words)):
            text = text.replace("{" + name + "}", value)
        return text


def _facts(p: Parser, tree: Tree, raw: Any, where: str) -> tuple[tuple[str, Value], ...]:
    out: list[tuple[str, Value]] = []
    for fid, want in p.table(raw, where).items():
        fact = tree.facts.get(fid)
        if fact is None or fact.kind != "choice":
            p.problem(where, f"{shown(fid)} is not a choice fact of {tree.source}; expected one of "
                      + ", ".join(f.id for f in tree.facts.values() if f.kind == "choice"))
            continue
        wanted = want if isinstance(want, list) and fact.multiple else [want]
        if not wanted or not all(isinstance(w, str) and w in fact.values for w in wanted):
            p.problem(where, f"{fid} = {shown(want)} is not a value of that fact; expected "
                      + ("one or more of " if fact.multiple else "one of ") + ", ".join(fact.values))
            continue
        out.append((fid, tuple(v for v in fact.values if v in wanted) if fact.multiple else wanted[0]))
    return tuple(out)


def _value(p: Parser, tree: Tree, raw: Any, where: str, kind: str, typ: str, length: int) -> CodeValue:
    raw = p.table(raw, where)
    plain_keys(p, raw, where, ("code", "words", "meaning", "facts", "narrows"))
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        p.problem(where, "expected code = \"…\" (a string, e.g. code = \"00\" or code = \"4\")")
        code = "?"
    elif kind == "flags" and not (code.isdigit() and int(code) < length):
        p.problem(where, f"code {shown(code)}: a flag's code is its position, 0 to {length - 1}")
    elif typ == "integer" and str(_integer(code)) != code:
        p.problem(where, f"code {shown(code)}: an integer field's codes are whole numbers written plainly, e.g. \"-1\" or \"4\"")
    words = raw.get("words")
    if not isinstance(words, str) or not words.strip():
        p.problem(where, "expected words = \"…\": what the platform shows for this value")
        words = ""
    meaning = p.text(raw.get("meaning"), f"{where}.meaning") or Text("", "")
    facts = _facts(p, tree, raw.get("facts", {}), f"{where}.facts")
    narrows = raw.get("narrows", [])
    single = [fid for fid, value in facts if not isinstance(value, tuple)]
    if not isinstance(narrows, list) or narrows and (len(single) != 1 or not all(
            isinstance(v, str) and v in tree.facts[single[0]].values for v in narrows)):
        p.problem(f"{where}.narrows", "expected a list of values of the one single-value fact this code sets")
        narrows = []
    return CodeValue(code, words, meaning, facts, narrows=tuple(narrows))


def _field(p: Parser, tree: Tree, raw: Any, i: int) -> Field:
    raw = p.table(raw, f"field #{i + 1}")
    key = raw.get("key")
    where = f"field {shown(key)}" if isinstance(key, str) else f"field #{i + 1}"
    plain_keys(p, raw, where, ("key", "platform", "kind", "type", "length", "authority", "source", "values", "other_facts"))
    if not isinstance(key, str) or key.count(".") != 1 or not all(key.split(".")) or not key.isascii():
        p.problem(where, "expected key = \"<platform>.<field>\", e.g. \"onelink.stopReason\"")
        key = str(key)
    kind, typ, authority = raw.get("kind"), raw.get("type"), raw.get("authority")
    if kind not in KINDS:
        p.problem(where, f"kind must be one of {', '.join(KINDS)}")
    if typ not in TYPES or (kind == "flags" and typ != "string"):
        p.problem(where, f"type must be one of {', '.join(TYPES)} (flags are a string)")
    if authority not in AUTHORITIES:
        p.problem(where, f"authority must be one of {', '.join(AUTHORITIES)}")
    length = raw.get("length", 0)
    if kind == "flags" and not (isinstance(length, int) and not isinstance(length, bool) and 0 < length <= 64):
        p.problem(where, "a flags field needs length = <number of characters>, e.g. length = 12")
        length = 0
    if kind != "flags" and ("length" in raw or "other_facts" in raw):
        p.problem(where, "length and other_facts belong to a flags field only")
    values = tuple(_value(p, tree, v, f"{where} value #{j + 1}", str(kind), str(typ), int(length))
                   for j, v in enumerate(p.items(raw.get("values"), f"{where}.values")))
    codes = [v.code for v in values]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        p.problem(where, f"the code {shown(code)} is listed twice; each value once")
    if not values:
        p.problem(where, "has no values; list each value the platform reports")
    return Field(key, p.text(raw.get("platform"), f"{where}.platform") or Text("", ""), str(kind), str(typ),
                 int(length), str(authority), p.text(raw.get("source"), f"{where}.source") or Text("", ""), values,
                 _facts(p, tree, raw.get("other_facts", {}), f"{where}.other_facts"))


def parse_codes(data: Mapping[str, Any], source: str, tree: Tree) -> Codes:
    """The codes from raw data, checked against `tree`'s facts; TreeError lists every problem."""
    p = Parser(source)
    plain_keys(p, data, "the top level", ("labels", "fields"))
    raw_labels = p.table(data.get("labels"), "[labels]")
    labels = {k: p.text(v, f"labels.{k}") for k, v in raw_labels.items()}
    for key in LABELS:
        if key not in raw_labels:
            p.problem(f"labels.{key}", "is missing; give it as { zh = \"…\", en = \"…\" }")
    fields: dict[str, Field] = {}
    for i, raw in enumerate(p.items(data.get("fields"), "[[fields]]")):
        field = _field(p, tree, raw, i)
        if field.key in fields:
            p.problem(f"field {shown(field.key)}", "the key is used twice; keys must be unique")
        fields[field.key] = field
    if p.problems:
        raise TreeError(p.problems)
    return Codes(source, fields, {k: v for k, v in labels.items() if v})


def load_codes(path: str | Path, tree: Tree) -> Codes:
    """Read and parse a codes file (.toml or .json); any problem is a TreeError line naming the file."""
    return parse_codes(read_table(path), str(path), tree)


@lru_cache(maxsize=1)
def default_codes() -> Codes:
    """The shipped codes: the prebuilt JSON in the browser's package (checked at build), else the TOML."""
    from . import default_tree

    return load_codes(CODES_JSON if CODES_JSON.exists() else CODES_TOML, default_tree())


def _integer(text: str) -> int | None:
    digits = text[1:] if text.startswith("-") else text
    return int(text) if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS else None


def decode(codes: Codes, key: str, raw: object) -> Decoded:
    """What `raw` means for the field `key`, or CodeError saying in one line what is expected."""
    field = codes.fields.get(key)
    if field is None:
        raise CodeError(f"{shown(key)}: no platform code of that name; expected one of {', '.join(codes.fields)}")
    if field.type == "integer":
        number = raw if isinstance(raw, int) and not isinstance(raw, bool) else \
            _integer(raw.strip()) if isinstance(raw, str) else None
        if number is None:
            raise CodeError(f"{key}: {shown(raw)} is not accepted; expected a whole number such as {field.example()}")
        value = str(number)
    elif isinstance(raw, str):
        value = raw.strip()
    else:
        raise CodeError(f"{key}: {shown(raw)} is not accepted; expected a string such as \"{field.example()}\"")
    if field.kind == "flags":
        return Decoded(field, value, _flags(codes, field, value), codes.labels["shows"])
    found = field.value(value)
    if found is None:
        raise CodeError(f"{key}: {shown(value)} is not a value this platform reports; expected one of "
                        + ", ".join(v.code for v in field.values))
    return Decoded(field, value, (found,), codes.labels["shows"])


def _flags(codes: Codes, field: Field, value: str) -> tuple[CodeValue, ...]:
    if len(value) != field.length or not (value.isascii() and value.isdigit()):
        what = f"has {len(value)} characters" if len(value) != field.length else "has characters other than digits"
        raise CodeError(f"{field.key}: {shown(value)} {what}; expected exactly {field.length} digits, one flag per "
                        f"position (0 = not set), such as {field.example()}")
    set_at = [i for i, c in enumerate(value) if c != "0"]
    if not set_at:
        return (CodeValue("", "全 0", codes.labels["no_flag"], ()),)  # no platform words: say what it reads
    listed = [field.value(str(i)) for i in set_at]
    parts = []
    for i, known in zip(set_at, listed):
        if known is not None:
            parts.append(known)
            continue
        other = () if any(listed) else field.other_facts  # the listed reason is enough: see codes.toml
        short = Text(*(codes.label("other_position", lang, n=i) for lang in LANGS))
        parts.append(CodeValue(str(i), short.zh, codes.labels["other_meaning"], other, short))
    return tuple(parts)


Sources = dict[tuple[str, str | int], list[tuple[Decoded, CodeValue]]]


def merge(codes: Codes, tree: Tree, facts: dict[str, Value], decoded: list[Decoded],
          overruled: list[tuple[Decoded, CodeValue]] | None = None) -> Sources:
    """Add what the codes say to `facts` (in place) and return where each fact value came from; a code whose
    value for a single-value fact is not the one kept is added to `overruled`, so the page can say so.

    Facts given outright win over a code for a fact holding one value, unless the code makes the given value
    precise (the fact's `narrowed`: a portal's "no service" that the code says is a resume under way; the code's
    `narrows`: OneNET's 正常 that its billing status says is a new card in its test or silent period); for a
    fact holding several (stop_reason), the values join in the fact's order, and a vague one (none_shown) is
    kept only when nothing more precise is known. Codes are applied in the file's field order, so the result does not
    depend on the order a portal lists them in."""
    given = set(facts)
    rank = {key: i for i, key in enumerate(codes.fields)}
    sources: Sources = {}
    for d in sorted(decoded, key=lambda d: rank[d.field.key]):
        for part in d.parts:
            for fid, value in part.facts:
                fact = tree.facts[fid]
                if isinstance(value, tuple):
                    have = set(_several(facts.get(fid))) | set(value)
                    if have - set(VAGUE):
                        have -= set(VAGUE)
                    facts[fid] = tuple(v for v in fact.values if v in have)
                    for v in value:
                        sources.setdefault((fid, v), []).append((d, part))
                elif fid in facts and (value in dict(fact.narrowed).get(str(facts[fid]), ()) or facts[fid] in part.narrows):
                    facts[fid] = value
                    given.discard(fid)  # a later code must agree with this one, as if none had been given
                    sources.setdefault((fid, value), []).append((d, part))
                elif fid not in given and facts.setdefault(fid, value) == value:
                    sources.setdefault((fid, value), []).append((d, part))
                elif facts[fid] != value and overruled is not None:
                    overruled.append((d, part))
    return {k: v for k, v in sources.items() if k[1] in _several(facts.get(k[0]))}


def evidence(sources: Sources) -> dict[tuple[str, str | int], Text]:
    """For each fact value a code set, the provenance line in both languages (several codes: joined)."""
    return {k: Text(*(SEPARATOR[lang].join(dict.fromkeys(d.evidence(part, lang) for d, part in found)) for lang in LANGS))
            for k, found in sources.items()}


def _several(value: Value | None) -> tuple[str | int, ...]:
    return () if value is None else value if isinstance(value, tuple) else (value,)
