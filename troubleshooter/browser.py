"""The one bridge to the browser: the Pyodide worker calls `handle` with a JSON request and paints the
HTML it returns. Plain Python with JSON in and out, so tests call it exactly as the worker does.

Request:  {"query": "?balance=arrears", "lang": "zh"|"en", "locked": {fact: value}, "articleBase": "…"}
          `locked` are facts a portal set (never asked, never undone), the JSON object exactly as the
          portal gave it (attribute, iframe URL, set-facts): checked here only, its bad entries (or
          "facts" if it is not an object) named in "dropped"; `query` is the page's own state.
Response: {"html": …, "kind": "question"|"result", "step": id, "causes": [ids], "facts": {…},
           "query": "?…" (the clean state), "dropped": [names of entries that were ignored]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from . import default_tree
from .engine import QuestionStep, step
from .facts import parse_lenient, parse_query, to_query
from .render import QueryLinks, render_step
from .schema import LANGS


def handle(request_json: str) -> str:
    try:
        request = json.loads(request_json)
    except RecursionError:  # the caller reports the error: silently dropping the language would lie
        raise ValueError("the request is nested too deeply to read; facts must be a flat JSON object") from None
    except ValueError:
        request = {}
    if not isinstance(request, Mapping):
        request = {}
    tree = default_tree()
    lang = request.get("lang") if request.get("lang") in LANGS else "zh"
    query = request.get("query") if isinstance(request.get("query"), str) else ""
    facts, dropped = parse_query(tree, query)
    raw_locked = request.get("locked")
    locked, dropped_locked = parse_lenient(tree, list(raw_locked.items()) if isinstance(raw_locked, Mapping) else [])
    if raw_locked is not None and not isinstance(raw_locked, Mapping):
        dropped_locked.append("facts")
    facts.update(locked)
    base = request.get("articleBase") if isinstance(request.get("articleBase"), str) else ""
    current = step(tree, facts, frozenset(locked))
    html = render_step(tree, current, lang, QueryLinks(tree, base, locked), notices=dropped)
    is_question = isinstance(current, QuestionStep)
    return json.dumps({
        "html": html,
        "kind": "question" if is_question else "result",
        "step": current.question.id if is_question else "result",
        "causes": [] if is_question else [f.cause.id for f in current.findings],
        "facts": facts,
        "query": to_query(tree, facts),
        "dropped": dropped + dropped_locked,
    }, ensure_ascii=False)
