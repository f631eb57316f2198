"""Accessibility in Debian's Chromium: axe-core (served from npm, injected here) on every page type in
both languages and both palettes, the troubleshooter by keyboard alone, visible focus, and phones at
360 x 640 (no sideways scrolling, answers at least 44 px tall, a screenshot of each for a person)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import BOOT_MS, LIVE, ROOT, Server, artifact, show_query

pytestmark = pytest.mark.browser
AXE = (ROOT / "node_modules/axe-core/axe.min.js").read_text("utf-8")

PAGES = {  # page type -> path under the language root
    "home": "index.html",
    "article": "causes/arrears.html",
    "glossary": "reference/glossary.html",
    "troubleshooter": "troubleshooter.html",  # its first question, then a result (RESULT) on the same live page
    "embed": "embed/index.html",
}


RESULT = "?symptom=no_service&stop_reason=unknown&balance=ok&plan=valid&device=other_device"


# Each language loads in one scheme (its system preference, as Material's palette reads it on load) and is
# then audited in the other too, switched as the palette toggle does: both load paths and both schemes in
# both languages, with one page load, and one Pyodide start, each.
LOADS_IN = {"zh": "dark", "en": "light"}
SCHEMES = {"light": "default", "dark": "slate"}  # Material's data-md-color-scheme for each


def in_each_scheme(page, lang: str) -> Iterator[str]:
    """The page in its language's load scheme (checked), then in the other; yields each scheme's name."""
    first = LOADS_IN[lang]
    assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[first], "the system preference picks it"
    yield first
    other = "light" if first == "dark" else "dark"
    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", SCHEMES[other])
    page.wait_for_function("document.getAnimations().length === 0")  # colours fade over: audit where they end
    yield other


def serious_violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_serious_axe_violations(page, server: Server, kind: str, lang: str) -> None:
    page.emulate_media(color_scheme=LOADS_IN[lang])
    page.goto(server.url + ("" if lang == "zh" else "en/") + PAGES[kind])
    assert page.get_attribute("html", "lang") == lang
    if kind == "troubleshooter":
        page.wait_for_selector(LIVE, timeout=BOOT_MS)
    for scheme in in_each_scheme(page, lang):
        if kind == "troubleshooter":  # audit what people use: the live widget, a question and a result
            show_query(page, "?")
            assert serious_violations(page) == [], f"the first question, {scheme}"
            show_query(page, RESULT)
            page.wait_for_selector(".ts-live [data-cause]")
        assert serious_violations(page) == [], scheme


def choose_by_keyboard(page, value: str) -> None:
    """Tab to the answer with this value and press Enter, as a keyboard user would."""
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("(() => { const a = document.activeElement; return a && a.dataset ? a.dataset.value || null : null })()")
        if focused == value:
            outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)] })()")
            assert outline[0] != "none" and outline[1] >= 2, f"focus is not visible: {outline}"
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"no answer {value!r} reachable with Tab")


@pytest.mark.parametrize(("lang", "prefix"), [("zh", ""), ("en", "en/")])
def test_keyboard_alone_reaches_a_result(page, server: Server, lang: str, prefix: str) -> None:
    page.goto(server.url + prefix + "troubleshooter.html")
    page.wait_for_selector(LIVE, timeout=BOOT_MS)
    for value, next_step in (("no_service", "stop_reason"), ("none_shown", "account"), ("arrears", None)):
        choose_by_keyboard(page, value)
        if next_step:
            page.wait_for_selector(f".ts-live [data-step={next_step}]")
            assert page.evaluate("document.activeElement.classList.contains('ts-title')"), "focus moves to the new question"
    page.wait_for_selector(".ts-live [data-cause=arrears]")
    assert page.evaluate("document.activeElement.classList.contains('ts-title')")
    assert page.inner_text(".ts-announce"), "the result is announced to screen readers"


@pytest.mark.parametrize(("name", "path"), [
    ("home-zh", "index.html"), ("article-zh", "causes/over-quota.html"), ("troubleshooter-zh", "troubleshooter.html"),
    ("home-en", "en/index.html"), ("article-en", "en/causes/device-binding.html"), ("troubleshooter-en", "en/troubleshooter.html"),
])
def test_phones_at_360_by_640(browser, server: Server, name: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server.url + path)
        if "troubleshooter" in name:
            page.wait_for_selector(LIVE, timeout=BOOT_MS)
            heights = page.eval_on_selector_all(".ts-live a.ts-option", "els => els.map(e => e.getBoundingClientRect().height)")
            assert heights and min(heights) >= 44, heights
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"sideways scrolling: content {width[0]} px in a {width[1]} px screen"
        page.screenshot(path=str(artifact(f"mobile-{name}.png")), full_page=True)
    finally:
        context.close()
