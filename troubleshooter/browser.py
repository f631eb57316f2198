"""The one bridge to the browser: the Pyodide worker calls `handle` with a JSON request and paints the
HTML it returns. Plain Python with JSON in and out, so tests call it exactly as the worker does.

Request:  {"query": "?balance=arrears", "lang": "zh"|"en", "locked": {fact: value}, "articleBase": "…"}
          `locked` are facts a portal set (never asked, never undone), the JSON object exactly as the
          portal gave it (attribute, iframe URL, set-facts): checked here only, its bad entries (or
          "facts" if it is not an object) named in "dropped"; `query` is the page's own state.
          Optional: "profile" (a shipped profile id), "profileInline" ({sellerName, restrictedRegions}).
Response: {"html": …, "kind": "question"|"result"|"solved", "step": id, "causes": [ids],
           "findings": [{"id", "confidence"}], "facts": {…}, "query": "?…" (the clean state),
           "dropped": [names of entries that were ignored], "treeVersion": "…", "profile": id | null (the
           shipped profile in effect),
           "codes": [{"key", "value"}] (the platform codes decoded into facts, e.g. onelink.stopReason),
           "overruled": [{"key", "value"}] (codes not used: another reading, or a fact given by name,
           disagreed about the card's state; the page names them in a notice),
           "remarks": [{"key", "value"}] (codes that set no fact, such as aliyun.SimStatus=Replaced; the page
           shows their meaning in a notice)}
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from . import default_tree, tree_for
from .schema import Tree, TreeError
from urllib.parse import parse_qsl

from .engine import QuestionStep, gained, several, step
from .facts import SOLVED, read_lenient, read_query, to_query
from .render import QueryLinks, render_solved, render_step
from .schema import LANGS


def _tree(request: Mapping) -> tuple[Tree, list[str], str | None]:
    """The tree with the portal's profile (`profile`: a shipped id; `profileInline`: {sellerName,
    restrictedRegions}), what was dropped, and the shipped profile in effect (reported in the portal's
    events). A profile that is wrong is dropped with a notice, never an error."""
    profile = request.get("profile") if isinstance(request.get("profile"), str) and request.get("profile") else None
    inline = request.get("profileInline") if isinstance(request.get("profileInline"), Mapping) else None
    inline_json = json.dumps(inline, sort_keys=True) if inline else None
    bad_inline = "restricted-regions/seller-name"
    # Whatever is wrong is dropped alone: a bad shipped id keeps a good inline subset and the other way round.
    for pid, inl, dropped in ((profile, inline_json, []), (profile, None, [bad_inline]), (None, inline_json, ["profile"])):
        try:
            return tree_for(pid, inl), dropped, pid
        except (TreeError, ValueError, RecursionError):
            continue
    return default_tree(), ["profile", bad_inline] if inline_json else ["profile"], None


def handle(request_json: str) -> str:
    try:
        request = json.loads(request_json)
    except RecursionError:  # the caller reports the error: silently dropping the language would lie
        raise ValueError("the request is nested too deeply to read; facts must be a flat JSON object") from None
    except ValueError:
        request = {}
    if not isinstance(request, Mapping):
        request = {}
    tree, profile_dropped, profile = _tree(request)
    lang = request.get("lang") if request.get("lang") in LANGS else LANGS[0]
    query = request.get("query") if isinstance(request.get("query"), str) else ""
    asked = read_query(tree, query)
    facts, dropped = asked.facts, asked.dropped
    # nothing answered yet: no fact but what codes in the link set (the portal's locked facts are added below)
    first = all(any(k[0] == fid for k in asked.sources) for fid in facts)
    raw_locked = request.get("locked")
    portal = read_lenient(tree, list(raw_locked.items()) if isinstance(raw_locked, Mapping) else [])
    locked, dropped_locked = portal.facts, portal.dropped
    if raw_locked is not None and not isinstance(raw_locked, Mapping):
        dropped_locked.append("facts")
    for fid, value in locked.items():  # a locked list (fixed, stop_reason) stays whole; the walk may add to it
        fact = tree.facts[fid]
        facts[fid] = gained(fact, facts[fid], several(value)) if fact.multiple and fid in facts else value
    decoded = asked.decoded + portal.decoded
    overruled = asked.overruled + portal.overruled
    remarks = asked.remarks + portal.remarks
    evidence = {k: v for k, v in {**asked.evidence, **portal.evidence}.items() if k[0] in facts
                and k[1] in (facts[k[0]] if isinstance(facts[k[0]], tuple) else (facts[k[0]],))}
    base = request.get("articleBase") if isinstance(request.get("articleBase"), str) else ""
    links = QueryLinks(tree, base, locked, decoded)
    common = {"facts": facts, "query": to_query(tree, facts, decoded), "dropped": dropped + dropped_locked + profile_dropped,
              "treeVersion": tree.version, "profile": profile, "codes": [{"key": d.field.key, "value": d.raw} for d in decoded],
              "overruled": [dict(t) for t in dict.fromkeys((("key", d.field.key), ("value", d.raw)) for d, _ in overruled)],
              "remarks": [dict(t) for t in dict.fromkeys((("key", d.field.key), ("value", d.raw)) for d, _ in remarks)]}
    if (SOLVED.split("=")[0], SOLVED.split("=")[1]) in parse_qsl(query.lstrip("?")[:2000]):
        html = render_solved(tree, lang, links)
        return json.dumps({"html": html, "kind": "solved", "step": "solved", "causes": [], "findings": [], **common},
                          ensure_ascii=False)
    current = step(tree, facts, frozenset(locked), frozenset(several(locked.get("fixed"))))
    # A portal's readings stay on every step: named where the person starts and on a result, not on each question.
    shown = first or not isinstance(current, QuestionStep)
    html = render_step(tree, current, lang, links, notices=dropped + dropped_locked + profile_dropped, evidence=evidence,
                       overruled=list(dict.fromkeys(d.evidence(part, lang) for d, part in overruled)) if shown else [],
                       remarks=list(dict.fromkeys(d.remark(part, lang) for d, part in remarks)) if shown else [])
    is_question = isinstance(current, QuestionStep)
    findings = [] if is_question else [{"id": f.cause.id, "confidence": f.confidence} for f in current.findings]
    return json.dumps({
        "html": html,
        "kind": "question" if is_question else "result",
        "step": current.question.id if is_question else "result",
        "causes": [f["id"] for f in findings],
        "findings": findings,
        **common,
    }, ensure_ascii=False)
