"""Put the troubleshooter on the pages that ask for it (front matter `troubleshooter: true`): the whole
tree rendered as plain HTML by the engine's own renderer, so the first question paints with the page and
everything works without JavaScript; the script that brings the live engine is added by overrides/main.html.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from _project import page_lang, site_tree, to_lang_root
from mkdocs.exceptions import PluginError
from troubleshooter.fallback import render_fallback
from troubleshooter.render import ui, widget_html

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

MARKER = "<!-- troubleshooter -->"


def widget(lang: str, article_base: str = "", url_mode: str = "push") -> str:
    """The widget's root: status line, the static steps, and the (empty) place the live engine paints in.
    `article_base` leads from the page to its language's root; `url_mode` "replace" keeps an embedded
    page from adding entries to the portal's session history."""
    tree = site_tree()
    attrs = {"id": "iot-ts", "data-engine": "static", "data-lang": lang, "data-article-base": article_base,
             "data-url-mode": url_mode}
    attrs |= {f'data-msg-{key.replace("_", "-")}': ui(tree, key, lang) for key in ("loading", "engine_failed", "file_note")}
    return widget_html(attrs, unsearched(render_fallback(tree, lang, article_base)))


def unsearched(steps: str) -> str:
    """The static steps, kept out of Material's search index. Indexed, they were some 90 sections per
    language (a question repeats on every path to it) that crowded the articles out of the results, led
    to steps the live widget replaces, and made up 40 % of the index every page loads and indexes.
    Material skips an element marked `data-search-exclude`, but still makes an entry, titled like the
    page, for each heading inside one: so the headings are marked too. The troubleshooter page's own
    text stays searchable."""
    return re.sub(r'<(h[1-6]|div class="ts-steps")(?=[ >])', r"<\1 data-search-exclude", steps)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if not page.meta.get("troubleshooter"):
        return None
    if MARKER not in html:
        raise PluginError(f"{page.file.src_uri}: has troubleshooter: true but no {MARKER} line where it should go")
    url_mode = "replace" if page.meta.get("embed") else "push"
    return html.replace(MARKER, widget(page_lang(page, config), to_lang_root(page), url_mode), 1)
