"""Give each language folder its own sitemap.xml.

Material's language switcher fetches `sitemap.xml` beside each alternate page (`<link rel=alternate>`);
mkdocs-static-i18n writes one at the site root only, so every page in English logged a 404. Copying the
root sitemap into each language folder answers those requests with the real sitemap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from _project import copy_if_changed

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def on_post_build(config: MkDocsConfig) -> None:
    site = Path(config.site_dir)
    i18n = config.plugins.get("i18n")
    languages = [lang.locale for lang in i18n.config.languages if not lang.default] if i18n else []
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        if (site / name).is_file():
            for lang in languages:
                if (site / lang).is_dir():
                    copy_if_changed(site / name, site / lang / name)
