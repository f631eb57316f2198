"""The offline bundle as a person gets it: `deploy/bundle.py` (what `make bundle` runs) builds the zip,
the test unzips it, then opens the pages straight from file:// (articles, language switch, search, the
troubleshooter's static version and its note) and through the bundled launcher, run by a Python with
no site-packages, with every request to anything but 127.0.0.1 recorded and refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import BOOT_MS, LIVE, ROOT, collect_errors, search

PACKAGE = json.loads((ROOT / "package.json").read_text("utf-8"))
TOP = f"{PACKAGE['name']}-{PACKAGE['version']}"


@pytest.fixture(scope="module")
def bundle_zip(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make bundle` packing the run's site (built once, by bundle.build_site, in conftest)."""
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, str(ROOT / "deploy" / "bundle.py"), "--dist", str(dist), "--site", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"deploy/bundle.py failed:\n{result.stdout}\n{result.stderr}"
    assert [p.name for p in dist.iterdir()] == [f"{TOP}.zip"], "exactly one zip, named <name>-<version>.zip"
    return dist / f"{TOP}.zip"


@pytest.fixture(scope="module")
def bundle(bundle_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip unpacked as a person would (file modes kept, as unzip does)."""
    dest = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(bundle_zip) as zf:
        zf.extractall(dest)
        for info in zf.infolist():
            mode = info.external_attr >> 16
            if mode:
                (dest / info.filename).chmod(mode & 0o777)
    return dest / TOP


def test_the_zip_holds_the_site_the_launcher_and_a_readme(bundle_zip: Path, bundle: Path) -> None:
    with zipfile.ZipFile(bundle_zip) as zf:
        names = zf.namelist()
    assert all(n.startswith(TOP + "/") for n in names), "one top folder, so unzipping makes no mess"
    site = bundle / "site"
    for page in ("index.html", "en/index.html", "troubleshooter.html", "en/troubleshooter.html"):
        assert (site / page).is_file(), page
    assert list(site.glob("pyodide/*/pyodide.asm.wasm")), "Pyodide's runtime is inside"
    assert list(site.glob("assets/troubleshooter/engine-*/*.whl")), "the engine's wheel is inside"
    assert (site / "search" / "search_index.js").is_file(), "the offline search index is inside"
    assert not [n for n in names if n.endswith((".gz", ".br")) or "/_deploy/" in n], "server-only files left out"
    assert (bundle / "launcher.py").stat().st_mode & 0o111, "the launcher is executable once unzipped"
    readme = (bundle / "README.txt").read_text("utf-8")
    assert "launcher.py" in readme and "site/index.html" in readme and PACKAGE["version"] in readme


# --- straight from file:// ------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize(("path", "heading"), [("causes/arrears.html", "欠费停机"), ("en/causes/arrears.html", "unpaid bill"),
                                               ("index.html", "停机"), ("en/reference/glossary.html", "Glossary")])
def test_articles_render_from_file(page, bundle: Path, path: str, heading: str) -> None:
    page.goto((bundle / "site" / path).as_uri())
    h1 = page.inner_text("article h1")
    assert h1 and heading.lower() in h1.lower()
    # Material's stylesheet and script loaded from the files: the header is styled and the JS ran.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert page.errors == []


@pytest.mark.browser
def test_language_switch_from_file(page, bundle: Path) -> None:
    page.goto((bundle / "site" / "causes" / "arrears.html").as_uri())
    page.hover(".md-header .md-select")  # Material's language menu opens on hover
    page.click('.md-select a[hreflang="en"]')
    page.wait_for_url("**/en/causes/arrears.html")
    assert page.get_attribute("html", "lang") == "en"
    page.hover(".md-header .md-select")
    page.click('.md-select a[hreflang="zh"]')
    page.wait_for_url(re.compile(r".*/site/causes/arrears\.html$"))
    assert page.get_attribute("html", "lang") == "zh"
    assert page.errors == []


def open_result(page, links: list[str], expected: str) -> None:
    """Click the first result whose address (query and anchor aside) ends with `expected`."""
    index = next(i for i, link in enumerate(links) if link.split("?")[0].split("#")[0].endswith(expected))
    page.locator(".md-search-result__item > a").nth(index).click()
    page.wait_for_url(lambda url: url.split("?")[0].split("#")[0].endswith(expected))


@pytest.mark.browser
@pytest.mark.parametrize(("path", "query", "expected"), [("en/index.html", "data cap", "/site/en/causes/over-quota.html"),
                                                         ("index.html", "机卡分离", "/site/causes/device-binding.html")])
def test_search_works_from_file(page, bundle: Path, path: str, query: str, expected: str) -> None:
    page.goto((bundle / "site" / path).as_uri())
    links = search(page, query)
    assert any(link.startswith("file://") and link.split("?")[0].endswith(expected) for link in links), links
    open_result(page, links, expected)  # the result opens its article, still from the files
    assert page.inner_text("article h1")
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.parametrize(("path", "note"), [("troubleshooter.html", "启动程序"), ("en/troubleshooter.html", "launcher")])
def test_the_troubleshooter_fallback_from_file_says_how_to_get_the_full_one(page, bundle: Path, path: str, note: str) -> None:
    page.goto((bundle / "site" / path).as_uri())
    page.wait_for_selector(".ts-status:visible")
    assert note in page.inner_text(".ts-status")
    assert page.get_attribute(".iot-ts", "data-engine") == "static"
    page.click("#ts-q-symptom a.ts-option[data-value=no_service]")
    page.click("#ts-q-stop_reason a.ts-option[data-value=none_shown]")
    page.click("#ts-q-account a.ts-option[data-value=fine]")
    page.click("#ts-q-event a.ts-option[data-value=other_device]")
    result = page.locator(".ts-steps .ts-result:visible")
    assert result.count() == 1 and result.get_attribute("data-causes") == "device_binding"
    assert page.errors == []


# --- through the launcher ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def launcher(bundle: Path) -> Iterator[str]:
    """launcher.py as the README says to run it, by a Python without site-packages (-I -S): it must need
    the standard library only. Yields the address it prints."""
    proc = subprocess.Popen([sys.executable, "-I", "-S", str(bundle / "launcher.py"), "--no-browser"],
                            cwd=bundle, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, f"the launcher printed no address: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}"
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture()
def offline_page(browser) -> Iterator[object]:
    """A page whose requests to anything but 127.0.0.1 are refused and recorded in page.outside."""
    context = browser.new_context()
    pg = context.new_page()
    pg.errors, pg.outside = [], []

    def guard(route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != "127.0.0.1":
            pg.outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    collect_errors(pg)
    yield pg
    context.close()


@pytest.mark.browser
def test_through_the_launcher_the_engine_goes_live_with_no_network(offline_page, launcher: str) -> None:
    page = offline_page
    types = {}
    page.on("response", lambda r: types.__setitem__(urlsplit(r.url).path.rsplit("/", 1)[-1], r.headers.get("content-type")))
    page.goto(launcher + "en/troubleshooter.html")
    page.wait_for_selector(LIVE, timeout=BOOT_MS)
    page.click('.ts-live a.ts-option[data-value="no_service"]')
    page.wait_for_selector(".ts-live [data-step=stop_reason]")
    assert page.is_hidden(".ts-status")
    assert types.get("pyodide.asm.wasm") == "application/wasm"
    assert types.get("pyodide.mjs", "").startswith("text/javascript")
    assert page.outside == [] and page.errors == []


@pytest.mark.browser
def test_through_the_launcher_search_and_articles_work(offline_page, launcher: str) -> None:
    page = offline_page
    page.goto(launcher)
    links = search(page, "机卡分离")
    open_result(page, links, launcher + "causes/device-binding.html")
    assert page.inner_text("article h1")
    assert page.outside == [] and page.errors == []


# --- what the launcher refuses ---------------------------------------------------------------------

def raw_get(url: str, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """A GET with exactly this path and Host header (urllib would normalise both)."""
    import http.client
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", parts.netloc if host is None else host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture()
def small_site(tmp_path: Path) -> Iterator[str]:
    """A site folder with a page, an embed page, a folder without index, the build's _deploy/, and two
    symlinks: one leading out of the folder, one staying inside. Yields the launcher's address."""
    from launcher import make_server, site_policy
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "a.js").write_text("1", "utf-8")
    (site / "en" / "embed").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", "utf-8")
    (site / "en" / "embed" / "index.html").write_text("<h1>embed</h1>", "utf-8")
    (site / "_deploy").mkdir()
    (site / "_deploy" / "csp.txt").write_text("default-src 'self'\n", "utf-8")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site / "outside").symlink_to(tmp_path, target_is_directory=True)
    (site / "same.html").symlink_to(site / "index.html")
    server = make_server(site, csp=site_policy(site))
    import threading
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/assets/", "/en/", "/leak.txt", "/outside/secret.txt", "/outside/",
                                  "/_deploy/csp.txt", "/../secret.txt", "/%2e%2e/secret.txt"])
def test_the_launcher_serves_no_listing_and_nothing_outside_its_folder(small_site: str, path: str) -> None:
    status, _, body = raw_get(small_site, path)
    assert status == 404 and b"secret" not in body and b"a.js" not in body and b"default-src" not in body


def test_the_launcher_serves_regular_files_and_symlinks_that_stay_inside(small_site: str) -> None:
    assert raw_get(small_site, "/same.html")[2] == b"<h1>home</h1>"
    assert raw_get(small_site, "/")[2] == b"<h1>home</h1>"
    assert raw_get(small_site, "/en/embed")[0] == 301  # the address with its slash, as any server


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1", "localhost:1", "127.0.0.1.nip.io:{port}", ""])
def test_the_launcher_refuses_a_foreign_host(small_site: str, host: str) -> None:
    port = urlsplit(small_site).port
    status, _, body = raw_get(small_site, "/", host.format(port=port))
    assert status == 421 and b"home" not in body
    assert raw_get(small_site, "/", f"localhost:{port}")[0] == 200


def test_the_launcher_sends_the_sites_security_headers(small_site: str) -> None:
    _, page, _ = raw_get(small_site, "/")
    assert page["content-security-policy"] == "default-src 'self'; frame-ancestors 'self'"
    assert page["x-frame-options"] == "SAMEORIGIN"
    assert page["x-content-type-options"] == "nosniff"
    assert page["referrer-policy"] == "strict-origin-when-cross-origin"
    _, embed, _ = raw_get(small_site, "/en/embed/")
    assert embed["content-security-policy"] == "default-src 'self'; frame-ancestors *"
    assert "x-frame-options" not in embed
    _, missing, _ = raw_get(small_site, "/nothing.html")
    assert missing["x-content-type-options"] == "nosniff" and "content-security-policy" in missing


def test_the_bundled_launcher_sends_the_built_sites_policy(launcher: str, bundle: Path) -> None:
    status, headers, _ = raw_get(launcher, "/en/troubleshooter.html")
    csp = (bundle / "csp.txt").read_text("utf-8").strip()  # beside the launcher, not served
    assert status == 200 and headers["content-security-policy"] == csp + "; frame-ancestors 'self'"
    assert "script-src" in csp and raw_get(launcher, "/csp.txt")[0] == 404
