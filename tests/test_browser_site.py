"""The site as a reader uses it: Chinese search, and the language switcher landing on the same page."""

from __future__ import annotations

import pytest

from conftest import profile_page, Server, search

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
    hrefs = search(page, query)
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


def test_a_page_forgets_what_the_test_before_stored(profile, server: Server) -> None:
    """The tests share one Chromium profile (for its compiled-code cache): a page must start as a fresh
    visitor's would, with no storage, cookie or permission left by the test before."""
    url = server.url + "en/index.html"
    with profile_page(profile) as first:
        first.goto(url)
        first.evaluate("() => { localStorage.setItem('left', 'behind'); sessionStorage.setItem('left', '1'); "
                       "document.cookie = 'left=behind; max-age=600'; }")
        profile.grant_permissions(["clipboard-read"], origin=server.url.rstrip("/"))
        assert first.evaluate("localStorage.getItem('left')") == "behind"
    with profile_page(profile) as second:
        second.goto(url)
        assert second.evaluate("[localStorage.getItem('left'), sessionStorage.getItem('left'), document.cookie]") == [None, None, ""]
        state = second.evaluate("navigator.permissions.query({name: 'clipboard-read'}).then(p => p.state)")
        assert state != "granted"
