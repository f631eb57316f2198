"""The platform codes (troubleshooter/codes.toml) as pages, generated at build time so they never drift
from what the engine decodes:

- `<!-- stop-reasons-tables -->` (reference/stop-reasons.md): one table per platform field, platform
  words -> plain meaning -> what to do (a link to the article of each cause engine.diagnose finds for the
  facts the value sets) -> how sure the meaning is;
- `<!-- codes-keys-table -->` (integrate/embedding.md): the keys a portal may pass, what each accepts,
  and the facts each value sets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from _project import page_lang, site_tree, to_lang_root
from troubleshooter.codes import CODES_TOML, Codes, CodeValue, Field, load_codes
from troubleshooter.engine import diagnose
from troubleshooter.facts import as_text
from troubleshooter.schema import Tree
from troubleshooter.views import view_words

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

TABLES = "<!-- stop-reasons-tables -->"
KEYS = "<!-- codes-keys-table -->"


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


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if TABLES not in markdown and KEYS not in markdown:
        return None
    tree, lang = site_tree(), page_lang(page, config)
    codes = load_codes(CODES_TOML, tree)  # tree_check.py has validated it in on_config
    return (markdown.replace(TABLES, platform_tables(codes, tree, lang, to_lang_root(page)))
            .replace(KEYS, keys_table(codes, tree, lang)))

