"""Input nobody planned for, everywhere input enters: the engine's browser bridge, the page's URL, the
embed's facts attribute, postMessage payloads to the iframe, and a malformed tree at build time.
Nothing executes, nothing crashes, the widget stays usable."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from troubleshooter.browser import handle

from conftest import BOOT_MS, LIVE, ROOT, Server, profile_page
from test_tree_validation import CASES

NASTY = st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"'><svg onload=alert(1)>",
                         "javascript:alert(1)", "%3Cscript%3E", "&amp;&lt;", "\u202e\u0000\ufeff", "balance", "unknown",
                         "CN-XJ", "9" * 400, "{}", "[]", "🙂" * 20, "plan=valid&balance=arrears",
                         "arrears,expired", ",,", "fixed", "solved"])
TEXT = st.one_of(NASTY, st.text(max_size=60))
JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=10)
FACT_NAMES = ["symptom", "stop_reason", "fixed", "plan", "months_expired", "balance", "device", "location", "unused_months",
              "origin", "lang", "outcome"]
QUERY = st.lists(st.tuples(st.one_of(st.sampled_from(FACT_NAMES), TEXT), TEXT), max_size=6)

ALLOWED_TAGS = {"section", "p", "span", "progress", "h2", "h3", "h4", "ul", "ol", "li", "a", "details", "summary",
                "br", "strong", "article", "div", "dl", "dt", "dd", "label", "textarea", "button"}
ALLOWED_ATTRS = {"class", "id", "href", "data-step", "data-fact", "data-value", "data-cause", "data-causes", "data-done",
                 "data-confidence", "data-tree-version",
                 "aria-labelledby", "aria-hidden", "role", "tabindex", "max", "value", "for", "readonly", "rows", "type", "hidden"}


class Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad.append(f"<{tag}>")
        self.bad += [f"{tag}[{k}]" for k, v in attrs if k not in ALLOWED_ATTRS]
        self.bad += [f"{tag}[href={v}]" for k, v in attrs if k == "href" and v and not v.startswith(("?", "#", "causes/", "reference/"))]


@settings(max_examples=400, deadline=None)
@given(QUERY, st.one_of(JSONISH, st.dictionaries(st.sampled_from(FACT_NAMES), JSONISH, max_size=4)), st.one_of(TEXT, st.sampled_from(["zh", "en"])))
def test_the_bridge_renders_only_its_own_markup_whatever_comes_in(query: list, locked: object, lang: object) -> None:
    request = json.dumps({"query": "?" + urlencode(query), "lang": lang, "locked": locked})
    out = json.loads(handle(request))
    shape = Shape()
    shape.feed(out["html"])
    assert shape.bad == [], shape.bad
    assert out["kind"] in ("question", "result", "solved") and out["query"].startswith("?")


@settings(max_examples=100, deadline=None)
@given(st.one_of(TEXT, JSONISH.map(json.dumps)))
def test_the_cli_answers_any_facts_with_a_result_or_one_line(text: str) -> None:
    import contextlib
    import io

    from troubleshooter.cli import main
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(["diagnose", "--facts", text], stdout=io.StringIO())
        except SystemExit as exit:  # argparse: a value that looks like an option, e.g. "-x"
            code = exit.code
    assert code in (0, 2)
    assert code == 0 or (err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue())


def watch_dialogs(page) -> None:
    """Any alert() an injection managed to run, into `page.dialogs` (dismissed, so the test goes on)."""
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))


@pytest.fixture(scope="module")
def live_page(profile, server: Server) -> Iterator[object]:
    with profile_page(profile) as page:
        watch_dialogs(page)
        page.goto(server.url + "en/troubleshooter.html")
        page.wait_for_selector(LIVE, timeout=BOOT_MS)
        yield page


def assert_usable(page, scope: str) -> None:
    page.wait_for_selector(f"{scope} .ts-live .ts-step")
    injected = page.locator(f"{scope} .ts-live script, {scope} .ts-live img, {scope} .ts-live svg, {scope} .ts-live iframe")
    assert injected.count() == 0
    assert page.dialogs == [] and page.errors == []


@pytest.mark.browser
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(QUERY)
def test_any_url_query_leaves_the_page_usable(live_page, query: list) -> None:
    qs = "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)
    live_page.evaluate("q => { history.pushState(null, '', location.pathname + q); dispatchEvent(new PopStateEvent('popstate')); }", qs)
    assert_usable(live_page, "")
    live_page.click(".ts-live a.ts-restart, .ts-live a.ts-option >> nth=0")
    assert_usable(live_page, "")


@pytest.fixture(scope="module")
def embed_portal(profile, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    help_site = Server(site, headers={"Access-Control-Allow-Origin": "*"})
    folder = tmp_path_factory.mktemp("portal")
    (folder / "index.html").write_text(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<link rel="icon" href="data:,"><script type="module" src="{help_site.url}assets/troubleshooter/embed.js"></script></head>
<body><iot-troubleshooter lang="en"></iot-troubleshooter>
<iframe id="f" title="t" src="{help_site.url}en/embed/?origin=ORIGIN"></iframe></body></html>""")
    portal = Server(folder)
    html = (folder / "index.html").read_text().replace("ORIGIN", portal.url.rstrip("/"))
    (folder / "index.html").write_text(html)
    with profile_page(profile) as page:
        watch_dialogs(page)
        page.goto(portal.url)
        page.wait_for_selector(f"iot-troubleshooter {LIVE}", timeout=BOOT_MS)
        page.frame_locator("#f").locator(LIVE).wait_for(timeout=BOOT_MS)
        page.site_origin = help_site.url.rstrip("/")
        yield page
    portal.close()
    help_site.close()


@pytest.mark.browser
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(TEXT, JSONISH.map(json.dumps)))
def test_any_facts_attribute_leaves_the_component_usable(embed_portal, facts: str) -> None:
    page = embed_portal
    page.eval_on_selector("iot-troubleshooter", "(el, f) => el.setAttribute('facts', f)", facts)
    assert_usable(page, "iot-troubleshooter")
    page.click("iot-troubleshooter .ts-live a.ts-option >> nth=0")
    assert_usable(page, "iot-troubleshooter")


@pytest.mark.browser
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(JSONISH, st.fixed_dictionaries({"type": st.just("iot-troubleshooter:set-facts"), "facts": JSONISH})))
def test_any_message_leaves_the_iframe_usable(embed_portal, payload: object) -> None:
    page = embed_portal
    page.evaluate("([p, o]) => document.getElementById('f').contentWindow.postMessage(p, o)", [payload, page.site_origin])
    frame = page.frame_locator("#f")
    frame.locator(".ts-live .ts-step").wait_for()
    assert frame.locator(".ts-live script, .ts-live img, .ts-live svg, .ts-live iframe").count() == 0
    assert page.dialogs == [] and page.errors == []


def site_copy_with(tmp_path: Path, old: str, new: str) -> Path:
    """The project's site sources in a temporary folder, with one change to the tree."""
    for name in ("docs", "hooks", "overrides", "troubleshooter"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    tree = tmp_path / "troubleshooter/tree.toml"
    tree.write_text(tree.read_text("utf-8").replace(old, new, 1), "utf-8")
    return tmp_path


@pytest.mark.parametrize(("old", "new", "expected"), CASES[:5] + CASES[-2:])
def test_a_malformed_tree_fails_the_build_naming_file_and_node(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = site_copy_with(tmp_path, old, new)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
                            cwd=folder, capture_output=True, text=True, timeout=300, env={"NO_MKDOCS_2_WARNING": "1", "PATH": ""})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert f"{folder / 'troubleshooter/tree.toml'}: {expected}" in output, output[-2000:]
