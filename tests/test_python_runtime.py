"""The Python runtime the build prepares for the browser (hooks/python_runtime.py, hooks/runtime/build.py):
a trimmed, precompiled standard library, the engine's wheel registered by pyodide-build in an inline lock
that the worker really uses (by name, hash-checked), the same wheel installed by pip on CPython; the build
check that names a missing module; a lock with the wrong ABI failing loudly; readable engine tracebacks.

The Node-level tests run Pyodide under Node like the build (a few seconds each); they reuse the build's
cache in .cache/python-runtime, or prepare it once."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, Server
from troubleshooter import LANGS, default_tree
from troubleshooter.walks import summarize_paths
from troubleshooter.facts import to_query

sys.path.insert(0, str(ROOT / "hooks"))
import runtime.build as rb  # noqa: E402
import runtime.wheel as rw  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402

STOCK_LOCK = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text())
STOCK_STDLIB = ROOT / "node_modules/pyodide/python_stdlib.zip"
FEW_REQUESTS = [json.dumps({"query": "?symptom=no_service&stop_reason=unknown", "lang": lang}) for lang in ("zh", "en")]


def site_config(site: Path) -> dict:
    text = (site / "assets/troubleshooter/config.js").read_text()
    return json.loads(text.split("export default ", 1)[1].rstrip(";\n"))


@pytest.fixture(scope="module")
def runtime(site: Path) -> rb.Runtime:
    """The runtime the site build prepared, from its cache. Asking for `site` first matters on a fresh
    clone: these tests then wait for the build instead of preparing the same runtime beside it (about
    20 s of CPU twice over)."""
    return rb.prepare()


@pytest.fixture()
def runtime_files(runtime: rb.Runtime, tmp_path: Path) -> tuple[Path, Path]:
    """The trimmed stdlib zip, and the folder holding the engine's wheel (the worker's `packageBaseUrl`)."""
    stdlib, packages = tmp_path / "stdlib.zip", tmp_path / "packages"
    stdlib.write_bytes(runtime.stdlib)
    packages.mkdir()
    (packages / runtime.wheel_name).write_bytes(runtime.wheel)
    return stdlib, packages


def test_the_site_ships_a_trimmed_precompiled_stdlib_and_an_inline_lock(site: Path) -> None:
    settings = site_config(site)
    stdlib = zipfile.ZipFile(site / "assets/troubleshooter" / settings["stdlib"])
    modules = [n for n in stdlib.namelist() if not n.endswith("/")]
    assert modules and all(n.endswith(".pyc") for n in modules), "sourceless .pyc only"
    assert {"json/__init__.pyc", "html/__init__.pyc", "encodings/utf_8.pyc", "asyncio/__init__.pyc",
            "_pyodide/_base.pyc"} <= set(modules)
    stock = [n for n in zipfile.ZipFile(STOCK_STDLIB).namelist() if n.endswith(".py")]
    assert len(modules) < len(stock) / 1.5, "trimmed to what is imported"
    assert "unittest/__init__.pyc" not in modules and "sqlite3/__init__.pyc" not in modules
    headers = {stdlib.read(n)[:8] for n in modules}
    magics = {h[:4] for h in headers}
    assert len(magics) == 1, "one interpreter's magic number"
    assert {int.from_bytes(h[4:8], "little") for h in headers} == {1}, "hash-based, unchecked (never stats a source)"
    assert settings["lock"]["info"] == STOCK_LOCK["info"], "ABI read from the shipped lock"
    assert list(settings["lock"]["packages"]) == [settings["engine"]], "only the engine's wheel is listed"


def shipped_wheel(site: Path) -> tuple[dict, Path]:
    settings = site_config(site)
    entry = settings["lock"]["packages"][settings["engine"]]
    return entry, site / "assets/troubleshooter" / settings["packages"] / entry["file_name"]


def test_the_engine_ships_as_a_wheel_registered_in_the_lock_with_its_hash(site: Path) -> None:
    entry, wheel = shipped_wheel(site)
    assert entry["name"] == "iot-troubleshooter" and entry["imports"] == ["troubleshooter"]
    assert entry["version"] == rw.distribution()["version"] and wheel.name == rw.distribution()["file"]
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest(), "Pyodide checks this hash"
    names = set(zipfile.ZipFile(wheel).namelist())
    def compiled(module: str) -> bool:
        return any(n.startswith(f"troubleshooter/__pycache__/{module}.cpython-3") and n.endswith(".pyc") for n in names)

    for module in ("engine", "browser", "render", "schema", "cli", "graph", "views"):
        assert f"troubleshooter/{module}.py" in names, "sources kept: readable tracebacks, and pip installs them"
    assert all(compiled(m) for m in ("__init__", "engine", "browser", "render", "schema")), "what the browser imports"
    assert not any(compiled(m) for m in ("cli", "graph", "views")), "the browser never runs these: no .pyc to fetch"
    assert {"troubleshooter/tree.json", "troubleshooter/tree.toml", "troubleshooter/codes.json"} <= names
    assert not any(n.startswith("troubleshooter/web/") for n in names), "the page's scripts are not Python"
    record = zipfile.ZipFile(wheel).read("iot_troubleshooter-2.0.0.dist-info/RECORD".replace("2.0.0", entry["version"])).decode()
    listed = {line.split(",")[0] for line in record.splitlines()}
    assert listed == names, "RECORD lists every file, the added .pyc too"


@pytest.mark.parametrize("python", ["python3.11", "venv"])
def test_carriers_pip_install_the_same_wheel_and_run_the_cli(site: Path, tmp_path: Path, python: str) -> None:
    """The wheel the browser loads is the one a carrier's backend installs: on the oldest CPython the engine
    supports (3.11, Debian 12's own) and on the build's, offline, with its console script."""
    interpreter = shutil.which(python) if python != "venv" else sys.executable
    assert interpreter, f"{python} is not on PATH: Debian's python3.11 is part of these machines"
    _, wheel = shipped_wheel(site)
    env_dir = tmp_path / "env"
    # no pip of its own (bootstrapping one takes 4 s): the suite's pip installs into it, for its interpreter
    subprocess.run([interpreter, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin/python"), "install", "--no-index",
                          "--no-deps", "--disable-pip-version-check", "-q", str(wheel)], capture_output=True, text=True,
                         timeout=300)
    assert pip.returncode == 0, pip.stderr
    run = subprocess.run([str(env_dir / "bin/iot-troubleshooter"), "diagnose", "--lang", "en", "--facts",
                          '{"balance": "arrears"}'], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["causes"][0]["id"] == "arrears", result
    decode = subprocess.run([str(env_dir / "bin/python"), "-m", "troubleshooter", "decode", "onelink.stopReason",
                             "000020000000", "--lang", "en"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert decode.returncode == 0 and "arrears" in decode.stdout, decode.stdout + decode.stderr


@pytest.mark.browser
def test_the_worker_loads_the_trimmed_stdlib_and_no_lock_file(page, server: Server) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(server.url + "en/troubleshooter.html")
    page.wait_for_selector(".iot-ts[data-engine=pyodide]", timeout=60_000)
    names = [url.rsplit("/", 1)[-1] for url in requested]
    assert any(n.startswith("stdlib-") and n.endswith(".zip") for n in names), names
    assert "python_stdlib.zip" not in names and "pyodide-lock.json" not in names, names
    assert page.errors == []


@pytest.mark.browser
def test_a_lock_with_the_wrong_abi_fails_loudly_in_the_browser(page, server: Server, site: Path) -> None:
    """Pyodide throws on a lock whose ABI is not its own (it does not fall back or hang): the page keeps
    the static steps, shows its notice, and the console says why."""
    body = (site / "assets/troubleshooter/config.js").read_text()
    abi = STOCK_LOCK["info"]["abi_version"]
    page.route("**/assets/troubleshooter/config.js",
               lambda route: route.fulfill(body=body.replace(f'"{abi}"', '"1999_0"'), content_type="text/javascript"))
    page.goto(server.url + "en/troubleshooter.html")
    page.wait_for_selector(".ts-status:has-text('could not load')", timeout=30_000)
    assert page.get_attribute(".iot-ts", "data-engine") == "static"
    assert any("ABI version" in e for e in page.errors), page.errors


@pytest.mark.browser
def test_a_wheel_that_differs_from_its_lock_entry_is_refused(page, server: Server, site: Path) -> None:
    """Loaded by name from the lock, the wheel is checked against the lock's sha256 (the browser's
    subresource integrity): a copy changed on the way (a stale cache, a proxy) never runs; the page keeps
    the static steps and says so."""
    _, wheel = shipped_wheel(site)
    changed = wheel.read_bytes() + b"\0"  # still a readable zip, but not the registered file
    page.route("**/*.whl", lambda route: route.fulfill(body=changed, content_type="application/octet-stream"))
    page.goto(server.url + "en/troubleshooter.html")
    page.wait_for_selector(".ts-status:has-text('could not load')", timeout=30_000)
    assert page.get_attribute(".iot-ts", "data-engine") == "static"
    assert any("iot-troubleshooter did not load" in e for e in page.errors), page.errors


def test_a_lock_with_the_wrong_abi_fails_the_build_check(runtime: rb.Runtime, runtime_files: tuple[Path, Path]) -> None:
    stdlib, engine = runtime_files
    wrong = {**runtime.lock, "info": {**runtime.lock["info"], "abi_version": "1999_0"}}
    with pytest.raises(PluginError) as caught:
        rb.check(stdlib, engine, wrong, FEW_REQUESTS)
    message = str(caught.value)
    assert "ABI version" in message and "1999_0" in message and "pyodide-lock.json" in message


def test_a_module_missing_from_the_trimmed_stdlib_fails_the_build_by_name(
        runtime: rb.Runtime, runtime_files: tuple[Path, Path], tmp_path: Path) -> None:
    stdlib, engine = runtime_files
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(io.BytesIO(runtime.stdlib)) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            if not info.filename.startswith("html/"):  # the renderer needs html.escape
                dst.writestr(info, src.read(info))
    with pytest.raises(PluginError) as caught:
        rb.check(broken, engine, runtime.lock, FEW_REQUESTS)
    message = str(caught.value)
    assert "lacks the module 'html'" in message
    assert "ignore that" in message, "Pyodide's 'removed from the standard library' wording is explained"
    assert "build again" in message, "says what to do next"


def test_the_trimmed_runtime_answers_like_the_stock_one_and_engine_errors_stay_readable(
        runtime: rb.Runtime, runtime_files: tuple[Path, Path]) -> None:
    stdlib, engine = runtime_files
    result = rb.check(stdlib, engine, runtime.lock, FEW_REQUESTS)
    assert rb.readable(result["errorText"]), result["errorText"]
    assert "json.loads(request_json)" in result["errorText"], "the failing source line of browser.py is shown"
    imported = {name.removesuffix("c") for name in result["imported"]}  # sourceless: module.__file__ is .pyc
    assert imported and imported <= set(runtime.modules), "nothing came from outside the trimmed list"


def test_the_module_list_is_computed_from_what_the_engine_imports(runtime: rb.Runtime) -> None:
    manifest = json.loads((rb.CACHE / runtime.key / "manifest.json").read_text())
    traced = set(manifest["traced"])
    # imported by the engine (render: html; facts: urllib.parse), not by Pyodide's start-up
    assert {"html/__init__.py", "urllib/parse.py", "json/__init__.py"} <= traced
    reqs = rb.requests()
    assert manifest["requests"] == len(reqs), "the trace answered every request"
    asked = {(r["query"], r["lang"]) for r in map(json.loads, filter(lambda x: x.startswith("{"), reqs))
             if r.get("locked") == {}}
    tree = default_tree()
    for facts in summarize_paths(tree).samples.values():  # every state a person can reach, in every language
        assert {(to_query(tree, facts), lang) for lang in LANGS} <= asked, facts
    assert set(runtime.modules) == traced | {m for m in runtime.modules if m.startswith("encodings/")}


def test_a_prepared_runtime_is_reused_without_running_node(runtime: rb.Runtime, monkeypatch) -> None:
    def no_node(job: dict) -> dict:
        raise AssertionError("the cached runtime should have been used")

    monkeypatch.setattr(rb, "run_node", no_node)
    monkeypatch.setattr(rb, "_memo", {})
    again = rb.prepare()
    assert again.stdlib == runtime.stdlib and again.wheel == runtime.wheel and again.key == runtime.key


def test_a_changed_engine_gets_a_new_cache_key(monkeypatch) -> None:
    key = rb.cache_key()
    assert rb.cache_key() == key
    monkeypatch.setattr(rb, "source_digest", lambda: "another engine")
    assert rb.cache_key() != key


def test_the_explanation_of_a_missing_module_is_translated() -> None:
    pyodide_says = ("ModuleNotFoundError: No module named 'zoneinfo'\nThe module 'zoneinfo' is removed from the "
                    "Python standard library in the Pyodide distribution due to browser limitations.")
    text = rb.explain({"message": pyodide_says, "request": '{"query": "?x=1"}'}, "check")
    assert "lacks the module 'zoneinfo'" in text and '?x=1' in text and "ignore that" in text


@pytest.mark.parametrize(("args", "expected"), [
    (["bash", "-c", "echo the-tool-said-why >&2; exit 3"], "the tool failed with exit code 3:\nthe-tool-said-why\nDo this."),
    (["/nonexistent/tool"], "the tool could not start ("),
    (["sleep", "5"], "the tool took over 1 s; is the machine overloaded?"),
])
def test_a_build_tool_that_fails_is_named_with_its_output_and_what_to_do(args: list[str], expected: str) -> None:
    from _project import run_tool

    with pytest.raises(PluginError) as caught:
        run_tool(args, "the tool", 1, "Do this.")
    assert expected in str(caught.value)
