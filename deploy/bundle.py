"""Build the offline bundle: dist/<name>-<version>.zip, for a companion CD, an intranet share or a field
engineer's laptop. `make bundle` runs this with the project's .venv.

    .venv/bin/python deploy/bundle.py [--dist DIR] [--site BUILT_SITE]

The zip holds one folder, <name>-<version>/, with:
  site/        the site built with --strict (opening site/index.html works without any server)
  launcher.py  stdlib-only server on 127.0.0.1, for the live troubleshooter (file:// pages cannot run it)
  README.txt   both of the above, in Chinese and English
  csp.txt      the site's Content-Security-Policy, which the launcher sends (from the build's _deploy/)

Name and version come from package.json. Left out: the .gz/.br copies (a launcher sends files as they
are; they would only make the zip larger) and _deploy/ (configuration for web servers).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXCLUDED_SUFFIXES = (".gz", ".br")
EXCLUDED_DIRS = ("_deploy",)


def name_and_version() -> tuple[str, str]:
    package = json.loads((ROOT / "package.json").read_text("utf-8"))
    return package["name"], package["version"]


def build_site(dest: Path) -> None:
    """The site as `make serve` shows it, built with --strict: any broken link stops the bundle."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                             "-d", str(dest)], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bundle: the site build failed (fix it, then run `make bundle` again):\n"
                         f"{result.stdout}{result.stderr}")


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and not p.name.endswith(EXCLUDED_SUFFIXES)
                  and not set(EXCLUDED_DIRS).intersection(p.relative_to(site).parts))


def write_zip(dest: Path, top: str, site: Path, readme: str) -> None:
    """Written beside `dest` first, then renamed: an interrupted run never leaves half a zip."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9, strict_timestamps=False) as zf:
        for path in site_files(site):
            zf.write(path, f"{top}/site/{path.relative_to(site).as_posix()}")
        launcher = zipfile.ZipInfo.from_file(HERE / "launcher.py", f"{top}/launcher.py", strict_timestamps=False)
        launcher.external_attr = 0o100755 << 16  # executable once unzipped (where the unzip tool keeps modes)
        launcher.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(launcher, (HERE / "launcher.py").read_bytes())
        zf.writestr(zipfile.ZipInfo.from_file(site / "_deploy" / "csp.txt", f"{top}/csp.txt", strict_timestamps=False),
                    (site / "_deploy" / "csp.txt").read_bytes(), zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo.from_file(HERE / "README-offline.txt", f"{top}/README.txt",
                                              strict_timestamps=False), readme.encode("utf-8"), zipfile.ZIP_DEFLATED)
    os.replace(partial, dest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build dist/<name>-<version>.zip: the site for offline use.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the zip goes (default: dist/)")
    parser.add_argument("--site", type=Path, help="an already built site to pack (default: build one now)")
    args = parser.parse_args(argv)
    name, version = name_and_version()
    top = f"{name}-{version}"
    readme = (HERE / "README-offline.txt").read_text("utf-8").replace("{version}", version)
    dest = args.dist / f"{top}.zip"
    with tempfile.TemporaryDirectory(prefix="bundle-") as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            build_site(site)
        elif not (site / "index.html").is_file():
            print(f"bundle: no built site in {site} (no index.html); leave out --site to build one", file=sys.stderr)
            return 2
        write_zip(dest, top, site, readme)
    print(f"{dest} ({dest.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
