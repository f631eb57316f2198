"""The tree and the platform codes as Markdown tables for the docs, so the pages can never drift from
what the engine does: the integration guide's facts and causes, the stop-reason reference (one table
per platform field: the platform's words, the plain meaning, what to do, how sure), and the keys a
portal may pass. hooks/generated.py puts them where pages have a marker; their words are views.toml's.
"""

from __future__ import annotations

from .codes import Codes, CodeValue, Field
from .engine import diagnose
from .facts import accepted, as_text
from .render import value_label
from .schema import Tree
from .views import view_words


def facts_table(t: Tree, lang: str) -> str:
    rows = []
    for fact in t.facts.values():
        if fact.kind == "choice":
            values = "<br>".join(f"`{v}`: {value_label(t, fact, v, lang)}" for v in fact.values)
        else:
            values = accepted(t, fact)
        rows.append(f"| `{fact.id}` | {values} | {fact.label.get(lang)} |")
    head = view_words("integration", lang)["facts_head"]
    return "\n".join([f"| {' | '.join(head)} |", "|---|---|---|", *rows])


def causes_table(t: Tree, lang: str, to_root: str) -> str:
    w = view_words("integration", lang)
    rows = []
    for c in t.causes:
        reasons = sorted({str(v) for alt in c.when for fid, m in alt.facts if fid == "stop_reason" for v in m.values})
        confirmed = ", ".join(f"`{r}`" for r in reasons) or "—"
        flags = " | ".join(w["yes"] if flag else w["no"] for flag in (c.resume, c.account))
        rows.append(f"| `{c.id}` | {c.title.get(lang)} | {confirmed} | {flags} | [{c.article}]({to_root}{c.article}.md) |")
    head = w["causes_head"]
    return "\n".join([f"| {' | '.join(head)} |", "|" + "---|" * len(head), *rows])


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _todo(codes: Codes, tree: Tree, value: CodeValue, lang: str, to_root: str) -> str:
    """Links to the articles of the causes these facts lead to; when they lead only to the fallback
    (a stop with no readable reason), the troubleshooter first, which asks about the account next."""
    found = diagnose(tree, {fid: v for fid, v in value.facts})
    links = [f"[{cell(f.cause.title.get(lang))}]({to_root}{f.cause.article}.md)" for f in found]
    if all(f.cause.fallback for f in found):
        links.insert(0, f"[{cell(codes.label('ask_more', lang))}]({to_root}troubleshooter.md)")
    return "<br>".join(links)


def _shown(codes: Codes, field: Field, value: CodeValue, lang: str) -> str:
    if field.kind != "flags":
        return f"`{value.code}` {value.words}" if value.words != value.code else f"`{value.code}`"
    return f"{codes.label('position', lang, n=value.code)}: {value.words}"


def platform_tables(codes: Codes, tree: Tree, lang: str, to_root: str) -> str:
    """Every platform field as a heading, its source, and a table of its values."""
    w = view_words("codes", lang)
    out = []
    for field in codes.fields.values():
        authority = codes.label("authority_" + field.authority, lang)
        rows = [f"| {cell(_shown(codes, field, v, lang))} | {cell(v.meaning.get(lang))} | "
                f"{_todo(codes, tree, v, lang, to_root)} | {cell(authority)} |" for v in field.values]
        if field.kind == "flags":
            other = CodeValue("", "", codes.labels["other_meaning"], field.other_facts)
            rows.append(f"| {w['other']} | {cell(codes.label('other_meaning', lang))} | {_todo(codes, tree, other, lang, to_root)} | "
                        f"{cell(authority)} |")
        head = w["head"]
        out += [f"### {cell(field.platform.get(lang))} {{#{field.key.replace('.', '-').lower()}}}", "",
                f"`{field.key}`. {w['source']}: {field.source.get(lang)}.", "",
                f"| {' | '.join(head)} |", "|---|---|---|---|", *rows, ""]
    return "\n".join(out)


def _facts_text(tree: Tree, value: CodeValue, lang: str) -> str:
    if not value.facts:
        return view_words("codes", lang)["nothing"]
    return ", ".join(f"`{fid} = {as_text(v)}`" for fid, v in value.facts)


def keys_table(codes: Codes, tree: Tree, lang: str) -> str:
    """The keys a portal may pass, what each accepts, and the facts each value sets."""
    w = view_words("codes", lang)
    rows = []
    for field in codes.fields.values():
        accepts = w["flags"].replace("{n}", str(field.length)) if field.kind == "flags" else w[field.type]
        values = "<br>".join(
            (f"{codes.label('position', lang, n=v.code)}" if field.kind == "flags" else f"`{v.code}`")
            + f" → {_facts_text(tree, v, lang)}" for v in field.values)
        if field.kind == "flags":
            values += f"<br>{w['other']} → {_facts_text(tree, CodeValue('', '', codes.labels['other_meaning'], field.other_facts), lang)}"
        rows.append(f"| `{field.key}` | {cell(field.platform.get(lang))} | {accepts} | {values} |")
    head = w["keys"]
    return "\n".join([f"| {' | '.join(head)} |", "|---|---|---|---|", *rows])
