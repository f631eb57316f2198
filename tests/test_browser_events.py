"""Events for a portal's support desk and a portal's own rules (issue 16), in Chromium with the portal on a
second loopback origin: the web component's `troubleshooter-step`/`-result`/`-feedback` events and the
iframe's `iot-troubleshooter:*` messages (sent to the named origin only, foreign messages ignored), the
integration guide's support-ticket example, the example profile and the inline subset through both,
and the site's own page, which sends nothing anywhere while a person walks to a result and answers
"Did this fix it?" both ways."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest

from conftest import ROOT, Server
from test_browser_embed import help_site  # noqa: F401 (the shared fixture: the site with CORS)
from troubleshooter import default_tree
from troubleshooter.browser import handle

pytestmark = pytest.mark.browser
BOOT_MS = 60_000
LIVE = ".iot-ts[data-engine=pyodide]"
EXAMPLE = tomllib.loads((ROOT / "troubleshooter/profiles/example-reseller.toml").read_text("utf-8"))
SELLER = EXAMPLE["name"]["en"]
HIDDEN_ANSWER = "Data works, but calls or texts fail"  # the symptom answer that leads only to calls_restricted
# Facts after which the next question is "location" (where the card is used), as in tests/test_profiles.py.
AT_LOCATION = {"symptom": "no_service", "stop_reason": "unknown", "balance": "ok", "plan": "valid",
               "data_usage": "within_plan", "moved": "yes", "worked_here_before": "no"}
ARREARS = {"symptom": "no_service", "stop_reason": ["arrears"]}  # a quick way to a result (arrears, confirmed)
REGION = re.compile(r"CN-[A-Z]{2}")

RECORDER = """
window.__events = [];
for (const name of ["troubleshooter-step", "troubleshooter-result", "troubleshooter-feedback"]) {
  document.addEventListener(name, (e) => window.__events.push(
    { name, bubbles: e.bubbles, composed: e.composed, target: e.target.id || e.target.tagName, detail: e.detail }));
}
window.__messages = [];
addEventListener("message", (e) => window.__messages.push({ origin: e.origin, data: e.data,
  from: [...document.querySelectorAll("iframe")].findIndex((f) => f.contentWindow === e.source) }));
"""


@contextmanager
def portal(folder: Path, files: dict[str, str]) -> Iterator[Server]:
    """A portal on its own origin (another loopback port), serving these files, closed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {"favicon.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>', "recorder.js": RECORDER,
                        "favicon.ico": "", **files}.items():  # (the guide's example links no icon)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    server = Server(folder)
    try:
        yield server
    finally:
        server.close()


def portal_page(body: str, head: str = "") -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<link rel="icon" href="/favicon.svg"><script src="/recorder.js"></script>{head}</head><body>{body}</body></html>"""


def component_page(site_url: str, elements: str) -> str:
    return portal_page(elements, f'<script type="module" src="{site_url}assets/troubleshooter/embed.js"></script>')


def events(page, name: str, target: str | None = None) -> list[dict]:
    return [e["detail"] for e in page.evaluate("window.__events")
            if e["name"] == name and (target is None or e["target"] == target)]


def messages(page, kind: str | None = None) -> list[dict]:
    return [m for m in page.evaluate("window.__messages")
            if kind is None or (isinstance(m["data"], dict) and m["data"].get("type") == kind)]


def facts_at(query: str) -> dict:
    """The facts the engine holds at this query (what each event must carry), straight from the bridge."""
    return json.loads(handle(json.dumps({"query": query, "lang": "en"})))["facts"]


def walk_to_arrears(scope, within: str = "") -> dict:
    """Answer "no service", then "arrears" as the platform's stop reason; the facts of that result."""
    scope.locator(f"{within} .ts-live a.ts-option[data-value=no_service]".strip()).click()
    option = scope.locator(f"{within} .ts-live a.ts-option[data-value=arrears]".strip())
    facts = facts_at(option.get_attribute("href"))
    option.click()
    scope.locator(f"{within} .ts-live [data-cause=arrears]".strip()).wait_for()
    assert facts["stop_reason"] == ["arrears"]
    return facts


def without_type(message: dict) -> dict:
    return {k: v for k, v in message["data"].items() if k != "type"}


def option_values(scope, within: str = "") -> list[str]:
    return scope.locator(f"{within} .ts-live a.ts-option".strip()).evaluate_all("as => as.map(a => a.dataset.value)")


# --- the web component's events -------------------------------------------------------------------------

def test_the_components_events_carry_each_step_the_result_and_the_feedback(page, help_site: Server, tmp_path: Path) -> None:
    el = "iot-troubleshooter"
    with portal(tmp_path, {"index.html": component_page(help_site.url, '<iot-troubleshooter lang="en"></iot-troubleshooter>')}) as p:
        page.goto(p.url)
        page.wait_for_selector(f"{el} {LIVE}", timeout=BOOT_MS)
        result_facts = walk_to_arrears(page, el)
        version = page.get_attribute(f"{el} .ts-result", "data-tree-version")
        summary = page.input_value(f"{el} .ts-summary-text")
        assert "Stopped for arrears" in summary

        recorded = page.evaluate("window.__events")
        assert [e["name"] for e in recorded] == ["troubleshooter-step"] * 3 + ["troubleshooter-result"]
        assert all(e["bubbles"] and e["composed"] and e["target"] == "IOT-TROUBLESHOOTER" for e in recorded)
        assert events(page, "troubleshooter-step") == [
            {"step": "symptom", "kind": "question", "facts": {}, "treeVersion": version},
            {"step": "stop_reason", "kind": "question", "facts": {"symptom": "no_service"}, "treeVersion": version},
            {"step": "result", "kind": "result", "facts": result_facts, "treeVersion": version},
        ]
        assert events(page, "troubleshooter-result") == [{
            "causes": ["arrears"], "findings": [{"id": "arrears", "confidence": "confirmed"}], "facts": result_facts,
            "treeVersion": version, "summary": summary, "lang": "en", "profile": None}]

        # "Still not working": feedback about the result on screen, then the walk goes on
        page.click(f"{el} a.ts-still")
        page.wait_for_selector(f"{el} .ts-live .ts-question")
        assert events(page, "troubleshooter-feedback") == [{
            "answer": "still_not_working", "causes": ["arrears"], "findings": [{"id": "arrears", "confidence": "confirmed"}],
            "facts": result_facts, "treeVersion": version}]
        after = page.evaluate("window.__events")[4:]
        assert [e["name"] for e in after] == ["troubleshooter-feedback", "troubleshooter-step"]
        assert after[1]["detail"]["facts"] == {**result_facts, "fixed": ["arrears"]}

        # Start again, the same result, and "Yes, it works again"
        page.click(f"{el} a.ts-restart")
        walk_to_arrears(page, el)
        page.click(f"{el} a.ts-solved-link")
        page.wait_for_selector(f"{el} .ts-live .ts-solved")
        assert events(page, "troubleshooter-feedback")[1] == {
            "answer": "solved", "causes": ["arrears"], "findings": [{"id": "arrears", "confidence": "confirmed"}],
            "facts": result_facts, "treeVersion": version}
        assert events(page, "troubleshooter-step")[-1] == {"step": "solved", "kind": "solved", "facts": result_facts,
                                                           "treeVersion": version}
        assert page.errors == []


# --- the iframe's messages --------------------------------------------------------------------------------

def frame_page(*srcs: str) -> str:
    frames = "".join(f'<iframe id="f{i}" title="Troubleshooter" src="{src}" style="width:100%;height:600px;border:0"></iframe>'
                     for i, src in enumerate(srcs))
    return portal_page(frames)


def test_the_iframe_posts_the_same_to_its_named_origin_and_ignores_other_origins(page, help_site: Server, tmp_path: Path) -> None:
    site_origin = help_site.url.rstrip("/")
    # (under embed/: the test server lets other origins frame only such paths, as deploy/nginx.conf does)
    with portal(tmp_path / "other", {"embed/index.html": portal_page("<p>another origin</p>")}) as other, \
            portal(tmp_path / "portal", {}) as p:
        src = f"{site_origin}/en/embed/?origin={p.url.rstrip('/')}"
        (tmp_path / "portal/index.html").write_text(frame_page(src, other.url + "embed/"), "utf-8")
        page.goto(p.url)
        frame = page.frame_locator("#f0")
        frame.locator(LIVE).wait_for(timeout=BOOT_MS)

        # a message from a window of another origin (here a sibling frame) is ignored
        stranger = next(f for f in page.frames if f.url.startswith(other.url))
        stranger.evaluate("() => parent.frames[0].postMessage({type: 'iot-troubleshooter:set-facts', "
                          "facts: {symptom: 'no_service', stop_reason: 'arrears'}}, '*')")
        site_frame = next(f for f in page.frames if f.url.startswith(site_origin))
        site_frame.evaluate("() => new Promise((done) => setTimeout(done, 0))")
        assert "stop_reason" not in site_frame.evaluate("() => history.state.iotTs.facts"), "set-facts from a stranger"
        result_facts = walk_to_arrears(frame)
        frame.locator(".ts-live a.ts-still").click()
        frame.locator(".ts-live .ts-question").wait_for()
        page.wait_for_function("() => window.__messages.filter(m => m.data.type === 'iot-troubleshooter:step').length === 4")

        sent = [m for m in messages(page) if m["data"]["type"] != "iot-troubleshooter:height"]
        assert all(m["origin"] == site_origin and m["from"] == 0 for m in messages(page)), "only the site's frame speaks"
        assert [m["data"]["type"] for m in sent] == ["iot-troubleshooter:step"] * 3 + [
            "iot-troubleshooter:result", "iot-troubleshooter:feedback", "iot-troubleshooter:step"]
        version = sent[0]["data"]["treeVersion"]
        assert re.fullmatch(r"[0-9a-f]{6,}", version)
        assert [without_type(m) for m in sent[:3]] == [
            {"step": "symptom", "kind": "question", "facts": {}, "treeVersion": version},
            {"step": "stop_reason", "kind": "question", "facts": {"symptom": "no_service"}, "treeVersion": version},
            {"step": "result", "kind": "result", "facts": result_facts, "treeVersion": version}]
        result = without_type(sent[3])
        assert result.pop("summary").startswith("IoT SIM troubleshooting summary")
        assert result == {"causes": ["arrears"], "findings": [{"id": "arrears", "confidence": "confirmed"}],
                          "facts": result_facts, "treeVersion": version, "lang": "en", "profile": None}
        assert without_type(sent[4]) == {"answer": "still_not_working", "causes": ["arrears"], "facts": result_facts,
                                         "findings": [{"id": "arrears", "confidence": "confirmed"}], "treeVersion": version}
        assert without_type(sent[5])["facts"] == {**result_facts, "fixed": ["arrears"]}
        assert messages(page, "iot-troubleshooter:height"), "the height messages still come"
        assert page.errors == []


def test_the_iframe_sends_nothing_to_a_portal_it_was_not_told_about(page, help_site: Server, tmp_path: Path) -> None:
    """Named another origin, the frame posts no step, result or feedback to its parent, and takes no
    set-facts from it (the one test of both: the parent here is not the origin named)."""
    site_origin = help_site.url.rstrip("/")
    with portal(tmp_path, {}) as p:
        src = f"{site_origin}/en/embed/?origin=https://someone-else.example"
        (tmp_path / "index.html").write_text(frame_page(src), "utf-8")
        page.goto(p.url)
        frame = page.frame_locator("#f0")
        frame.locator(LIVE).wait_for(timeout=BOOT_MS)
        # its parent, at an origin other than the one named, is not listened to either
        page.evaluate("o => document.getElementById('f0').contentWindow.postMessage({type: 'iot-troubleshooter:set-facts', "
                      "facts: {symptom: 'no_service', stop_reason: 'arrears'}}, o)", site_origin)
        frame.locator(".ts-live a.ts-option[data-value=no_service]").click()
        frame.locator(".ts-live a.ts-option[data-value=arrears]").click()  # still at "stop_reason": nothing was set
        frame.locator(".ts-live a.ts-still").click()
        frame.locator(".ts-live .ts-question").wait_for()
        frame.locator(".ts-live a.ts-restart").click()
        frame.locator(".ts-live [data-step=symptom]").wait_for()
        assert messages(page) == [], "the frame spoke to an origin it was not given"


# --- the guide's support-ticket example -------------------------------------------------------------------

def test_the_guides_ticket_example_prefills_a_ticket_on_still_not_working(page, help_site: Server, site: Path, tmp_path: Path) -> None:
    html = (site / "en/integrate/embedding.html").read_text("utf-8")
    blocks = [unescape(re.sub(r"<[^>]+>", "", b)) for b in re.findall(r"<code>(.*?)</code>", html, re.S)]
    (example,) = [b for b in blocks if b.lstrip().startswith("<!doctype html>") and "troubleshooter-feedback" in b]
    with portal(tmp_path, {"index.html": example.replace("https://help.example.com/", help_site.url)}) as p:
        page.goto(p.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        assert page.is_hidden("#ticket")
        option = page.locator("iot-troubleshooter a.ts-option[data-value=arrears]")
        result_facts = {"symptom": "no_service", **facts_at(option.get_attribute("href"))}  # the example's facts, and the answer
        option.click()
        page.wait_for_selector("iot-troubleshooter .ts-live [data-cause=arrears]")
        summary = page.input_value("iot-troubleshooter .ts-summary-text")
        version = page.get_attribute("iot-troubleshooter .ts-result", "data-tree-version")
        page.click("iot-troubleshooter a.ts-still")
        page.wait_for_selector("#ticket", state="visible")
        form = page.eval_on_selector("#ticket", "f => Object.fromEntries(new FormData(f))")
        assert form["causes"] == "arrears"
        assert json.loads(form["facts"]) == result_facts
        assert form["tree_version"] == version
        assert form["summary"] == summary and "Stopped for arrears" in summary
        assert page.errors == []


# --- profiles through the component and the iframe ----------------------------------------------------------

def test_profiles_through_the_web_component(page, help_site: Server, tmp_path: Path) -> None:
    bad_name = "<img src=x onerror=alert(1)> Acme & Co"
    elements = ('<iot-troubleshooter id="example" lang="en" profile="example-reseller"></iot-troubleshooter>'
                '<iot-troubleshooter id="plain" lang="en"></iot-troubleshooter>'
                f'<iot-troubleshooter id="inline" lang="en" seller-name="{bad_name.replace("&", "&amp;").replace("<", "&lt;")}" '
                'restricted-regions="CN-GD, CN-YN"></iot-troubleshooter>'
                '<iot-troubleshooter id="wrong" lang="en" profile="no-such-seller"></iot-troubleshooter>')
    with portal(tmp_path, {"index.html": component_page(help_site.url, elements)}) as p:
        page.goto(p.url)
        for el in ("#example", "#plain", "#inline", "#wrong"):
            page.wait_for_selector(f"{el} .ts-live [data-step=symptom]", timeout=BOOT_MS)
        # the hidden cause's answer is not offered, nor does the profile reach the other widgets
        assert "calls_sms_only" not in option_values(page, "#example")
        assert HIDDEN_ANSWER not in page.inner_text("#example .ts-live")
        assert "calls_sms_only" in option_values(page, "#plain") and HIDDEN_ANSWER in page.inner_text("#plain .ts-live")
        # a profile that does not exist: a visible notice, and the site's own rules
        assert "profile" in page.inner_text("#wrong .ts-live .ts-notice")
        assert "calls_sms_only" in option_values(page, "#wrong")

        # the regions in the location question
        facts = json.dumps(AT_LOCATION)
        page.evaluate("f => document.querySelectorAll('iot-troubleshooter').forEach((el) => el.setAttribute('facts', f))", facts)
        for el in ("#example", "#plain", "#inline"):
            page.wait_for_selector(f"{el} .ts-live [data-step=location]")
        regions = {el: [v for v in option_values(page, el) if REGION.fullmatch(v)] for el in ("#example", "#plain", "#inline")}
        assert regions["#example"] == EXAMPLE["restricted_regions"]
        assert regions["#inline"] == ["CN-GD", "CN-YN"]
        assert regions["#plain"] == list(default_tree().restricted_regions) != regions["#example"]

        # the seller's name in a seller's step, escaped like all text; the result says which profile
        page.evaluate("f => document.querySelectorAll('iot-troubleshooter').forEach((el) => el.setAttribute('facts', f))",
                      json.dumps(ARREARS))
        for el in ("#example", "#plain", "#inline"):
            page.wait_for_selector(f"{el} .ts-live [data-cause=arrears]")
        assert SELLER in page.locator("#example .ts-live .ts-who").all_inner_texts()
        assert SELLER not in page.inner_text("#plain .ts-live")
        assert bad_name in page.locator("#inline .ts-live .ts-who").all_inner_texts()
        assert page.locator("#inline .ts-live img").count() == 0
        assert [e["profile"] for e in events(page, "troubleshooter-result", "example")] == ["example-reseller"]
        assert [e["profile"] for e in events(page, "troubleshooter-result", "plain")] == [None]
        assert page.errors == []


def test_profiles_through_the_iframe_on_another_origin(page, help_site: Server, tmp_path: Path) -> None:
    site = help_site.url.rstrip("/")
    with portal(tmp_path, {}) as p:
        origin = p.url.rstrip("/")
        example = f"{site}/en/embed/?origin={origin}&profile=example-reseller"
        # a wrong shipped id is dropped with its notice; the inline subset beside it still holds
        inline = f"{site}/en/embed/?origin={origin}&profile=no-such-seller&seller-name=Acme%20Mobile&restricted-regions=CN-GD+CN-YN"
        (tmp_path / "index.html").write_text(frame_page(example, inline), "utf-8")
        page.goto(p.url)
        first, second = page.frame_locator("#f0"), page.frame_locator("#f1")
        first.locator(LIVE).wait_for(timeout=BOOT_MS)
        second.locator(LIVE).wait_for(timeout=BOOT_MS)
        assert "calls_sms_only" not in option_values(first)
        assert HIDDEN_ANSWER not in first.locator(".ts-live").inner_text()
        assert "profile" in second.locator(".ts-live .ts-notice").inner_text()
        assert "calls_sms_only" in option_values(second)

        def set_facts(index: int, facts: dict) -> None:
            page.evaluate("([i, facts, o]) => document.getElementById('f' + i).contentWindow.postMessage("
                          "{type: 'iot-troubleshooter:set-facts', facts}, o)", [index, facts, site])

        for i in (0, 1):
            set_facts(i, AT_LOCATION)
        first.locator(".ts-live [data-step=location]").wait_for()
        second.locator(".ts-live [data-step=location]").wait_for()
        assert [v for v in option_values(first) if REGION.fullmatch(v)] == EXAMPLE["restricted_regions"]
        assert [v for v in option_values(second) if REGION.fullmatch(v)] == ["CN-GD", "CN-YN"]

        for i in (0, 1):
            set_facts(i, {"symptom": "no_service", "stop_reason": "arrears"})
        first.locator(".ts-live [data-cause=arrears]").wait_for()
        second.locator(".ts-live [data-cause=arrears]").wait_for()
        assert SELLER in first.locator(".ts-live .ts-who").all_inner_texts()
        assert "Acme Mobile" in second.locator(".ts-live .ts-who").all_inner_texts()
        page.wait_for_function("() => window.__messages.filter(m => m.data.type === 'iot-troubleshooter:result').length === 2")
        results = {m["from"]: m["data"] for m in messages(page, "iot-troubleshooter:result")}
        assert results[0]["profile"] == "example-reseller" and results[1]["profile"] is None
        assert SELLER in results[0]["summary"] and "Acme Mobile" in results[1]["summary"]
        assert page.errors == []


# --- the site's own page sends nothing anywhere -----------------------------------------------------------

def test_the_site_page_sends_nothing_anywhere(browser, server: Server) -> None:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("websocket", lambda ws: requests.append(ws.url))
    try:
        page.goto(server.url + "en/troubleshooter.html")
        page.wait_for_selector(LIVE, timeout=BOOT_MS)
        page.evaluate("""() => {
            window.__sent = [];
            const note = (what) => (...args) => { window.__sent.push(what); };
            navigator.sendBeacon = note("beacon");
            window.parent.postMessage = note("postMessage");
        }""")
        for value in ("no_service", "arrears"):
            page.click(f".ts-live a.ts-option[data-value={value}]")
        page.wait_for_selector(".ts-live [data-cause=arrears]")
        page.click(".ts-live a.ts-solved-link")
        page.wait_for_selector(".ts-live .ts-solved")
        page.go_back()
        page.wait_for_selector(".ts-live [data-cause=arrears]")
        page.click(".ts-live a.ts-still")
        page.wait_for_selector(".ts-live .ts-question")
        assert page.evaluate("window.__sent") == []
        elsewhere = [u for u in requests if not (u.startswith(server.url) or u.startswith(("blob:", "data:")))]
        assert elsewhere == [], elsewhere
        assert any("engine-" in u for u in requests), "the requests were recorded (the engine's own files)"
    finally:
        context.close()
