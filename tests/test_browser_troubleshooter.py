"""The troubleshooter in Debian's Chromium: live engine, prefilled links, back and restart, language
switch, no JavaScript, file://, a failed Pyodide, tampered links, and the Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import BOOT_MS, LIVE, VIOLATIONS, Server, served

pytestmark = pytest.mark.browser



def live_causes(page) -> list[str]:
    return page.eval_on_selector_all(".ts-live [data-cause]", "els => els.map(e => e.dataset.cause)")


def answer(page, value: str) -> None:
    """Click the live answer with this value and wait for the step after it."""
    before = page.get_attribute(".ts-live .ts-step", "id") + page.url
    page.click(f'.ts-live a.ts-option[data-value="{value}"]')
    page.wait_for_function("b => document.querySelector('.ts-live .ts-step').id + location.href !== b", arg=before)


def open_live(page, server: Server, path: str) -> None:
    page.goto(server.url + path)
    page.wait_for_selector(LIVE, timeout=BOOT_MS)


@pytest.mark.parametrize(("lang", "prefix", "result_heading"), [("zh", "", "排查结果"), ("en", "en/", "What we found")])
def test_click_through_to_a_diagnosis(page, server: Server, lang: str, prefix: str, result_heading: str) -> None:
    open_live(page, server, f"{prefix}troubleshooter.html")
    assert page.is_visible(".ts-live [data-step=symptom]") and not page.is_visible(".ts-steps")
    for value in ("no_service", "none_shown", "arrears"):
        answer(page, value)
    assert live_causes(page) == ["arrears"]
    assert page.inner_text(".ts-live h2") == result_heading
    assert parse_qs(urlsplit(page.url).query) == {"symptom": ["no_service"], "stop_reason": ["none_shown"], "balance": ["arrears"]}
    summary = page.input_value(".ts-live .ts-summary-text")
    assert page.inner_text(".ts-live [data-cause=arrears] h3") in summary and result_heading not in summary
    assert page.evaluate("document.activeElement.classList.contains('ts-title')"), "focus moves to the new step"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click(".ts-live .ts-copy")
    page.wait_for_selector(".ts-live .ts-copy:has-text('Copied'), .ts-live .ts-copy:has-text('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == summary
    assert page.errors == []


def test_a_prefilled_link_lands_on_all_its_causes(page, server: Server) -> None:
    open_live(page, server, "en/troubleshooter.html?stop_reason=cancelled,arrears&data_usage=over_plan")
    assert live_causes(page) == ["expired_cancelled", "arrears", "over_quota"]
    assert [c.strip() for c in page.eval_on_selector_all(".ts-live .ts-confidence", "els => els.map(e => e.textContent)")] == [
        "Confirmed by the platform", "Confirmed by the platform", "Likely"]
    why = page.inner_text('.ts-live [data-cause=expired_cancelled] .ts-why')
    assert "Stop reason on the platform" in why and "销户" in why


def test_prefilled_answers_are_not_asked_again(page, server: Server) -> None:
    open_live(page, server, "en/troubleshooter.html?symptom=no_service&stop_reason=unknown")
    assert page.get_attribute(".ts-live .ts-step", "data-step") == "account"
    assert "Question 3 of at most 5" in page.inner_text(".ts-live .ts-progress")


def test_back_restart_and_the_browser_back_button(page, server: Server) -> None:
    open_live(page, server, "en/troubleshooter.html")
    answer(page, "no_service")
    answer(page, "none_shown")
    assert page.get_attribute(".ts-live .ts-step", "data-step") == "account"
    page.click(".ts-live a.ts-back")
    page.wait_for_selector(".ts-live [data-step=stop_reason]")
    page.go_back()
    page.wait_for_selector(".ts-live [data-step=account]")
    page.click(".ts-live a.ts-restart")
    page.wait_for_selector(".ts-live [data-step=symptom]")
    assert urlsplit(page.url).query == ""


def test_switching_language_keeps_the_answers(page, server: Server) -> None:
    open_live(page, server, "troubleshooter.html")
    for value in ("no_service", "none_shown", "fine", "phone"):
        answer(page, value)
    page.hover(".md-header .md-select")  # Material's language menu opens on hover
    page.click('.md-select a[hreflang="en"]')
    page.wait_for_selector(LIVE, timeout=BOOT_MS)
    assert "/en/troubleshooter.html" in page.url
    assert live_causes(page) == ["phone_use"]
    assert page.inner_text(".ts-live h3").startswith("The IoT SIM was used in a phone")


def reach_result_by_links(page) -> None:
    """With no engine, the static steps: first question visible at once, then anchors to a result."""
    assert page.is_visible("#ts-q-symptom")
    page.click("#ts-q-symptom a.ts-option[data-value=no_service]")
    assert page.is_visible("#ts-q-stop_reason") and not page.is_visible("#ts-q-symptom")
    page.click("#ts-q-stop_reason a.ts-option[data-value=none_shown]")
    page.click("#ts-q-account a.ts-option[data-value=fine]")
    page.click("#ts-q-event a.ts-option[data-value=other_device]")
    result = page.locator(".ts-steps .ts-result:visible")
    assert result.count() == 1 and result.get_attribute("data-causes") == "device_binding"
    assert result.locator("[data-cause=device_binding] .ts-fix li").count() >= 2
    # "still not working" goes on without JavaScript too: the next question, then the next cause
    result.locator("a.ts-still").click()
    page.locator(".ts-steps .ts-question:visible a.ts-option[data-value=no_real_name]").click()
    assert page.locator(".ts-steps .ts-result:visible").get_attribute("data-causes") == "real_name_required"


def test_without_javascript_links_reach_a_diagnosis(browser, server: Server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url + "en/troubleshooter.html")
    reach_result_by_links(page)
    assert page.get_attribute(".iot-ts", "data-engine") == "static"
    context.close()


def test_from_file_the_fallback_works_and_says_why(page, site: Path) -> None:
    page.goto((site / "troubleshooter.html").as_uri())
    page.wait_for_selector(".ts-status:visible")
    assert "启动程序" in page.inner_text(".ts-status")
    reach_result_by_links(page)


def test_when_pyodide_fails_the_fallback_stays_usable(page, server: Server) -> None:
    # Pyodide does not reject when its wasm cannot be fetched: the widget's boot limit ends the wait. The
    # test shortens that limit (30 s in production) instead of idling through it.
    page.add_init_script("window.__iotTsTestTimeouts = { boot: 3000 };")
    page.route("**/*.wasm", lambda route: route.abort())
    page.goto(server.url + "en/troubleshooter.html")
    page.wait_for_selector(".ts-status:has-text('could not load')", timeout=BOOT_MS)
    assert page.get_attribute(".iot-ts", "data-engine") == "static"
    reach_result_by_links(page)


def test_answers_given_before_the_engine_is_live_are_kept(page, server: Server) -> None:
    hold = []
    page.route("**/*.wasm", lambda route: hold.append(route))  # keep Pyodide waiting
    page.goto(server.url + "en/troubleshooter.html")
    page.click("#ts-q-symptom a.ts-option[data-value=no_service]")
    page.click("#ts-q-stop_reason a.ts-option[data-value=none_shown]")
    assert parse_qs(urlsplit(page.url).query) == {"symptom": ["no_service"], "stop_reason": ["none_shown"]}
    for _ in range(BOOT_MS // 100):  # bounded: the page asks for the wasm soon after it loads
        if hold:
            break
        page.wait_for_timeout(100)
    assert hold, "the page never asked for Pyodide's wasm"
    hold[0].continue_()
    page.wait_for_selector(LIVE, timeout=BOOT_MS)
    assert page.get_attribute(".ts-live .ts-step", "data-step") == "account"


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>'])
def test_a_tampered_link_shows_a_notice_and_runs_nothing(page, server: Server, payload: str) -> None:
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    from urllib.parse import quote
    open_live(page, server, f"en/troubleshooter.html?balance={quote(payload)}&{quote(payload)}=1&symptom=no_service")
    notice = page.inner_text(".ts-live .ts-notice")
    assert "ignored" in notice and "balance" in notice
    assert page.get_attribute(".ts-live .ts-step", "data-step") == "stop_reason", "valid answers are kept"
    assert page.locator(".ts-live script, .ts-live img, .ts-live svg").count() == 0
    assert dialogs == []


CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'"


def test_the_troubleshooter_runs_under_a_strict_csp(page, site: Path) -> None:
    page.add_init_script(VIOLATIONS)
    with served(site, {"Content-Security-Policy": CSP}) as csp_server:
        open_live(page, csp_server, "en/troubleshooter.html")
        page.click('.ts-live a.ts-option[data-value="no_service"]')
        page.wait_for_selector(".ts-live [data-step=stop_reason]")
        ours = [v for v in page.evaluate("window.__violations")
                if "/assets/troubleshooter/" in v or "/pyodide/" in v or " eval" in v or "wasm" in v]
        assert ours == []


def test_still_not_working_goes_on_and_yes_ends(page, server: Server) -> None:
    open_live(page, server, "en/troubleshooter.html?symptom=no_service&stop_reason=unknown&plan=expired&months_expired=1")
    assert live_causes(page) == ["expired_grace"]
    page.click(".ts-live a.ts-still")
    page.wait_for_selector(".ts-live [data-step=event]")
    assert parse_qs(urlsplit(page.url).query)["fixed"] == ["expired_grace"], "the state stays in the URL"
    answer(page, "other_device")
    assert live_causes(page) == ["device_binding"]
    page.click(".ts-live a.ts-solved-link")
    page.wait_for_selector(".ts-live .ts-solved")
    page.go_back()
    page.wait_for_selector(".ts-live [data-cause=device_binding]")
