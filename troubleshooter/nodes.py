"""Parsers for the tree's nodes: facts, questions (with their options) and causes.

Every reader checks the type of what it reads first, so a mistake such as `min = "x"` or a nested list
becomes one problem line naming the node and what is expected, never a Python exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .parsing import Parser, Text, is_whole, plain_keys, shown
from .schema import (ABROAD, CONFIDENCE, ELSEWHERE, FACT_KINDS, RESTRICTED, RESULT, STOP_REASON, UNKNOWN, WHO,
                     Alternative, Cause, Doubt, Fact, FixStep, Matcher, Option, Question)

NOT_SURE = Text("不确定", "Not sure")  # replaced by [ui] not_sure when the tree has it


def parse_fact(p: Parser, fid: str, raw: Any, cause_ids: tuple[str, ...]) -> Fact:
    where = f"fact {fid}"
    raw = p.table(raw, where)
    plain_keys(p, raw, where, ("kind", "values", "multiple", "min", "max", "label", "howto", "implies", "brings", "words",
                                   "narrowed"))
    kind = raw.get("kind")
    if kind not in FACT_KINDS:
        p.problem(where, f"kind must be one of {', '.join(FACT_KINDS)}")
    values: tuple[str, ...] = ()
    if kind == "choice":
        values = p.strings(raw.get("values"), f"{where}.values")
        if UNKNOWN not in values:
            p.problem(where, "a choice fact needs values, including \"unknown\"")
    elif kind == "causes":
        values = cause_ids
    lo, hi = raw.get("min", 0), raw.get("max", 0)
    if kind == "number" and not (is_whole(lo) and is_whole(hi) and lo <= hi):
        p.problem(where, "a number fact needs whole numbers min <= max, e.g. min = 0, max = 120")
        lo, hi = 0, 0
    multiple = raw.get("multiple", kind == "causes")
    if not isinstance(multiple, bool) or (multiple and kind not in ("choice", "causes")):
        p.problem(where, "multiple must be true or false, and only a choice fact can hold several values")
        multiple = False
    implies = p.table(raw.get("implies", {}), f"{where}.implies")
    if not all(isinstance(v, str) for v in implies.values()):
        p.problem(f"{where}.implies", "expected { fact = \"value\" } with plain values")
    brings: list[tuple[str, str, str | tuple[str, ...]]] = []  # checked against the other facts in schema.py
    for own, sets in p.table(raw.get("brings", {}), f"{where}.brings").items():
        for other, value in p.table(sets, f"{where}.brings.{own}").items():
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                value = tuple(value)
            if not isinstance(value, (str, tuple)):
                p.problem(f"{where}.brings.{own}", f"expected {{ fact = \"value\" }} or a list of values, not {shown(value)}")
                continue
            brings.append((str(own), str(other), value))
    words = []  # how a value reads back when no answer of its own says it (checks.py requires them there)
    for value, text in p.table(raw.get("words", {}), f"{where}.words").items():
        if value not in values or value == UNKNOWN:
            p.problem(f"{where}.words", f"{shown(value)} is not a value of {fid}; expected one of "
                      + ", ".join(v for v in values if v != UNKNOWN))
        words.append((str(value), p.text(text, f"{where}.words.{value}") or Text("", "")))
    narrowed = []
    for value, precise in p.table(raw.get("narrowed", {}), f"{where}.narrowed").items():
        if multiple or value not in values or not isinstance(precise, list) or not precise \
                or not all(v in values and v not in (value, UNKNOWN) for v in precise):
            p.problem(f"{where}.narrowed.{value}", f"expected value = [\"more precise value\", …], values of {fid} (one "
                      "value at a time)")
            continue
        narrowed.append((str(value), tuple(precise)))
    return Fact(fid, str(kind), values, lo if is_whole(lo) else 0, hi if is_whole(hi) else 0,
                p.text(raw.get("label"), f"{where}.label") or Text("", ""),
                p.text(raw.get("howto"), f"{where}.howto") or Text("", ""), multiple,
                tuple((str(k), str(v)) for k, v in implies.items()), tuple(brings), tuple(words), tuple(narrowed))


def value_ok(fact: Fact, value: Any, regions: Mapping[str, Any]) -> bool:
    if value == UNKNOWN:
        return True
    if fact.kind == "number":
        return is_whole(value) and fact.min <= value <= fact.max
    if fact.kind == "region":
        return isinstance(value, str) and (value in regions or value == RESTRICTED)
    return isinstance(value, str) and value in fact.values


def parse_matcher(p: Parser, fact: Fact, raw: Any, where: str, regions: Mapping[str, Any]) -> Matcher:
    """A value, a list of values, or {min, max} for a number fact; anything else is a problem."""
    if isinstance(raw, Mapping):
        lo, hi = raw.get("min", fact.min), raw.get("max", fact.max)
        if fact.kind != "number" or set(raw) - {"min", "max"} or not (is_whole(lo) and is_whole(hi)) \
                or not fact.min <= lo <= hi <= fact.max:
            p.problem(where, f"{fact.id}: {{min, max}} needs a number fact and whole numbers within "
                      f"{fact.min}..{fact.max}, e.g. {{ min = 3 }}")
            return Matcher(frozenset({UNKNOWN}))
        return Matcher(lo=lo, hi=hi)
    wanted = raw if isinstance(raw, list) else [raw]
    bad = [w for w in wanted if isinstance(w, (list, Mapping)) or not value_ok(fact, w, regions)]
    if bad or not wanted:
        p.problem(where, f"{fact.id} = {shown(bad[0] if bad else raw)} is not a value of that fact")
        return Matcher(frozenset({UNKNOWN}))
    return Matcher(frozenset(wanted))


def parse_question(p: Parser, raw: Mapping[str, Any], i: int, facts: Mapping[str, Fact],
                   regions: Mapping[str, Text | None], restricted: tuple[str, ...], not_sure: Text | None) -> Question:
    qid = str(raw.get("id") or f"#{i + 1}")
    where = f"question {qid}"
    plain_keys(p, raw, where, ("id", "fact", "text", "hint", "options", "not_sure", "then", "region_options_next", "article"))
    if "id" not in raw:
        p.problem(where, "missing id")
    fact = facts.get(str(raw.get("fact")))
    if fact is None:
        p.problem(where, f"asks for unknown fact {shown(raw.get('fact'))}; expected one of {', '.join(facts)}")
        fact = Fact("", "choice", (UNKNOWN,), 0, 0, Text("", ""), Text("", ""), False)
    then = raw.get("then")
    options: list[Option] = []
    region_next = raw.get("region_options_next")
    if region_next is not None:
        options += [Option(code, regions.get(code) or Text(code, code), str(region_next),
                           ((fact.id, Matcher(frozenset({code}))),), then) for code in restricted]
    for j, opt in enumerate(p.items(raw.get("options"), f"{where}.options")):
        options.append(_option(p, opt, f"{where} option {j + 1}", fact, facts, regions, then))
    if "not_sure" in raw:
        options.append(Option(UNKNOWN, not_sure or NOT_SURE, str(raw["not_sure"]),
                              ((fact.id, Matcher(frozenset({UNKNOWN}))),), then))
    else:
        p.problem(where, "has no not_sure; give not_sure = \"<question id>\" or \"result\": \"not sure\" must always be an answer")
    keys = [o.key for o in options]
    for key in {k for k in keys if keys.count(k) > 1}:
        p.problem(where, f"two options have the key {key}; give each option its own value or key")
    article = raw.get("article")
    if article is not None and (not isinstance(article, str) or not article):
        p.problem(where, "article must be a path such as \"reference/stop-reasons\" (without .md)")
        article = None
    return Question(qid, fact.id, p.text(raw.get("text"), f"{where}.text") or Text("", ""),
                    p.text(raw.get("hint"), f"{where}.hint") or Text("", ""), tuple(options), article)


def _option(p: Parser, opt: Mapping[str, Any], where: str, fact: Fact, facts: Mapping[str, Fact],
            regions: Mapping[str, Any], then: Any) -> Option:
    plain_keys(p, opt, where, ("value", "upto", "key", "set", "label", "next", "then", "unless"))
    label = p.text(opt.get("label"), f"{where}.label") or Text("", "")
    if not isinstance(opt.get("next"), str) or not opt.get("next"):
        p.problem(where, "leads nowhere; give it next = \"<question id>\" or \"result\"")
    sets: list[tuple[str, Matcher]] = []
    value, upto = opt.get("value"), opt.get("upto")
    if "value" in opt:
        if upto is not None:
            if fact.kind != "number" or not (is_whole(value) and is_whole(upto) and fact.min <= value <= upto <= fact.max):
                p.problem(where, f"upto must be a whole number from value to {fact.max}, on a number fact")
                upto = None
            else:
                sets.append((fact.id, Matcher(lo=value, hi=upto)))
        if upto is None:
            if isinstance(value, (list, Mapping)) or not value_ok(fact, value, regions) or value == RESTRICTED:
                p.problem(where, f"has value {shown(value)}, which fact {fact.id or '?'} does not accept")
            sets.append((fact.id, Matcher(frozenset({value if is_whole(value) else str(value)}))))
    sets += [(fid, m) for fid, m in fact_matchers(p, opt.get("set", {}), where, "set", "sets", facts, regions)
             if fid != fact.id or "value" not in opt]
    if "value" in opt and upto is None:  # the answer means what its value brings (the fact's `brings`)
        named = {fid for fid, _ in sets}
        sets += [(fid, Matcher(frozenset(v if isinstance(v, tuple) else (v,))))
                 for own, fid, v in fact.brings if own == value and fid not in named]
    if not sets:
        p.problem(where, "sets nothing; give it value = … or set = { fact = \"value\" }")
        sets.append((fact.id, Matcher(frozenset({UNKNOWN}))))
    key = opt.get("key", value)
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        p.problem(where, "needs key = \"…\" when it has no value")
        key = where
    unless = fact_matchers(p, opt.get("unless", {}), where, "unless", "unless names", facts, regions)
    opt_then = opt.get("then", then)  # then = "result": this answer is the last word, nothing goes on after it
    return Option(str(key), label, str(opt.get("next", "")), tuple(sets),
                  str(opt_then) if opt_then and opt_then != RESULT else None, tuple(unless))


def parse_cause(p: Parser, raw: Mapping[str, Any], i: int, facts: Mapping[str, Fact],
                regions: Mapping[str, Text | None]) -> Cause:
    cid = str(raw.get("id") or f"#{i + 1}")
    where = f"cause {cid}"
    flags = ("fallback", "resume", "resume_pending", "account", "final")
    plain_keys(p, raw, where, ("id", "title", "summary", "article", "steps", "when", "saved_by") + flags)
    steps = []
    for j, s in enumerate(p.items(raw.get("steps", []), f"{where}.steps")):
        plain_keys(p, s, f"{where} step {j + 1}", ("who", "text", "wait"))
        if s.get("who") not in WHO:
            p.problem(where, f"step {j + 1}: who must be one of {', '.join(WHO)} (the one who acts)")
        text = p.text(s.get("text"), f"{where} step {j + 1}.text") or Text("", "")
        steps.append(FixStep(str(s.get("who")), text, p.text(s.get("wait"), f"{where} step {j + 1}.wait", required=False)))
    if not steps:
        p.problem(where, "has no fix steps; every cause must say what to do")
    flag = {f: raw.get(f, False) for f in flags}
    for f, v in flag.items():
        if not isinstance(v, bool):
            p.problem(where, f"{f} must be true or false")
    when = tuple(_alternative(p, alt, f"{where}.when", facts, regions) for alt in p.items(raw.get("when", []), f"{where}.when"))
    if not when and not (flag["fallback"] or flag["resume_pending"]):
        p.problem(where, "has no `when`, so it can never be concluded; add when = [{ fact = \"value\" }]")
    if flag["final"] is True and not any(alt.confidence == "confirmed" for alt in when):
        p.problem(where, "final = true acts only when the platform confirms the cause: add a `when` that tests "
                  "stop_reason, or remove final")
    saved_by = raw.get("saved_by", [])
    if not isinstance(saved_by, list) or not all(isinstance(c, str) for c in saved_by):
        p.problem(f"{where}.saved_by", "expected a list of cause ids, e.g. [\"arrears\"]")
        saved_by = []
    article = raw.get("article")
    if not isinstance(article, str) or not article:
        p.problem(where, "expected article = \"causes/<name>\" (the article's path without .md)")
        article = ""
    return Cause(cid, p.text(raw.get("title"), f"{where}.title") or Text("", ""),
                 p.text(raw.get("summary"), f"{where}.summary") or Text("", ""), tuple(steps), article, when,
                 *(flag[f] is True for f in flags), tuple(saved_by))


def parse_doubt(p: Parser, raw: Mapping[str, Any], i: int, facts: Mapping[str, Fact], regions: Mapping[str, Text | None],
                fixable: tuple[str, ...]) -> Doubt:
    """`when = [{ fact = value }]` and `causes = ["id", …]`: see schema.Doubt."""
    where = f"doubt {i + 1}"
    plain_keys(p, raw, where, ("when", "causes"))
    alts = p.items(raw.get("when"), f"{where}.when")
    if any("confidence" in alt for alt in alts) or raw.get("when") == []:
        p.problem(f"{where}.when", "expected a list of { fact = \"value\" } tables (no confidence: a doubt makes causes "
                  "\"possible\")")
    causes = raw.get("causes")
    if not isinstance(causes, list) or not causes or not all(isinstance(c, str) and c in fixable for c in causes):
        p.problem(f"{where}.causes", f"expected a list of cause ids, from {', '.join(fixable)}")
        causes = []
    return Doubt(tuple(_alternative(p, alt, f"{where}.when", facts, regions) for alt in alts), frozenset(causes))


def fact_matchers(p: Parser, raw: Any, where: str, key: str, verb: str, facts: Mapping[str, Fact],
                  regions: Mapping[str, Any]) -> list[tuple[str, Matcher]]:
    """A `{ fact = value, … }` table (an option's `set` or `unless`, a `when` alternative) as (fact, matcher)
    pairs; an unknown fact is a problem named at `where`, its value's at `where`.`key`."""
    out: list[tuple[str, Matcher]] = []
    for fid, want in p.table(raw, f"{where}.{key}" if key else where).items():
        if fid not in facts:
            p.problem(where, f"{verb} unknown fact {shown(fid)}; expected one of {', '.join(facts)}")
        else:
            out.append((fid, parse_matcher(p, facts[fid], want, f"{where}.{key}" if key else where, regions)))
    return out


def _alternative(p: Parser, alt: Mapping[str, Any], where: str, facts: Mapping[str, Fact],
                 regions: Mapping[str, Text | None]) -> Alternative:
    """`{ fact = value, …, confidence = "possible" }`: testing the stop reason makes it "confirmed"."""
    cond = fact_matchers(p, {k: v for k, v in alt.items() if k != "confidence"}, where, "", "uses", facts, regions)
    confirmed = any(fid == STOP_REASON for fid, _ in cond)
    confidence = alt.get("confidence", "confirmed" if confirmed else "likely")
    if confidence not in CONFIDENCE or (confidence == "confirmed") != confirmed:
        p.problem(where, f"confidence must be likely or possible (\"confirmed\" comes only from {STOP_REASON}, "
                  "which the platform reports)")
        confidence = "possible"
    if not cond:
        p.problem(where, "an alternative needs at least one fact = value")
    return Alternative(tuple(cond), str(confidence))


__all__ = ["parse_fact", "parse_question", "parse_cause", "parse_matcher", "value_ok", "ABROAD", "ELSEWHERE", "RESULT"]
