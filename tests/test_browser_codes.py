"""Platform codes in a real browser: each `<platform>.<field>` key through the URL, the web component's
`facts` and the iframe (query and set-facts), on a portal of another origin; what Pyodide shows must be
what the engine says in CPython (browser.handle), with the code named in the "why"; malformed values are
dropped with the usual notice."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import Server, show_query
from test_browser_embed import BOOT_MS, LIVE, RECORDER, component_page, frame_page, help_site, portal  # noqa: F401
from troubleshooter.browser import handle
from troubleshooter.codes import default_codes

pytestmark = pytest.mark.browser


def examples() -> list[tuple[str, object]]:
    """One value per key, the first that sets a fact (a OneLink string with that one position set)."""
    out = []
    for key, field in default_codes().fields.items():
        value = next(v for v in field.values if v.facts)
        raw: object = "".join("2" if str(i) == value.code else "0" for i in range(field.length)) \
            if field.kind == "flags" else int(value.code) if field.type == "integer" else value.code
        out.append((key, raw))
    return out


def expected(facts: dict[str, object], lang: str = "en") -> dict:
    """What the engine answers in CPython for these facts set by a portal."""
    return json.loads(handle(json.dumps({"query": "", "lang": lang, "locked": facts})))


def state(root) -> tuple[str, ...]:
    """The step a widget shows: ("result", cause ids…) or ("question", step id)."""
    return tuple(root.evaluate(
        "r => { const s = r.querySelector('.ts-live .ts-step'); if (!s) return ['none'];"
        " return s.dataset.step ? ['question', s.dataset.step] : ['result', ...(s.dataset.causes || '').split(' ')]; }"))


def shows(key: str, raw: object) -> str:
    """How an English result names the code it came from ("Huawei Cloud GSL (operator status) shows -1 (")."""
    return f"{default_codes().fields[key].platform.en} shows {raw} ("


def wanted(res: dict) -> tuple[str, ...]:
    return ("result", *res["causes"]) if res["kind"] == "result" else ("question", res["step"])


def test_each_code_through_the_url(page, server: Server) -> None:
    for n, (key, raw) in enumerate(examples()):
        res = expected({key: raw})
        query = f"?{quote(key)}={quote(str(raw))}"
        if n == 0:  # a fresh load with the code in the link; the others as the page's own history
            page.goto(f"{server.url}en/troubleshooter.html{query}")
            page.wait_for_selector(LIVE, timeout=BOOT_MS)
        else:
            show_query(page, query)
        assert state(page.locator(".iot-ts")) == wanted(res), key
        if res["kind"] == "result" and res["causes"] != ["contact_carrier"]:
            assert shows(key, raw) in page.inner_text(".ts-live .ts-why"), key
    show_query(page, "?onelink.stopReason=000020002000")
    assert state(page.locator(".iot-ts")) == ("result", "arrears", "manual_stop")
    whys = page.eval_on_selector_all(".ts-live .ts-why", "els => els.map(e => e.textContent)")
    assert whys == ["Why: China Mobile OneLink (IoT open platform) shows 000020002000 (信控双向停机 — arrears: credit "
                    "control stopped data and calls both ways)",
                    "Why: China Mobile OneLink (IoT open platform) shows 000020002000 (主动(申请)双向停机 — stopped at the "
                    "owner's (or seller's) request)"]
    # "still not working" keeps the code in the link, so the next result still names it
    assert "onelink.stopReason=000020002000" in page.get_attribute(".ts-live a.ts-still", "href")
    page.goto(f"{server.url}troubleshooter.html?onelink.stopReason=00000000020&huawei.operatorStatus=7")
    page.wait_for_selector(LIVE, timeout=BOOT_MS)
    assert "onelink.stopReason" in page.inner_text(".ts-live .ts-notice")
    assert state(page.locator(".iot-ts")) == ("result", "device_binding")
    assert page.errors == []


def test_each_code_through_the_web_component(page, help_site: Server, tmp_path: Path) -> None:
    warnings: list[str] = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    first_key, first_raw = examples()[0]
    attrs = f"lang='en' facts='{json.dumps({first_key: first_raw})}'"
    with portal(tmp_path, {"index.html": component_page(help_site.url, attrs), "hostile.css": "",
                           "recorder.js": RECORDER}) as p:
        page.goto(p.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        widget = page.locator("iot-troubleshooter .iot-ts")
        for key, raw in examples():
            facts = json.dumps({key: raw})
            page.eval_on_selector("iot-troubleshooter", "(el, f) => el.setAttribute('facts', f)", "{}")
            page.wait_for_selector("iot-troubleshooter .ts-live [data-step=symptom]")
            page.eval_on_selector("iot-troubleshooter", "(el, f) => el.setAttribute('facts', f)", facts)
            res = expected({key: raw})
            page.wait_for_function("w => !document.querySelector('iot-troubleshooter').shadowRoot"
                                   ".querySelector('.ts-live [data-step=symptom]')", arg=None)
            assert state(widget) == wanted(res), key
            if res["kind"] == "result":
                assert page.evaluate("window.__events.at(-1)")["causes"] == res["causes"]
                if res["causes"] != ["contact_carrier"]:
                    assert shows(key, raw) in page.inner_text("iot-troubleshooter .ts-live .ts-why"), key
        page.eval_on_selector("iot-troubleshooter", "(el, f) => el.setAttribute('facts', f)",
                              '{"onelink.stopReason": "00000000020", "aliyun.LockReason": "ExpireStop"}')
        page.wait_for_selector("iot-troubleshooter .ts-live [data-step=months_expired]")  # ExpireStop: how long ago
        assert any("ignored" in w and "onelink.stopReason" in w for w in warnings), warnings
        assert page.errors == []


def test_each_code_through_the_iframe(page, help_site: Server, tmp_path: Path) -> None:
    site_origin = help_site.url.rstrip("/")
    cases = examples()
    with portal(tmp_path, {"hostile.css": "", "recorder.js": RECORDER}) as p:
        key, raw = cases[0]
        src = f"{help_site.url}en/embed/?origin={p.url.rstrip('/')}&{quote(key)}={quote(str(raw))}"
        (tmp_path / "index.html").write_text(frame_page(src), "utf-8")
        page.goto(p.url)
        frame = page.frame_locator("#f")
        frame.locator(LIVE).wait_for(timeout=BOOT_MS)
        root = frame.locator(".iot-ts")
        first = expected({key: raw})
        assert state(root) == wanted(first)
        message = "iot-troubleshooter:result" if first["kind"] == "result" else "iot-troubleshooter:step"
        page.wait_for_function("t => window.__messages.some(m => m.data.type === t)", arg=message)
        post = "([f, o]) => document.getElementById('f').contentWindow.postMessage({type: 'iot-troubleshooter:set-facts', facts: f}, o)"
        for key, raw in cases[1:]:
            page.evaluate(post, [{}, site_origin])
            frame.locator(".ts-live [data-step=symptom]").wait_for()
            page.evaluate(post, [{key: raw}, site_origin])
            frame.locator(".ts-live .ts-step:not([data-step=symptom])").wait_for()
            res = expected({key: raw})
            assert state(root) == wanted(res), key
            if res["kind"] == "result" and res["causes"] != ["contact_carrier"]:
                assert shows(key, raw) in frame.locator(".ts-live .ts-why").first.inner_text(), key
                last = [m for m in page.evaluate("window.__messages") if m["data"].get("type") == "iot-troubleshooter:result"][-1]
                assert last["data"]["causes"] == res["causes"]
        page.evaluate(post, [{"onelink.stopReason": "00000000020", "huawei.operatorStatus": 5}, site_origin])
        frame.locator(".ts-live [data-cause=manual_stop]").wait_for()
        assert "onelink.stopReason" in frame.locator(".ts-live .ts-notice").inner_text()
        assert page.errors == []
