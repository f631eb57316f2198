#!/usr/bin/env python3
"""Serve the offline copy of the IoT SIM help site on this computer, with the full troubleshooter.

Double-clicking index.html works too, but browsers block the troubleshooter's Python engine on file://
pages. This serves the folder on 127.0.0.1 only (nothing leaves the machine), at a free port, with the
types WebAssembly and JavaScript modules need, and opens the browser.

    python3 launcher.py [--port N] [--no-browser] [--dir SITE_FOLDER]

Standard library only, Python 3.8+.
"""

from __future__ import annotations

import argparse
import functools
import http.server
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


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def log_message(self, format: str, *args: object) -> None:  # quiet: this is for people, not servers
        pass


def make_server(folder: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port). Call serve_forever() on it."""
    handler = functools.partial(SiteHandler, directory=str(folder))
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
        server = make_server(args.dir, args.port)
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
