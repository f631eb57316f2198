"""Compute the site's Content-Security-Policy from the built pages, and write it where servers read it.

Material's pages carry small inline scripts (`__md_scope`, the palette, the tab restore); their text
changes with Material's version and with a page's depth. Rather than allow `'unsafe-inline'`, this hashes
every inline script of every page at build time into `script-src`, and writes:

- `_deploy/csp.txt`: the policy on one line, to paste into any host's or CDN's header settings;
- `_deploy/nginx-csp.conf`: the same as an nginx `map`, included by deploy/nginx.conf (reload nginx
  after deploying a build, so it reads the new hashes).

`_deploy/` is server configuration, not content: deploy/nginx.conf answers 404 for it, and the offline
bundle leaves it out. An inline event handler (`onclick=`) or `javascript:` link would need
`'unsafe-inline'`, so the build fails on one and names the page.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from _project import outer_build, write_if_changed
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

DEPLOY_DIR = "_deploy"
# Everything the site and the troubleshooter load is its own: Pyodide compiles WebAssembly
# ('wasm-unsafe-eval'), Material's CSS draws icons from data: SVGs, and the embed's worker may be blob:.
# frame-ancestors is left to the server: the embed pages (/embed/) must be framable by portals.
BASE_POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("worker-src", "'self' blob:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
NOT_HANDLERS = {"open"}  # the one HTML attribute that starts with "on" and runs nothing (<details open>)


class InlineScripts(HTMLParser):
    """Collects the text of inline executable scripts, and any inline handler that a hash cannot allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # hash the exact characters the browser hashes
        self.scripts: list[str] = []
        self.problems: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and "src" not in values and (values.get("type") or "").strip().lower() in EXECUTABLE_TYPES:
            self._current = []
        for name, value in attrs:
            if name.startswith("on") and name not in NOT_HANDLERS:
                self.problems.append(f"<{tag} {name}=...>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_hashes(site: Path) -> list[str]:
    """The sorted hashes of every inline script in the site's pages; raises on inline handlers."""
    hashes: set[str] = set()
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        parser = InlineScripts()
        parser.feed(page.read_text("utf-8"))
        parser.close()
        hashes.update(script_hash(s) for s in parser.scripts)
        problems += [f"{page.relative_to(site).as_posix()}: {p}" for p in parser.problems]
    if problems:
        raise PluginError("inline event handlers or javascript: links break under the site's CSP; move them "
                          "into a script file:\n  " + "\n  ".join(problems))
    return sorted(hashes)


def policy(hashes: list[str]) -> str:
    return "; ".join(f"{name} {value}{' ' + ' '.join(hashes) if name == 'script-src' and hashes else ''}"
                     for name, value in BASE_POLICY)


def nginx_snippet(csp: str) -> str:
    return ("# Written by hooks/csp.py at build time; deploy/nginx.conf includes it in its http block.\n"
            "# The hashes are those of the inline scripts in this build's pages.\n"
            f'map $uri $iot_help_csp {{\n    default "{csp}";\n}}\n')


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built every language
def on_post_build(config: MkDocsConfig) -> None:
    if not outer_build(config):
        return
    site = Path(config.site_dir)
    csp = policy(inline_hashes(site))
    write_if_changed(site / DEPLOY_DIR / "csp.txt", (csp + "\n").encode())
    write_if_changed(site / DEPLOY_DIR / "nginx-csp.conf", nginx_snippet(csp).encode())
