"""Shared fixtures: the built site (built once per run, --strict), a local server for it, and Debian's
Chromium driven by Playwright. Browser tests fail rather than skip when Chromium is missing: `make test`
installs it, and a skipped browser test would hide a broken troubleshooter."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
# The site build's brotli copies at a fast quality (hooks/precompress.py): the same checks, 50 s less CPU
# on a fresh clone. The benchmark and real builds keep the best quality.
os.environ.setdefault("IOT_HELP_BROTLI_QUALITY", "5")
sys.path.insert(0, str(ROOT / "deploy"))
from bundle import build_site  # noqa: E402  (the one site build, as `make bundle` runs it)
from launcher import SiteHandler, make_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
LIVE = ".iot-ts[data-engine=pyodide]"  # the widget once the Python engine answers
BOOT_MS = 60_000  # Pyodide's cold start, with room for a busy machine
# An init script: each CSP violation in window.__violations as "directive blockedURI sourceFile line".
VIOLATIONS = """
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" ")));
"""


class SiteBuild:
    """The run's one site build (--strict), started in the background as the session starts, so that the
    tests that need no site run meanwhile. Under pytest-xdist (`make test` runs two workers) the workers
    share it: the first to take the lock builds, and every `site` waits for the lock. Nobody writes to it."""

    def __init__(self, folder: Path) -> None:
        self.dest, self.failed = folder / "site", folder / "site-build-failed"
        self.lock = FileLock(str(folder / "site.lock"))
        self.thread = threading.Thread(target=self._build, daemon=True)
        self.thread.start()

    def _build(self) -> None:
        with self.lock:
            if self.failed.exists() or (self.dest / "index.html").is_file():
                return  # another worker built it, or failed to
            try:
                build_site(self.dest)
            except SystemExit as err:  # mkdocs' output, for every worker's `site`
                self.failed.write_text(str(err))

    def result(self) -> Path:
        self.thread.join()
        with self.lock:
            if self.failed.exists():
                pytest.fail(f"the site build failed:\n{self.failed.read_text()}", pytrace=False)
        return self.dest


def run_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder the whole run shares: under xdist each worker's temporary folder is inside it."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


NEEDS_SITE = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that need no site first (in their order), so they run while it is being built; and no
    build at all for a run that needs none (`pytest tests/test_engine.py`)."""
    items.sort(key=lambda item: "site" in getattr(item, "fixturenames", ()))
    config.stash[NEEDS_SITE] = any("site" in getattr(item, "fixturenames", ()) for item in items)


@pytest.fixture(scope="session", autouse=True)
def site_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               worker_id: str) -> Iterator[SiteBuild | None]:
    if not request.config.stash.get(NEEDS_SITE, True):
        yield None
        return
    build = SiteBuild(run_folder(tmp_path_factory, worker_id))
    yield build
    build.thread.join()  # never leave a build running behind the session


@pytest.fixture(scope="session")
def site(site_build: SiteBuild | None) -> Path:
    """The built site (the offline bundle's test packs this one too)."""
    assert site_build is not None, "the collection said no test needs the site"
    return site_build.result()


class Server:
    """The launcher's server on a free loopback port, optionally sending extra headers (e.g. a CSP)."""

    def __init__(self, folder: Path, headers: dict[str, str] | None = None) -> None:
        self.httpd = make_server(folder)
        if headers:
            class WithHeaders(SiteHandler):
                def end_headers(self) -> None:
                    for name, value in headers.items():
                        self.send_header(name, value)
                    super().end_headers()
            self.httpd.RequestHandlerClass = lambda *a, **k: WithHeaders(*a, directory=str(folder), **k)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def served(folder: Path, headers: dict[str, str]) -> Iterator[Server]:
    """A server of its own for one test, sending these headers (a CSP under test), closed after."""
    s = Server(folder, headers)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[Server]:
    s = Server(site)
    yield s
    s.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[object]:
    """Chromium for tests that need a context of their own (JavaScript off, a phone, an offline guard)."""
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    yield b
    b.close()


@pytest.fixture(scope="session")
def profile(playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One Chromium profile on disk for the run (one per xdist worker), in which each `page` opens.
    Why: V8 keeps the compiled Pyodide (pyodide.asm.wasm) in the profile's code cache, so a page that
    boots Pyodide after the first costs about half the CPU (measured: 2.9 s against 6.2 s), the largest
    single cost of a browser test. Incognito contexts, even one shared, keep no such cache. Nothing else carries over:
    each test's page forgets its storage, cookies and permissions when it closes (`page`)."""
    ctx = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    yield ctx
    ctx.close()


FORGET = "cookies,local_storage,indexeddb,service_workers,cache_storage,file_systems,websql,shader_cache"


@contextmanager
def profile_page(profile) -> Iterator[object]:
    """A fresh page in the run's profile (`profile`), collecting console errors and page errors. When it
    closes, every origin it reached forgets what the page stored there, and the profile any permission a
    test granted, so no test sees another's state; only compiled code and the HTTP cache stay."""
    pg = profile.new_page()
    collect_errors(pg)
    origins: set[str] = set()
    pg.on("request", lambda r: origins.add("/".join(r.url.split("/", 3)[:3])) if r.url.startswith("http") else None)
    try:
        yield pg
    finally:
        # Pages first, storage after: a page still open could write again (Material saves its palette on
        # load) after its origin was cleared, and the next test would read it.
        for other in profile.pages[1:]:  # the profile's first, blank page stays: the browser lives while a page does
            other.close()
        cdp = profile.new_cdp_session(profile.pages[0])
        for origin in origins:
            cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": FORGET})
        cdp.detach()
        profile.clear_cookies()
        profile.clear_permissions()


@pytest.fixture()
def page(profile) -> Iterator[object]:
    with profile_page(profile) as pg:
        yield pg


def collect_errors(pg: object) -> None:
    """Console errors and uncaught page errors into `pg.errors`: a test ends asserting it is empty."""
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(f"pageerror: {e}"))
    pg.console_errors = lambda m: m.type == "error" and pg.errors.append(f"console: {m.text}")
    pg.on("console", pg.console_errors)  # a test that expects some removes this listener


def show_query(page, query: str) -> None:
    """Another address on the live page, as Back or Forward brings one: the widget reads location.search
    again (the same path into the engine as a fresh load's, without booting Pyodide once more)."""
    page.evaluate("""q => { document.querySelector('.ts-live .ts-step').dataset.old = '1';
        history.pushState(null, '', q); dispatchEvent(new PopStateEvent('popstate')); }""", query)
    page.wait_for_selector(".ts-live .ts-step:not([data-old])")


def search(page, query: str) -> list[str]:
    """Type into Material's search box and return the result links.
    Material reads the box on keyup (or when its index gets ready), not on `input`: so wait for the index,
    fill, then press a key, or the query may never be searched."""
    page.click("input.md-search__input")
    page.wait_for_function("""() => {
        const words = JSON.parse(document.getElementById("__config").textContent).translations;
        return document.querySelector(".md-search-result__meta").textContent.trim() === words["search.result.placeholder"];
    }""", timeout=15_000)
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(a => a.href)")


CHECK = [sys.executable, "-m", "troubleshooter", "check"]


@pytest.fixture(scope="session")
def checked(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> subprocess.CompletedProcess[str]:
    """`python -m troubleshooter check` on the shipped tree, run once per run for the tests that read its
    report (it walks every state of the tree: seconds of CPU); xdist workers share it like the site."""
    folder = run_folder(tmp_path_factory, worker_id)
    saved = folder / "check.json"
    with FileLock(str(folder / "check.lock")):
        if not saved.exists():
            proc = subprocess.run(CHECK, cwd=ROOT, capture_output=True, text=True, timeout=300)
            saved.write_text(json.dumps({"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}))
    return subprocess.CompletedProcess(CHECK, **json.loads(saved.read_text()))


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def copy_tree_file(tmp_path: Path) -> Path:
    dest = tmp_path / "tree.toml"
    shutil.copy(ROOT / "troubleshooter" / "tree.toml", dest)
    return dest
