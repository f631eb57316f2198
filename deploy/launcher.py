#!/usr/bin/env python3
"""Serve the offline copy of the IoT SIM help site on this computer, with the full troubleshooter.

Double-clicking index.html works too, but browsers block the troubleshooter's Python engine on file://
pages. This serves the folder on 127.0.0.1 only (nothing leaves the machine), at a free port, with the
types WebAssembly and JavaScript modules need, and opens the browser.

It serves regular files inside the folder and nothing else (no directory listings, no symlink leading
out of it, not the build's `_deploy/` configuration), answers only requests addressed to 127.0.0.1 or
localhost at its own port (another name pointing at this machine, as in DNS rebinding, is refused),
and sends the same security headers as deploy/nginx.conf: the site's Content-Security-Policy, nosniff,
and framing only by the site itself (portals may frame the embed pages).

    python3 launcher.py [--port N] [--no-browser] [--dir SITE_FOLDER]

Standard library only, Python 3.8+.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import sys
import threading
import webbrowser
from pathlib import Path

TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".zip": "application/zip",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}


EMBED_PAGES = re.compile(r"^/([a-z]{2}/)?embed/")  # made to be framed by portals, as in deploy/nginx.conf
CSP_FILE = "_deploy/csp.txt"  # written by the build (hooks/csp.py)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    csp = ""  # the site's Content-Security-Policy (make_server(csp=...)); empty: none sent

    def log_message(self, format: str, *args: object) -> None:  # quiet: this is for people, not servers
        pass

    def end_headers(self) -> None:
        embed = bool(EMBED_PAGES.match(self.path))
        if self.csp:
            ancestors = "*" if embed else "'self'"
            self.send_header("Content-Security-Policy", f"{self.csp}; frame-ancestors {ancestors}")
        if not embed:
            self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        super().end_headers()

    def send_head(self):  # type: ignore[no-untyped-def]
        port = self.server.server_address[1]
        if self.headers.get("Host", "") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            self.send_error(421, f"This server answers only to http://127.0.0.1:{port}/")
            return None
        if self.target() is None:
            self.send_error(404, "Not found")
            return None
        return super().send_head()

    def target(self) -> str | None:
        """The regular file this request may be answered with, or None: never a listing, never a path
        outside the folder (symlinks resolved), never the build's configuration."""
        root = os.path.realpath(self.directory)
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return path  # SimpleHTTPRequestHandler redirects to the address with a slash
            path = os.path.join(path, "index.html")
        real = os.path.realpath(path)
        inside = real.startswith(root + os.sep)
        if not inside or not os.path.isfile(real) or real.startswith(os.path.join(root, "_deploy") + os.sep):
            return None
        return real

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(404, "Not found")
        return None


def site_policy(folder: Path) -> str:
    """The site's CSP, written by its build: `_deploy/csp.txt` in a built site, or `csp.txt` beside this
    file in the offline bundle (deploy/bundle.py puts it there, outside the served folder)."""
    for path in (folder / CSP_FILE, Path(__file__).resolve().parent / "csp.txt"):
        if path.is_file():
            return path.read_text("utf-8").strip()
    return ""


def make_server(folder: Path, port: int = 0, csp: str = "") -> http.server.ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port). Call serve_forever() on it.
    `csp`: the policy to send (the launcher sends site_policy()); empty for the test servers of
    tests/conftest.py, whose tools (axe) inject inline scripts; tests/test_offline_bundle.py checks the
    launcher's policy, and tests/test_serving.py the whole site under it in nginx."""
    handler_class = type("PolicySiteHandler", (SiteHandler,), {"csp": csp}) if csp else SiteHandler
    handler = functools.partial(handler_class, directory=str(folder))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port to use (default: any free port)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--dir", type=Path, default=here / "site", help="the site folder (default: site/ beside this file)")
    args = parser.parse_args(argv)
    if not (args.dir / "index.html").is_file():
        print(f"launcher: no site found in {args.dir}; pass --dir with the folder that holds index.html", file=sys.stderr)
        return 2
    try:
        server = make_server(args.dir, args.port, csp=site_policy(args.dir))
    except OSError as err:
        print(f"launcher: cannot listen on port {args.port} ({err.strerror}); try another --port", file=sys.stderr)
        return 2
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"The IoT SIM help site is at {url}  (press Ctrl+C to stop)", flush=True)
    if not args.no_browser:
        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
