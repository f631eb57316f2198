"""Production serving: deploy/nginx.conf run by Debian's real nginx on a loopback port, serving the
built site, checked over HTTP (types, precompressed files, cache lifetimes, security and CORS headers)
and in Chromium (the troubleshooter goes live; no page logs a CSP violation). Also the two build hooks
behind it: hooks/precompress.py and hooks/csp.py.

nginx missing is a failure, not a skip: `make test` installs it (and its brotli module) from Debian."""

from __future__ import annotations

import gzip
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import pytest

from conftest import BOOT_MS, LIVE, ROOT, VIOLATIONS, served

sys.path.insert(0, str(ROOT / "hooks"))
import csp as csp_hook  # noqa: E402
import precompress  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402

NGINX = Path("/usr/sbin/nginx")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"

# What Debian's /etc/nginx/nginx.conf gives deploy/nginx.conf, with every path inside the test's folder.
MAIN_CONF = """\
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
load_module {brotli};
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    gzip on;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {prefix}/iot-sim-help.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_conf(site: Path, port: int) -> str:
    """deploy/nginx.conf as its comments tell a deployer to adapt it: site folder and listen address."""
    text = (ROOT / "deploy" / "nginx.conf").read_text("utf-8")
    for old, new in (("/srv/iot-sim-help/site", str(site)), ("listen 80;", f"listen 127.0.0.1:{port};"),
                     ("listen [::]:80;", "")):
        assert old in text, f"deploy/nginx.conf no longer contains {old!r}: update tests/test_serving.py with it"
        text = text.replace(old, new)
    return text


class Nginx:
    """Debian's nginx in the foreground with its own prefix, pid and logs; no system service touched."""

    def __init__(self, site: Path, prefix: Path) -> None:
        self.prefix = prefix
        (prefix / "temp").mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (prefix / "iot-sim-help.conf").write_text(site_conf(site, self.port), "utf-8")
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read pytest's 0700 folders
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(MAIN_CONF.format(user=user, prefix=prefix, brotli=BROTLI_MODULE), "utf-8")
        self.url = f"http://127.0.0.1:{self.port}/"
        args = [str(NGINX), "-p", str(prefix), "-c", str(self.conf), "-e", str(prefix / "error.log")]
        check = subprocess.run([*args, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, f"nginx rejects deploy/nginx.conf:\n{check.stderr}"
        with open(prefix / "stderr.log", "wb") as stderr:  # a file, not a pipe nobody reads while it runs
            self.proc = subprocess.Popen([*args, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited at start:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"nginx did not listen on {self.url} within 15 s:\n{self.log()}")

    def log(self) -> str:
        paths = (self.prefix / "stderr.log", self.prefix / "error.log")
        return "".join(p.read_text(errors="replace") for p in paths if p.exists())

    def stop(self) -> None:
        if self.proc.poll() is None:
            # fast shutdown: a graceful one (SIGQUIT) waits out the browser's idle keep-alive connections
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: run `make test`, which installs Debian's nginx")
    if not BROTLI_MODULE.exists():
        pytest.fail(f"{BROTLI_MODULE} is missing: run `make test`, which installs libnginx-mod-http-brotli-static")
    for attempt in range(3):  # free_port() cannot reserve the port: another process may take it first
        try:
            server = Nginx(site, tmp_path_factory.mktemp("nginx"))
            break
        except AssertionError as err:
            if "Address already in use" not in str(err) or attempt == 2:
                raise
    yield server
    server.stop()


def fetch(url: str, encoding: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and the body exactly as sent (not decompressed)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def wasm_path(site: Path) -> str:
    [wasm] = site.glob("pyodide/*/pyodide.asm.wasm")
    return wasm.relative_to(site).as_posix()


def site_csp(site: Path) -> str:
    return (site / csp_hook.DEPLOY_DIR / "csp.txt").read_text("utf-8").strip()


# --- over HTTP --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("gzip, deflate, br", "br", brotli.decompress),
    ("gzip, deflate", "gzip", gzip.decompress),
    (None, None, lambda body: body),
])
def test_the_wasm_is_sent_precompressed_with_its_type(nginx: Nginx, site: Path, accept, encoding, decode) -> None:
    status, headers, body = fetch(nginx.url + wasm_path(site), accept)
    assert status == 200
    assert headers["content-type"] == "application/wasm"
    assert headers.get("content-encoding") == encoding
    assert decode(body) == (site / wasm_path(site)).read_bytes()
    assert headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == YEAR, "Pyodide's files live under a versioned path"
    assert headers["access-control-allow-origin"] == "*", "portals on other origins load Pyodide"
    if encoding:
        assert len(body) < 0.4 * len(decode(body))


def test_pages_carry_the_security_headers_and_a_short_cache(nginx: Nginx, site: Path) -> None:
    status, headers, body = fetch(nginx.url + "en/causes/arrears.html", "gzip")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-encoding"] == "gzip" and b"<h1" in gzip.decompress(body)
    assert headers["content-security-policy"] == site_csp(site) + "; frame-ancestors 'self'"
    assert "'unsafe-inline'" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert headers["x-frame-options"] == "SAMEORIGIN", "for browsers that predate frame-ancestors"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["cache-control"] == SHORT
    assert "access-control-allow-origin" not in headers, "only the embed's files are shared with other origins"


def test_the_embed_page_may_be_framed_by_portals(nginx: Nginx, site: Path) -> None:
    status, headers, _ = fetch(nginx.url + "en/embed/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers["content-security-policy"] == site_csp(site) + "; frame-ancestors *"
    assert "x-frame-options" not in headers


@pytest.mark.parametrize(("path", "content_type", "cache"), [
    ("assets/troubleshooter/embed.js", "application/javascript", SHORT),
    ("assets/troubleshooter/worker.js", "application/javascript", SHORT),
    ("assets/troubleshooter/config.js", "application/javascript", SHORT),
    ("pyodide/{version}/pyodide.mjs", "text/javascript", YEAR),
    ("pyodide/{version}/pyodide.asm.mjs", "text/javascript", YEAR),
    ("assets/troubleshooter/{stdlib}", "application/zip", YEAR),
    ("assets/troubleshooter/{engine}", "application/octet-stream", YEAR),
])
def test_the_troubleshooter_files_are_shared_with_portals(nginx: Nginx, site: Path, path: str, content_type: str, cache: str) -> None:
    version = wasm_path(site).split("/")[1]
    [stdlib] = site.glob("assets/troubleshooter/stdlib-*.zip")
    [engine] = site.glob("assets/troubleshooter/engine-*/*.whl")  # the wheel, in a folder named by its hash
    status, headers, _ = fetch(nginx.url + path.format(version=version, stdlib=stdlib.name,
                                                      engine=engine.relative_to(engine.parent.parent).as_posix()))
    assert status == 200
    assert headers["content-type"].split(";")[0] == content_type
    assert headers["access-control-allow-origin"] == "*"
    assert headers["cache-control"] == cache
    assert headers["x-content-type-options"] == "nosniff"


def test_every_hashed_troubleshooter_file_is_cached_for_a_year(nginx: Nginx, site: Path) -> None:
    hashed = [p for p in site.glob("assets/troubleshooter/**/*")
              if p.is_file() and re.search(r"-[0-9a-f]{8,}(\.[a-z]+$|/)", p.relative_to(site).as_posix())]
    assert {p.suffix for p in hashed} >= {".zip", ".whl"}, "the stdlib zip and the engine's wheel carry their hash"
    for path in hashed:
        _, headers, _ = fetch(nginx.url + path.relative_to(site).as_posix())
        assert headers["cache-control"] == YEAR, path.name


def test_fingerprinted_material_assets_are_cached_for_a_year(nginx: Nginx, site: Path) -> None:
    [bundle] = site.glob("assets/javascripts/bundle.*.min.js")
    _, headers, _ = fetch(nginx.url + bundle.relative_to(site).as_posix(), "br")
    assert headers["cache-control"] == YEAR and headers["content-encoding"] == "br"


def test_missing_pages_and_server_files_get_the_404_page(nginx: Nginx) -> None:
    for path in ("no-such-page.html", "_deploy/csp.txt", "_deploy/nginx-csp.conf"):
        status, headers, body = fetch(nginx.url + path)
        assert status == 404, path
        assert b"md-content" in body, "Material's 404 page"
        assert headers["x-content-type-options"] == "nosniff" and "content-security-policy" in headers
        assert "cache-control" not in headers, "a missing file must not be cached for a year"


# --- in Chromium ------------------------------------------------------------------------------------

@pytest.fixture()
def csp_page(page) -> object:
    """The page recording CSP violations (pg.violations()) and each response's headers by path."""
    page.add_init_script(VIOLATIONS)
    page.responses = {}
    page.on("response", lambda r: page.responses.__setitem__(urlsplit(r.url).path, r))
    page.violations = lambda: page.evaluate("window.__violations")
    return page


@pytest.mark.browser
def test_through_nginx_the_troubleshooter_goes_live(csp_page, nginx: Nginx, site: Path) -> None:
    page = csp_page
    page.goto(nginx.url + "en/troubleshooter.html")
    page.wait_for_selector(LIVE, timeout=BOOT_MS)
    page.click('.ts-live a.ts-option[data-value="no_service"]')
    page.wait_for_selector(".ts-live [data-step=stop_reason]")
    wasm = page.responses["/" + wasm_path(site)]
    assert wasm.header_value("content-type") == "application/wasm"
    assert "br" in wasm.request.header_value("accept-encoding")  # Chromium offers brotli to 127.0.0.1
    assert wasm.header_value("content-encoding") == "br"
    assert page.violations() == [] and page.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "en/", "causes/arrears.html", "en/reference/glossary.html", "en/embed/",
                                  "integrate/embedding.html", "basics/lifecycle.html", "en/basics/lifecycle.html",
                                  "no-such-page.html"])
def test_through_nginx_no_page_logs_a_csp_violation(csp_page, nginx: Nginx, path: str) -> None:
    page = csp_page
    page.goto(nginx.url + path)
    if "embed/" in path:  # the iframe page hides Material's header; its widget must go live
        page.wait_for_selector(LIVE, timeout=BOOT_MS)
    else:
        page.click("input.md-search__input")  # starts Material's search worker
        page.wait_for_selector(".md-search-result__meta:not(:empty)")  # the worker has loaded and answered
    assert page.evaluate("typeof __md_get") == "function", "Material's inline scripts ran"
    assert page.violations() == []
    assert [e for e in page.errors if "404" not in e or path != "no-such-page.html"] == []


@pytest.mark.browser
def test_the_violation_check_catches_a_policy_without_the_hashes(csp_page, site: Path) -> None:
    """The same check with the hashes taken out: Material's inline scripts are refused and reported.
    Without this, an empty violation list could also mean a listener that never fires."""
    policy = site_csp(site).split("; ")
    no_hashes = "; ".join("script-src 'self' 'wasm-unsafe-eval'" if p.startswith("script-src") else p for p in policy)
    with served(site, {"Content-Security-Policy": no_hashes}) as server:
        csp_page.goto(server.url + "en/index.html")
        csp_page.wait_for_function("window.__violations.length > 0")
        assert all(v.startswith("script-src") for v in csp_page.violations())


# --- the build hooks --------------------------------------------------------------------------------

def test_the_build_precompressed_every_large_file(site: Path) -> None:
    for path in precompress.candidates(site):
        data = path.read_bytes()
        for suffix, decode in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            copy = path.with_name(path.name + suffix)
            if copy.exists():
                assert decode(copy.read_bytes()) == data, f"{copy} is stale"
            else:  # only files that do not shrink (an already-deflated zip) have none
                assert len(precompress.ENCODERS[suffix](data)) > precompress.MAX_RATIO * len(data), f"{copy} is missing"
    assert (site / wasm_path(site)).with_suffix(".wasm.br").exists()
    assert (site / "search" / "search_index.json.gz").exists(), "written after the search index's last rewrite"


def test_precompressing_twice_does_no_work_the_second_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precompress, "CACHE", tmp_path / "cache")
    page = tmp_path / "page.html"
    page.write_text("<p>IoT SIM card help</p>\n" * 200, "utf-8")
    precompress.precompress(page)
    assert gzip.decompress((tmp_path / "page.html.gz").read_bytes()) == page.read_bytes()

    def fail(data: bytes, suffix: str) -> bytes:
        raise AssertionError("compressed again although nothing changed")

    monkeypatch.setattr(precompress, "compressed", fail)
    precompress.precompress(page)  # up to date: returns before compressing
    page.write_text("<p>changed</p>\n" * 200, "utf-8")
    os.utime(page, ns=(1, 1))  # even an older mtime is a change
    with pytest.raises(AssertionError, match="compressed again"):
        precompress.precompress(page)


def test_the_wasm_is_compressed_early_once_and_the_build_takes_that_result(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Pyodide's wasm starts compressing when the build starts (it overlaps the page building); the build's
    own call for it waits for that work instead of doing it again, and gets the same bytes."""
    monkeypatch.setattr(precompress, "CACHE", tmp_path / "cache")
    wasm = tmp_path / "pyodide.asm.wasm"
    wasm.write_bytes(b"\0asm" + bytes(range(256)) * 40)
    monkeypatch.setattr(precompress, "EARLY", (wasm,))
    monkeypatch.setattr(precompress, "_early", {})
    monkeypatch.setattr(precompress, "_command", precompress._command)  # on_startup sets it: put it back after
    calls: list[str] = []
    encoders = dict(precompress.ENCODERS)
    monkeypatch.setattr(precompress, "ENCODERS", {k: (lambda d, k=k: calls.append(k) or encoders[k](d)) for k in encoders})
    precompress.on_startup("build", False)
    data = wasm.read_bytes()
    assert precompress.compressed(data, ".br") == encoders[".br"](data)
    assert gzip.decompress(precompress.compressed(data, ".gz")) == data
    assert sorted(calls) == [".br", ".gz"], "each encoding once, by the early thread"
    precompress.on_startup("serve", False)  # `mkdocs serve` starts nothing
    assert precompress._early == {}


def test_real_builds_use_brotli_at_its_best_and_a_test_builds_copies_never_reach_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite builds at a fast brotli quality (tests/conftest.py); a build without that setting compresses
    at 11, and the cache names carry the level, so a real build never takes a copy the tests made."""
    env = {k: v for k, v in os.environ.items() if k != "IOT_HELP_BROTLI_QUALITY"}
    out = subprocess.run([sys.executable, "-c", "import precompress; print(precompress.LEVELS)"], cwd=ROOT / "hooks",
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "{'.gz': 9, '.br': 11}"
    monkeypatch.setattr(precompress, "CACHE", tmp_path / "cache")
    data = " ".join(f"物联网卡 {i} 停机 {i * 7 % 13}" for i in range(3000)).encode()
    monkeypatch.setitem(precompress.LEVELS, ".br", 5)
    assert brotli.decompress(precompress.compressed(data, ".br")) == data
    monkeypatch.setitem(precompress.LEVELS, ".br", 11)
    assert precompress.compressed(data, ".br") == brotli.compress(data, quality=11)
    assert len(list((tmp_path / "cache").iterdir())) == 2, "one cached copy per level"


def test_the_csp_hook_hashes_inline_scripts_and_refuses_inline_handlers(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<details open><summary>x</summary></details><script>var a = 1 && 2;</script>'
                                     '<script type="application/json">{"not": "run"}</script><script src="x.js"></script>')
    assert csp_hook.inline_hashes(tmp_path) == [csp_hook.script_hash("var a = 1 && 2;")]
    (tmp_path / "b.html").write_text('<button onclick="go()">Go</button><a href="javascript:go()">go</a>')
    with pytest.raises(PluginError, match=r"b\.html: <button onclick=\.\.\.>[\s\S]*b\.html: <a href=javascript:"):
        csp_hook.inline_hashes(tmp_path)
