"""Every internal link and #anchor of the built site resolves, checked on the HTML itself (not only on
MkDocs' warnings): articles, navigation, glossary links and the troubleshooter's result links."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from conftest import ROOT


class LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "link" and a.get("rel") in ("prev", "next", "canonical") and a.get("href"):
            self.links.append(a["href"])


def parse(path: Path) -> LinksAndIds:
    p = LinksAndIds()
    p.feed(path.read_text("utf-8"))
    return p


def target_file(site: Path, page: Path, path: str) -> Path:
    base = PurePosixPath(".") if path.startswith("/") else PurePosixPath(page.relative_to(site).parent.as_posix())
    rel = base / unquote(path).lstrip("/")  # root-absolute links (only on 404.html) start at the site root
    parts: list[str] = []
    for part in rel.parts:
        if part == "..":
            assert parts, f"{page}: link {path} leaves the site"
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    target = site.joinpath(*parts)
    return target / "index.html" if target.is_dir() else target


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    broken: dict[str, list[str]] = defaultdict(list)
    checked: set[Path] = set()  # the pages at least one internal link was checked on
    for page, info in parsed.items():
        for href in info.links:
            url = urlsplit(href)
            if url.scheme or href.startswith("//") or href.startswith("javascript:"):
                continue
            if url.query and not url.path:
                continue  # the live troubleshooter's own state links (?balance=...), handled by its script
            checked.add(page)
            target = target_file(site, page, url.path) if url.path else page
            if not target.is_file():
                broken[str(page.relative_to(site))].append(f"{href} (no file)")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if unquote(url.fragment) not in ids:
                    broken[str(page.relative_to(site))].append(f"{href} (no #{url.fragment})")
    assert checked == set(pages), f"no internal link found on {sorted(str(p) for p in set(pages) - checked)[:5]}"
    assert not broken, "\n".join(f"{page}: {', '.join(links)}" for page, links in sorted(broken.items()))


def test_troubleshooter_and_glossary_links_are_among_those_checked(site: Path) -> None:
    for prefix in ("", "en/"):
        info = parse(site / f"{prefix}troubleshooter.html")
        assert any(h.startswith("causes/") and h.endswith(".html") for h in info.links), "result links to articles"
        assert any(h.startswith("#ts-r-") for h in info.links) and any(h.startswith("#ts-q-") for h in info.links)
        article = parse(site / f"{prefix}causes/device-binding.html")
        assert any("glossary.html#device-binding" in h for h in article.links)
    assert (ROOT / "docs/zh/reference/glossary.md").is_file()
