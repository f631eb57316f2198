"""The built site: strict build, bilingual parity, self-hosting, articles for every cause, glossary links,
search in Chinese, and the troubleshooter only where it belongs."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from troubleshooter import LANGS, default_tree

from conftest import ROOT

DOCS = ROOT / "docs"


def articles(lang: str) -> list[Path]:
    return sorted(p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md"))


def split_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text("utf-8")
    assert text.startswith("---\n"), f"{path}: front matter (title, description) is missing"
    _, fm, body = text.split("---\n", 2)
    meta = yaml.safe_load(fm)
    assert isinstance(meta, dict), f"{path}: front matter is not a mapping"
    return meta, body


def test_every_article_exists_in_both_languages() -> None:
    zh, en = set(articles("zh")), set(articles("en"))
    assert zh == en, f"only in zh: {sorted(map(str, zh - en))}; only in en: {sorted(map(str, en - zh))}"
    assert len(zh) >= 22


@pytest.mark.parametrize("lang", LANGS)
def test_every_article_has_a_title_and_a_meta_description(lang: str) -> None:
    for rel in articles(lang):
        meta, body = split_front_matter(DOCS / lang / rel)
        assert isinstance(meta.get("title"), str) and meta["title"].strip(), f"{lang}/{rel}: no title"
        assert isinstance(meta.get("description"), str) and len(meta["description"]) >= 20, f"{lang}/{rel}: no description"
        assert len(re.findall(r"^# ", body, re.M)) == 1, f"{lang}/{rel}: expected exactly one H1"


def test_every_cause_has_its_article_in_both_languages_offering_the_troubleshooter() -> None:
    for cause in default_tree().causes:
        for lang in LANGS:
            path = DOCS / lang / f"{cause.article}.md"
            assert path.is_file(), f"cause {cause.id}: {path} is missing"
            assert re.search(r"\]\((\.\./)*troubleshooter\.md", path.read_text("utf-8")), \
                f"{path} does not link to the troubleshooter"


def glossary_terms(lang: str) -> dict[str, str]:
    text = (DOCS / lang / "reference" / "glossary.md").read_text("utf-8")
    return {m.group(2): m.group(1).strip() for m in re.finditer(r"^###\s+(.+?)\s+\{#([a-z0-9-]+)\}\s*$", text, re.M)}


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_terms_link_to_the_glossary_once_per_article(lang: str) -> None:
    terms = glossary_terms(lang)
    assert len(terms) >= 19 and terms.keys() == glossary_terms("zh").keys()
    missing = []
    for rel in articles(lang):
        if rel == Path("reference/glossary.md"):
            continue
        _, body = split_front_matter(DOCS / lang / rel)
        for gid, term in terms.items():
            pattern = re.escape(term) if lang == "zh" else r"(?<![\w-])" + re.escape(term) + r"(?![\w-])"
            if re.search(pattern, body, re.I) and f"glossary.md#{gid}" not in body:
                missing.append(f"{lang}/{rel}: uses “{term}” but never links glossary.md#{gid}")
    assert not missing, "\n".join(missing)


class Refs(HTMLParser):
    """Collects what a page loads (not what it merely links to)."""

    LOADING_RELS = {"stylesheet", "preload", "modulepreload", "icon", "apple-touch-icon", "manifest", "prefetch"}

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.meta: dict[str, str] = {}
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and self.LOADING_RELS & set(a.get("rel", "").split()):
            self.loads.append(a.get("href", ""))
        if tag == "meta" and a.get("name"):
            self.meta[a["name"]] = a.get("content", "")


def parse(path: Path) -> Refs:
    refs = Refs()
    refs.feed(path.read_text("utf-8"))
    return refs


def test_the_built_site_loads_nothing_from_another_host(site: Path) -> None:
    offenders = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 44
    for page in pages:
        for url in parse(page).loads:
            if re.match(r"^(https?:)?//", url, re.I):
                offenders.append(f"{page.relative_to(site)}: {url}")
    for css in site.rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: {u}" for u in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text("utf-8"))]
    assert not offenders, "\n".join(offenders)


def test_pages_carry_their_language_and_description(site: Path) -> None:
    for lang in LANGS:
        for rel in articles(lang):
            html = site / ("" if lang == "zh" else "en") / rel.with_suffix(".html")
            refs = parse(html)
            assert refs.lang.startswith(lang), f"{html}: lang={refs.lang}"
            meta, _ = split_front_matter(DOCS / lang / rel)
            assert refs.meta.get("description") == meta["description"], f"{html}: meta description"


def test_only_the_troubleshooter_pages_load_its_script(site: Path) -> None:
    for page in site.rglob("*.html"):
        loads = " ".join(parse(page).loads)
        has_widget = 'class="iot-ts"' in page.read_text("utf-8")
        assert ("assets/troubleshooter/page.js" in loads) == has_widget, page
        assert "pyodide" not in loads, f"{page}: Pyodide must load in the worker, not the page"
    for lang in ("", "en/"):
        html = (site / f"{lang}troubleshooter.html").read_text("utf-8")
        assert 'data-engine="static"' in html and 'id="ts-q-symptom"' in html


def test_pyodide_and_the_engine_are_self_hosted(site: Path) -> None:
    config = (site / "assets/troubleshooter/config.js").read_text()
    settings = json.loads(config.split("export default ", 1)[1].rstrip(";\n"))
    runtime = (site / "assets/troubleshooter" / settings["pyodide"]).resolve()
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        assert (runtime / name).is_file()
    assert not (runtime / "python_stdlib.zip").exists(), "the stock library is replaced by the trimmed one"
    assert (site / "assets/troubleshooter" / settings["stdlib"]).is_file()
    [wheel] = settings["lock"]["packages"].values()
    assert (site / "assets/troubleshooter" / settings["packages"] / wheel["file_name"]).is_file()


def test_search_segments_chinese_words(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text("utf-8"))
    text = " ".join(d["text"] for d in index["docs"])
    for word in ("停机保号", "机卡绑定", "达量断网", "物联网卡"):
        assert f"\u200b{word}\u200b" in text, f"jieba did not keep {word} as one word"
    assert any(d["location"].startswith("en/") for d in index["docs"]), "the English pages are not indexed"


def test_no_page_makes_the_language_switcher_fetch_a_missing_sitemap(site: Path) -> None:
    """Material fetches sitemap.xml beside every <link rel=alternate>; those links are left out (see
    overrides/main.html), and the hreflang alternates live in the root sitemap instead."""
    for page in site.rglob("*.html"):
        assert not re.search(r'<link[^>]+rel="alternate"[^>]+hreflang', page.read_text("utf-8")), page
    assert "hreflang" in (site / "sitemap.xml").read_text("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_no_javascript_troubleshooter_page_stays_within_its_budget(site: Path, lang: str) -> None:
    """The whole tree is in the page as plain HTML; on a slow phone it must still paint like an article."""
    import gzip

    page = site / ("" if lang == "zh" else "en/") / "troubleshooter.html"
    size = len(gzip.compress(page.read_bytes(), 6))
    assert size <= 40 * 1024, f"{page.name} ({lang}) is {size / 1024:.1f} KB gzip; the budget is 40 KB"


@pytest.mark.parametrize("page", ["troubleshooter.html", "en/troubleshooter.html"])
def test_search_indexes_the_troubleshooter_page_not_its_static_steps(site: Path, page: str) -> None:
    """The steps (a question on each path to it) would crowd the articles out of the results and lead to
    steps the live widget replaces (hooks/troubleshooter_page.py, unsearched); the page's own text stays."""
    index = json.loads((site / "search/search_index.json").read_text("utf-8"))
    entries = [d for d in index["docs"] if d["location"].split("#")[0] == page]
    assert [d["location"] for d in entries] == [page], "one entry: the page's introduction"
    tree = default_tree()
    lang = "en" if page.startswith("en/") else "zh"
    indexed = (entries[0]["title"] + entries[0]["text"]).replace("\u200b", "")
    for question in tree.questions.values():
        assert question.text.get(lang) not in indexed, f"question {question.id} is in the index"
    assert len(entries[0]["text"]) > 100, "the page's introduction is searchable"
