"""Embedding in a portal on another origin: the web component and the iframe, prefilled facts, results
back to the portal, hostile portal CSS, foreign messages, bad facts, the documented host CSP, and the
integration guide's own example page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest

from conftest import BOOT_MS, LIVE, ROOT, VIOLATIONS, Server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def help_site(site: Path) -> Iterator[Server]:
    """The help site as integrators are told to serve it: with CORS on its files."""
    s = Server(site, headers={"Access-Control-Allow-Origin": "*"})
    yield s
    s.close()


@contextmanager
def portal(tmp_path: Path, files: dict[str, str], csp: str | None = None) -> Iterator[Server]:
    """A portal on its own origin (another loopback port), serving these files, closed afterwards."""
    files = {"favicon.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>', **files}
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    server = Server(tmp_path, headers={"Content-Security-Policy": csp} if csp else None)
    try:
        yield server
    finally:
        server.close()


RECORDER = """
window.__events = [];
// the fields these tests check (test_browser_events.py checks every field of every event)
document.addEventListener("troubleshooter-result", (e) => window.__events.push({ causes: e.detail.causes, lang: e.detail.lang, facts: e.detail.facts }));
window.__messages = [];
addEventListener("message", (e) => window.__messages.push({ origin: e.origin, data: e.data }));
""" + VIOLATIONS
HOSTILE_CSS = "div { display: none !important } a, button { color: rgb(255, 0, 0) !important; font-size: 4px !important }"


def component_page(site_url: str, attrs: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title><link rel="icon" href="favicon.svg">
<link rel="stylesheet" href="hostile.css"><script src="recorder.js"></script>
<script type="module" src="{site_url}assets/troubleshooter/embed.js"></script></head>
<body><main><iot-troubleshooter {attrs}></iot-troubleshooter></main></body></html>"""


def test_the_web_component_on_another_origin(page, help_site: Server, tmp_path: Path) -> None:
    facts = '{"symptom": "no_service", "stop_reason": "unknown"}'
    with portal(tmp_path, {"index.html": component_page(help_site.url, f"lang='en' facts='{facts}'"),
                           "hostile.css": HOSTILE_CSS, "recorder.js": RECORDER}) as p:
        page.goto(p.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        assert page.get_attribute("iot-troubleshooter .ts-live .ts-step", "data-step") == "account", "prefilled facts are not asked"
        option = page.locator("iot-troubleshooter a.ts-option[data-value=arrears]")
        style = option.evaluate("a => [getComputedStyle(a).color, getComputedStyle(a).fontSize, getComputedStyle(a.closest('.iot-ts')).display]")
        assert style[0] != "rgb(255, 0, 0)" and style[1] != "4px" and style[2] == "block", "the portal's CSS reached inside"
        option.click()
        page.wait_for_selector("iot-troubleshooter .ts-live [data-cause=arrears]")
        events = page.evaluate("window.__events")
        assert events == [{"causes": ["arrears"], "lang": "en",
                           "facts": {"symptom": "no_service", "stop_reason": "unknown", "balance": "arrears"}}]
        href = page.get_attribute("iot-troubleshooter .ts-more a", "href")
        assert href.startswith(help_site.url + "en/causes/arrears.html")
        assert page.get_attribute("iot-troubleshooter .ts-more a", "target") == "_blank"
        # restart keeps the portal's facts
        page.click("iot-troubleshooter a.ts-restart")
        page.wait_for_selector("iot-troubleshooter .ts-live [data-step=account]")
        # changing the attributes restarts in the new language with the new facts
        page.eval_on_selector("iot-troubleshooter", "el => { el.setAttribute('lang', 'zh'); el.setAttribute('facts', '{\"symptom\": \"no_service\", \"stop_reason\": \"unknown\", \"balance\": \"ok\", \"device\": \"phone\"}'); }")
        page.wait_for_selector("iot-troubleshooter .ts-live [data-cause=phone_use]")
        assert "物联网卡" in page.inner_text("iot-troubleshooter .ts-live h3")
        assert page.get_attribute("iot-troubleshooter .iot-ts", "lang") == "zh"
        assert page.errors == []


@pytest.mark.parametrize(("facts", "warning"), [
    ('{"balance": "arrears"', "not valid JSON"),
    ('["balance"]', "ignored facts"),  # not an object: Python, the one place facts are checked, says so
    ('{"balance": "overdue", "colour": "red", "symptom": "no_service"}', "ignored balance, colour"),
    ('{"plan": {"nested": [1, 2, {"deep": "<script>alert(1)</script>"}]}}', "ignored plan"),
])
def test_bad_facts_warn_and_the_widget_still_works(page, help_site: Server, tmp_path: Path, facts: str, warning: str) -> None:
    from html import escape
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    with portal(tmp_path, {"index.html": component_page(help_site.url, f'lang="en" facts="{escape(facts)}"'),
                           "hostile.css": "", "recorder.js": RECORDER}) as p:
        page.goto(p.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        assert any(warning in w for w in warnings), warnings
        first = page.get_attribute("iot-troubleshooter .ts-live .ts-step", "data-step")
        assert first == ("stop_reason" if '"symptom": "no_service"' in facts else "symptom")
        page.click("iot-troubleshooter .ts-live a.ts-option >> nth=0")
        page.wait_for_selector("iot-troubleshooter .ts-live .ts-step:not([data-step=" + first + "])")


def host_csp(site_url: str) -> str:
    """The policy the integration guide tells a portal to send, with the test's own addresses."""
    guide = (ROOT / "docs/en/integrate/embedding.md").read_text("utf-8")
    block = re.search(r"needs at least the following.*?```text\n(.*?)```", guide, re.S).group(1)
    origin = site_url.rstrip("/")
    return "default-src 'self'; " + " ".join(block.split()).replace("https://help.example.com", origin)


def test_the_web_component_under_the_documented_host_csp(page, help_site: Server, tmp_path: Path) -> None:
    with portal(tmp_path, {"index.html": component_page(help_site.url, 'lang="en"'),
                           "hostile.css": "", "recorder.js": RECORDER}, csp=host_csp(help_site.url)) as p:
        page.goto(p.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        page.click("iot-troubleshooter a.ts-option[data-value=no_service]")
        page.click("iot-troubleshooter a.ts-option[data-value=cancelled]")
        page.wait_for_selector("iot-troubleshooter .ts-live [data-cause=expired_cancelled]")
        assert page.evaluate("window.__violations") == []


def frame_page(src: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title><link rel="icon" href="favicon.svg">
<link rel="stylesheet" href="hostile.css"><script src="recorder.js"></script></head>
<body><iframe id="f" title="Troubleshooter" src="{src}" style="width:100%;border:0"></iframe></body></html>"""


def messages(page, kind: str) -> list[dict]:
    return [m for m in page.evaluate("window.__messages") if m["data"].get("type") == kind]


def test_the_iframe_talks_only_to_the_portal_it_names(page, help_site: Server, tmp_path: Path) -> None:
    with portal(tmp_path, {"hostile.css": HOSTILE_CSS, "recorder.js": RECORDER}) as p:
        src = f"{help_site.url}en/embed/?origin={p.url.rstrip('/')}&symptom=no_service&stop_reason=unknown"
        (tmp_path / "index.html").write_text(frame_page(src), "utf-8")
        site_origin = help_site.url.rstrip("/")
        page.goto(p.url)
        frame = page.frame_locator("#f")
        frame.locator(LIVE).wait_for(timeout=BOOT_MS)
        assert frame.locator(".ts-live .ts-step").get_attribute("data-step") == "account"
        frame.locator(".ts-live a.ts-option[data-value=arrears]").click()
        frame.locator(".ts-live [data-cause=arrears]").wait_for()
        page.wait_for_function("() => window.__messages.some(m => m.data.type === 'iot-troubleshooter:result')")
        (result,) = messages(page, "iot-troubleshooter:result")
        assert result["origin"] == site_origin and result["data"]["causes"] == ["arrears"]
        assert result["data"]["facts"]["balance"] == "arrears"
        heights = messages(page, "iot-troubleshooter:height")
        assert heights and heights[-1]["data"]["height"] > 200
        page.evaluate("o => document.getElementById('f').contentWindow.postMessage("
                      "{type: 'iot-troubleshooter:set-facts', facts: {stop_reason: 'cancelled'}}, o)", site_origin)
        frame.locator(".ts-live [data-cause=expired_cancelled]").wait_for()
        assert page.errors == []


def test_the_guides_example_page_works_on_another_origin(page, help_site: Server, site: Path, tmp_path: Path) -> None:
    html = (site / "en/integrate/embedding.html").read_text("utf-8")
    blocks = [unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(r'<code>(.*?)</code>', html, re.S)]
    example = next(b for b in blocks if b.lstrip().startswith("<!doctype html>") and 'id="outcome"' in b)
    example = example.replace("https://help.example.com/", help_site.url)
    with portal(tmp_path, {"index.html": example}) as p:
        page.goto(p.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        page.click("iot-troubleshooter a.ts-option[data-value=none_shown]")
        page.click("iot-troubleshooter a.ts-option[data-value=phone]")
        page.wait_for_selector("#outcome:has-text('phone_use')")
        assert page.inner_text("#outcome") == "Diagnosis: phone_use"
