"""The map of the troubleshooter's tree, drawn at build time from tree.toml: the engine's graph of it
(troubleshooter/graph.py) laid out as SVG by Graphviz (`dot`, run under Node from npm's @viz-js/viz;
see tree_map_node.mjs for why) and put inline in the page, followed by the same graph as a list. Pages ask for it with markers:

- `<!-- tree-map -->`: the map, its legend and the tree's version, then the list (integration guide);
- `<!-- tree-review -->`: the version, the path statistics and every path (review page for editors).

The inline SVG loads nothing: no script, no link, no font (a generic `sans-serif`), no namespace URL.
Layouts are cached in .cache/tree-map/ by the DOT text and the Graphviz package, so a rebuild with
the same tree does not start Node at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from _project import NODE_MODULES, ROOT, page_lang, run_tool, site_tree
from mkdocs.exceptions import PluginError
from troubleshooter.graph import text_list, to_dot, tree_graph
from troubleshooter.views import paths_html, stats_html, version_line, view_words

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from troubleshooter.schema import Tree

MAP_MARKER = "<!-- tree-map -->"
REVIEW_MARKER = "<!-- tree-review -->"
SCRIPT = ROOT / "hooks" / "tree_map_node.mjs"
CACHE = ROOT / ".cache" / "tree-map"
VIZ = NODE_MODULES / "@viz-js" / "viz" / "package.json"


def _viz_version() -> str:
    try:
        return json.loads(VIZ.read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise PluginError(f"{VIZ} is missing: run `make setup` (npm ci installs @viz-js/viz, which lays out "
                          "the tree map)") from None


@lru_cache(maxsize=8)
def layout(dot: str) -> str:
    """Graphviz's SVG for this DOT text, from the cache or from Node."""
    key = hashlib.sha256((dot + _viz_version() + SCRIPT.read_text("utf-8")).encode()).hexdigest()[:16]
    cached = CACHE / f"{key}.svg"
    if cached.exists():
        return cached.read_text("utf-8")
    svg = run_tool(["node", str(SCRIPT)], "the tree map's layout (Graphviz under Node)", 120,
                   "the tree map could not be laid out; it needs Node 20 (install it, then `make setup`)", stdin=dot)
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(svg, "utf-8")
    return svg


def clean_svg(svg: str, label: str) -> str:
    """Graphviz's SVG made fit to sit inside a page: no prolog, comments, tooltips, ids or namespace
    URLs (an HTML parser puts <svg> in its namespace itself), and named for assistive technology."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r'\s(?:id|xmlns(?::\w+)?)="[^"]*"', "", svg)
    svg = re.sub(r"\n\s*\n", "\n", svg)
    return svg.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" focusable="false"', 1).strip()


def map_svg(tree: Tree, lang: str) -> str:
    return clean_svg(layout(to_dot(tree_graph(tree, lang))), view_words("map", lang)["image"])


def map_html(tree: Tree, lang: str) -> str:
    """The map in its sideways-scrolling box, the legend with the tree's version, then the list."""
    w = view_words("map", lang)
    legend = escape(w["legend"].replace("{still}", tree.ui["feedback_no"].get(lang)))
    return (f'<figure class="tree-map" data-search-exclude>'
            f'<div class="tree-map-scroll" role="region" aria-label="{escape(w["region"])}" tabindex="0">'
            f"{map_svg(tree, lang)}</div>"
            f"<figcaption>{legend} {version_line(tree, lang)}</figcaption></figure>"
            f'<p class="tree-map-list-intro">{escape(w["list"])}</p>{text_list(tree_graph(tree, lang), tree)}')


def review_html(tree: Tree, lang: str) -> str:
    return stats_html(tree, lang) + paths_html(tree, lang)  # the version is under the map, above


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
    if MAP_MARKER not in html and REVIEW_MARKER not in html:
        return None
    tree, lang = site_tree(), page_lang(page, config)
    if MAP_MARKER in html:
        html = html.replace(MAP_MARKER, map_html(tree, lang), 1)
    if REVIEW_MARKER in html:
        html = html.replace(REVIEW_MARKER, review_html(tree, lang), 1)
    return html
