"""`python -m troubleshooter decode <platform>.<field> <value>`: what a platform code means, the facts it
sets, and the causes those facts lead to with their first steps, so a person or a support desk can read
a code without walking the questions. The causes come from findings.diagnose, exactly as a result would.
"""

from __future__ import annotations

from typing import Any

from .codes import CodeError, Codes, Decoded, decode
from .engine import Finding, diagnose
from .facts import FactError, as_text, codes_for, read_strict
from .langs import article_path
from .render import ui, value_label
from .schema import Tree, Value


def _cause(tree: Tree, f: Finding, lang: str, evidence: dict[tuple[str, str | int], Any]) -> dict[str, Any]:
    step = f.cause.steps[0]
    why = [evidence[(fid, v)].get(lang) for fid, value in f.why
           for v in (value if isinstance(value, tuple) else (value,)) if (fid, v) in evidence]
    return {"id": f.cause.id, "title": f.cause.title.get(lang), "confidence": f.confidence,
            "first_step": {"who": step.who, "text": step.text.get(lang), "wait": step.wait.get(lang) if step.wait else None},
            "article": article_path(lang, f.cause.article), "why": why}


def explain(tree: Tree, key: str, raw: object, lang: str) -> dict[str, Any]:
    """The decode report as JSON-ready data; FactError (one line) for a malformed code or value."""
    codes: Codes = codes_for(tree)
    try:
        d: Decoded = decode(codes, key, raw)
    except CodeError as err:
        raise FactError(str(err)) from None
    reading = read_strict(tree, {key: raw})
    field = d.field
    return {
        "code": field.key, "value": d.raw, "platform": field.platform.get(lang),
        "authority": codes.label("authority_" + field.authority, lang), "source": field.source.get(lang),
        "meanings": [{"code": p.code, **({"position": int(p.code)} if field.kind == "flags" and p.code else {}),
                      "words": p.short.get(lang) if p.short else p.words, "meaning": p.meaning.get(lang),
                      "facts": {fid: list(v) if isinstance(v, tuple) else v for fid, v in p.facts}} for p in d.parts],
        "facts": {k: list(v) if isinstance(v, tuple) else v for k, v in reading.facts.items()},
        "causes": [_cause(tree, f, lang, reading.evidence) for f in diagnose(tree, reading.facts)],
    }


def explain_text(tree: Tree, key: str, raw: object, lang: str) -> str:
    data = explain(tree, key, raw, lang)
    codes = codes_for(tree)
    lines = [f"{data['code']} = {data['value']}", f"{data['platform']} — {data['authority']}: {data['source']}", ""]
    for m in data["meanings"]:
        where = codes.label("position", lang, n=m["position"]) + ": " if "position" in m else ""
        words = "" if m["words"] in (data["value"], "—") or m["words"] in m["meaning"] else m["words"] + " — "
        lines.append(f"- {where}{words}{m['meaning']}")
    if any("position" in m for m in data["meanings"]):
        lines.append(codes.label("counting", lang))
    lines += ["", codes.label("sets", lang) + ":"]
    facts: dict[str, Value] = {k: tuple(v) if isinstance(v, list) else v for k, v in data["facts"].items()}
    lines += [f"  {k} = {as_text(v)} ({value_label(tree, tree.facts[k], v, lang)})" for k, v in facts.items()] \
        or ["  " + codes.label("sets_nothing", lang)]
    lines += ["", codes.label("causes", lang) + ":"]
    for i, c in enumerate(data["causes"], 1):
        step = c["first_step"]
        wait = f" ({ui(tree, 'wait', lang)}: {step['wait']})" if step["wait"] else ""
        lines.append(f"{i}. {c['title']} [{ui(tree, 'confidence_' + c['confidence'], lang)}]")
        lines.append(f"   [{ui(tree, 'who_' + step['who'], lang)}] {step['text']}{wait}")
        lines.append(f"   {ui(tree, 'read_more', lang)}: {c['article']}")
    return "\n".join(lines)
