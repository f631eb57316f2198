"""The site as a reader uses it: Chinese search, and the language switcher landing on the same page."""

from __future__ import annotations

import pytest

from conftest import Server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("start", "query", "expected"), [
    ("index.html", "停机保号", "reference/glossary.html"),
    ("index.html", "机卡分离", "causes/device-binding.html"),
    ("en/index.html", "data cap", "en/causes/over-quota.html"),
    ("en/index.html", "suspended", "en/causes/arrears.html"),
    ("en/index.html", "refunds", "en/manage/refunds.html"),
])
def test_search_finds_articles_by_their_terms(page, server: Server, start: str, query: str, expected: str) -> None:
    page.goto(server.url + start)
    page.click("input.md-search__input")
    box = page.locator("input.md-search__input")
    for attempt in range(30):
        # The index loads in a worker after the first keystroke, and Material drops a query equal to the
        # last one it saw: type again, alternating a trailing space, until it answers.
        box.fill("")
        box.press_sequentially(query + " " * (attempt % 2))
        try:
            page.wait_for_selector(".md-search-result__item", timeout=2000)
            break
        except Exception:  # noqa: BLE001 - not ready yet
            continue
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(a => a.href)")
    assert any(h.split("?")[0].split("#")[0] == server.url + expected for h in hrefs), hrefs


@pytest.mark.parametrize(("start", "lang", "landing"), [
    ("causes/arrears.html", "en", "en/causes/arrears.html"),
    ("en/manage/refunds.html", "zh", "manage/refunds.html"),
])
def test_the_language_switcher_lands_on_the_same_page(page, server: Server, start: str, lang: str, landing: str) -> None:
    page.goto(server.url + start)
    page.hover(".md-header .md-select")
    page.click(f'.md-select a[hreflang="{lang}"]')
    page.wait_for_load_state()
    assert page.url == server.url + landing
    assert page.get_attribute("html", "lang") == lang
    assert page.errors == []
