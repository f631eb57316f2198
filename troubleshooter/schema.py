"""The tree's one typed schema, and the parser that turns raw data (TOML or JSON) into it.

Parsing collects every problem instead of stopping at the first, so an author fixing the tree sees all of
them at once, each naming the node and what is expected. Graph-level checks (reachability, cycles, paths)
live in checks.py; this module only needs the data to be well-formed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGS = ("zh", "en")
UNKNOWN = "unknown"
RESULT = "result"
WHO = ("owner", "seller", "carrier")
FACT_KINDS = ("choice", "number", "region")
# The location values that are not province codes (ISO 3166-2:CN codes come from [regions]).
ELSEWHERE = "CN"
ABROAD = "abroad"
RESTRICTED = "@restricted"

Value = str | int


class TreeError(ValueError):
    """The tree file is invalid. `problems` holds one line per problem, each naming the file and node."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Text:
    """One piece of text in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    values: tuple[str, ...]
    min: int
    max: int
    label: Text
    howto: Text


@dataclass(frozen=True)
class Option:
    """An answer. Choosing it sets the question's fact to `value`; a known value in [value, upto] (numbers)
    or equal to `value` follows it."""

    value: Value
    label: Text
    next: str
    upto: int | None = None

    def matches(self, value: Value) -> bool:
        if self.upto is not None and isinstance(value, int) and isinstance(self.value, int):
            return self.value <= value <= self.upto
        return value == self.value


@dataclass(frozen=True)
class Question:
    id: str
    fact: str
    text: Text
    hint: Text
    options: tuple[Option, ...]


@dataclass(frozen=True)
class FixStep:
    who: str
    text: Text
    wait: Text | None


# One alternative of a cause's `when`: fact -> accepted values (a frozenset) or an inclusive (min, max) range.
Condition = Mapping[str, frozenset[Value] | tuple[int, int]]


@dataclass(frozen=True)
class Cause:
    id: str
    title: Text
    summary: Text
    steps: tuple[FixStep, ...]
    articles: tuple[str, ...]
    when: tuple[Condition, ...]
    fallback: bool


@dataclass(frozen=True, eq=False)  # hashed by identity, so engine caches can key on it
class Tree:
    source: str
    start: str
    restricted_regions: tuple[str, ...]
    facts: Mapping[str, Fact]
    questions: Mapping[str, Question]
    causes: tuple[Cause, ...]
    regions: Mapping[str, Text]
    ui: Mapping[str, Text]

    def question_for(self, fact: str) -> Question | None:
        return next((q for q in self.questions.values() if q.fact == fact), None)


class _Parser:
    """Walks the raw data once, building the schema objects and noting every problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def text(self, raw: Any, where: str, required: bool = True) -> Text | None:
        if raw is None and not required:
            return None
        if not isinstance(raw, Mapping):
            self.problem(where, "expected a table with zh and en texts, e.g. { zh = \"…\", en = \"…\" }")
            return None
        for lang in LANGS:
            if not isinstance(raw.get(lang), str) or not raw[lang].strip():
                self.problem(where, f"missing the {lang} translation")
        extra = set(raw) - set(LANGS)
        if extra:
            self.problem(where, f"unknown language {sorted(extra)[0]}; expected zh and en")
        return Text(str(raw.get("zh", "")), str(raw.get("en", "")))

    def table(self, raw: Any, where: str) -> Mapping[str, Any]:
        if isinstance(raw, Mapping):
            return raw
        self.problem(where, "expected a table")
        return {}

    def items(self, raw: Any, where: str) -> list[Mapping[str, Any]]:
        if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
            self.problem(where, "expected a list of tables")
            return []
        return raw


def parse_tree(data: Mapping[str, Any], source: str) -> Tree:
    """Build a Tree from raw data, or raise TreeError listing every problem found."""
    p = _Parser(source)
    settings = p.table(data.get("settings"), "[settings]")
    regions = {code: p.text(raw, f"regions.{code}") for code, raw in p.table(data.get("regions"), "[regions]").items()}
    ui = {key: p.text(raw, f"ui.{key}") for key, raw in p.table(data.get("ui"), "[ui]").items()}
    facts = {fid: _fact(p, fid, raw) for fid, raw in p.table(data.get("facts"), "[facts]").items()}
    restricted = settings.get("restricted_regions", [])
    if not isinstance(restricted, list) or any(code not in regions or code in (ELSEWHERE, ABROAD) for code in restricted):
        p.problem("settings.restricted_regions", "expected a list of ISO 3166-2:CN codes listed in [regions], e.g. [\"CN-XJ\"]")
        restricted = []
    questions: dict[str, Question] = {}
    for i, raw in enumerate(p.items(data.get("questions"), "[[questions]]")):
        q = _question(p, raw, i, facts, regions, tuple(restricted))
        if q.id in questions:
            p.problem(f"question {q.id}", "the id is used twice; ids must be unique")
        questions[q.id] = q
    causes = [_cause(p, raw, i, facts, regions) for i, raw in enumerate(p.items(data.get("causes"), "[[causes]]"))]
    start = settings.get("start")
    if start not in questions:
        p.problem("settings.start", f"names question {start!s}, which does not exist; expected one of {', '.join(questions)}")
    if sum(c.fallback for c in causes) != 1:
        p.problem("[[causes]]", "expected exactly one cause with fallback = true (reported when nothing else holds)")
    if p.problems:
        raise TreeError(p.problems)
    return Tree(source, str(start), tuple(restricted), facts, questions, tuple(causes),
                {k: v for k, v in regions.items() if v}, {k: v for k, v in ui.items() if v})


def _fact(p: _Parser, fid: str, raw: Any) -> Fact:
    raw = p.table(raw, f"fact {fid}")
    kind = raw.get("kind")
    if kind not in FACT_KINDS:
        p.problem(f"fact {fid}", f"kind must be one of {', '.join(FACT_KINDS)}")
    values = tuple(raw.get("values", ()))
    if kind == "choice" and (not values or UNKNOWN not in values):
        p.problem(f"fact {fid}", "a choice fact needs values, including \"unknown\"")
    lo, hi = raw.get("min", 0), raw.get("max", 0)
    if kind == "number" and not (isinstance(lo, int) and isinstance(hi, int) and lo <= hi):
        p.problem(f"fact {fid}", "a number fact needs whole numbers min <= max")
    return Fact(fid, str(kind), values, int(lo), int(hi),
                p.text(raw.get("label"), f"fact {fid}.label") or Text("", ""),
                p.text(raw.get("howto"), f"fact {fid}.howto") or Text("", ""))


def _question(p: _Parser, raw: Mapping[str, Any], i: int, facts: Mapping[str, Fact],
              regions: Mapping[str, Text | None], restricted: tuple[str, ...]) -> Question:
    qid = str(raw.get("id") or f"#{i + 1}")
    where = f"question {qid}"
    if "id" not in raw:
        p.problem(where, "missing id")
    fact = facts.get(str(raw.get("fact")))
    if fact is None:
        p.problem(where, f"asks for unknown fact {raw.get('fact')!s}; expected one of {', '.join(facts)}")
    options: list[Option] = []
    region_next = raw.get("region_options_next")
    if region_next is not None:
        options += [Option(code, regions[code] or Text(code, code), str(region_next)) for code in restricted]
    for j, opt in enumerate(p.items(raw.get("options"), f"{where}.options")):
        label = p.text(opt.get("label"), f"{where} option {j + 1}.label") or Text("", "")
        if not opt.get("next"):
            p.problem(where, f"option {j + 1} leads nowhere; give it next = \"<question id>\" or \"result\"")
        value, upto = opt.get("value"), opt.get("upto")
        if fact is not None and not _value_ok(fact, value, regions):
            p.problem(where, f"option {j + 1} has value {value!s}, which fact {fact.id} does not accept")
        if upto is not None and not (isinstance(upto, int) and isinstance(value, int) and value <= upto):
            p.problem(where, f"option {j + 1}: upto must be a whole number not below value")
        options.append(Option(value if isinstance(value, int) else str(value), label, str(opt.get("next", "")), upto))
    if not options:
        p.problem(where, "has no options")
    return Question(qid, fact.id if fact else "", p.text(raw.get("text"), f"{where}.text") or Text("", ""),
                    p.text(raw.get("hint"), f"{where}.hint") or Text("", ""), tuple(options))


def _value_ok(fact: Fact, value: Any, regions: Mapping[str, Any]) -> bool:
    if value == UNKNOWN:
        return True
    if fact.kind == "number":
        return isinstance(value, int) and not isinstance(value, bool) and fact.min <= value <= fact.max
    if fact.kind == "region":
        return value in regions or value == RESTRICTED
    return value in fact.values


def _cause(p: _Parser, raw: Mapping[str, Any], i: int, facts: Mapping[str, Fact],
           regions: Mapping[str, Text | None]) -> Cause:
    cid = str(raw.get("id") or f"#{i + 1}")
    where = f"cause {cid}"
    steps = []
    for j, s in enumerate(p.items(raw.get("steps", []), f"{where}.steps")):
        if s.get("who") not in WHO:
            p.problem(where, f"step {j + 1}: who must be one of {', '.join(WHO)}")
        text = p.text({k: s.get(k) for k in LANGS}, f"{where} step {j + 1}") or Text("", "")
        steps.append(FixStep(str(s.get("who")), text, p.text(s.get("wait"), f"{where} step {j + 1}.wait", required=False)))
    if not steps:
        p.problem(where, "has no fix steps; every cause must say what to do")
    fallback = bool(raw.get("fallback", False))
    when = tuple(_condition(p, alt, where, facts, regions) for alt in p.items(raw.get("when", []), f"{where}.when"))
    if not when and not fallback:
        p.problem(where, "has no `when`, so it can never be concluded; add when = [{ fact = \"value\" }]")
    articles = raw.get("articles", [])
    if not isinstance(articles, list) or not articles or not all(isinstance(a, str) for a in articles):
        p.problem(where, "expected articles = [\"causes/<name>\", …] (article paths without .md)")
        articles = []
    return Cause(cid, p.text(raw.get("title"), f"{where}.title") or Text("", ""),
                 p.text(raw.get("summary"), f"{where}.summary") or Text("", ""),
                 tuple(steps), tuple(articles), when, fallback)


def _condition(p: _Parser, alt: Mapping[str, Any], where: str, facts: Mapping[str, Fact],
               regions: Mapping[str, Text | None]) -> Condition:
    cond: dict[str, frozenset[Value] | tuple[int, int]] = {}
    for fid, want in alt.items():
        fact = facts.get(fid)
        if fact is None:
            p.problem(where, f"`when` uses unknown fact {fid}; expected one of {', '.join(facts)}")
            continue
        if isinstance(want, Mapping):
            if fact.kind != "number":
                p.problem(where, f"`when`: {fid} is not a number fact, so {{min, max}} does not apply")
            cond[fid] = (int(want.get("min", fact.min)), int(want.get("max", fact.max)))
        else:
            wanted = want if isinstance(want, list) else [want]
            bad = [w for w in wanted if not _value_ok(fact, w, regions)]
            if bad:
                p.problem(where, f"`when`: {fid} = {bad[0]!s} is not a value of that fact")
            cond[fid] = frozenset(wanted)
    return cond
