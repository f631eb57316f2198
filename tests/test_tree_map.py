"""The tree map and the review page (troubleshooter/graph.py and views.py, laid out by hooks/tree_map.py):
drawn from the tree with Graphviz at build time, in both languages; the same graph as a list for screen
readers; every path listed; nothing that loads from another host; changes that follow tree.toml with no
hand edit; readable at 360 px; their words in both languages; the same map and paths from the CLI."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, Server, artifact, copy_tree_file

sys.path.insert(0, str(ROOT / "hooks"))
import _project  # noqa: E402,F401  (puts the project root on sys.path for the hooks' imports)
from mkdocs.exceptions import PluginError  # noqa: E402
from tree_map import layout, map_html, map_svg, review_html  # noqa: E402

from troubleshooter import LANGS, load_tree  # noqa: E402
from troubleshooter.graph import _tokens, em, text_list, to_dot, tree_graph, wrap  # noqa: E402
from troubleshooter.parsing import read_table  # noqa: E402
from troubleshooter.views import VIEWS_TOML, path_rows, paths_html, stats_html, version_line  # noqa: E402
from troubleshooter.walks import paths, summarize_paths  # noqa: E402

TREE = load_tree(ROOT / "troubleshooter" / "tree.toml", check=False)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML (or inline SVG) fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def foreign_references(html: str) -> list[str]:
    """Anything in the fragment that could make a browser ask another host (or any host) for something."""
    found = []
    for tag, attrs in Elements(html).tags:
        if tag in ("script", "image", "img", "iframe", "link", "use", "foreignobject", "style"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if re.search(r"(https?:)?//|url\(|@import", value, re.I) or name in ("href", "xlink:href", "src", "xmlns"):
                found.append(f"<{tag} {name}={value!r}>")
    return found


# --- The graph ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_graph_has_every_question_every_answer_and_every_result(lang: str) -> None:
    graph = tree_graph(TREE, lang)
    summary = summarize_paths(TREE)
    assert {n[2:] for n in graph.nodes if n.startswith("q:")} == set(TREE.questions)
    reported = {c for key in summary.results for c in key[1]}
    assert {c for n in graph.nodes if n.startswith("r:") for c in n[2:].split("+")} == reported
    for q in TREE.questions.values():
        labels = {label for e in graph.edges if e.src == f"q:{q.id}" for label in e.labels}
        assert labels == {o.label.get(lang) for o in q.options}, f"question {q.id}: answers missing from the map"
    still = {(e.src, e.dst) for e in graph.edges if e.still}
    assert still, "no dashed edge for \"still not working\""
    for key in summary.results:
        if key[2] is not None:
            assert any(src == "r:" + "+".join(key[1]) for src, _ in still), key


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_names_every_box_and_arrow_of_the_map(lang: str) -> None:
    graph = tree_graph(TREE, lang)
    words = "".join(Elements(text_list(graph, TREE)).text)
    for q in TREE.questions.values():
        assert q.text.get(lang) in words
        for o in q.options:
            assert o.label.get(lang) in words
    for node in graph.nodes.values():
        for line in node.lines:
            assert line in words
    assert TREE.ui["feedback_no"].get(lang) in words, "the dashed arrows are missing from the list"


def test_wrapping_keeps_every_character_and_the_width() -> None:
    zh = "设备去了一个以前没用过的地方（外市、外省或境外）"
    en = "The device went somewhere it had not been used before (another city, province or country)"
    for text, width in ((zh, 10), (en, 10), ("短", 10), ("one", 3)):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(em(line) <= width for line in lines if len(_tokens(line)) > 1), lines  # one long word may not fit
    assert all(not line.startswith(("，", "、", "）")) for line in wrap(zh, 4)), "punctuation starts a line"
    assert wrap(en, 10)[0] == "The device went"


# --- The SVG -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_map_is_an_svg_laid_out_by_graphviz_named_for_screen_readers(lang: str) -> None:
    svg = map_svg(TREE, lang)
    tags = Elements(svg).tags
    assert tags[0][0] == "svg" and tags[0][1]["role"] == "img" and len(tags[0][1]["aria-label"]) > 20
    text = "".join(Elements(svg).text).replace(" ", "")
    for q in TREE.questions.values():  # every question, every answer's words and every cause is drawn
        assert q.text.get(lang).replace(" ", "")[:6] in text, q.id
        for o in q.options:
            assert o.label.get(lang).replace(" ", "")[:4] in text, (q.id, o.key)
    for cause in TREE.causes:
        assert cause.title.get(lang).replace(" ", "")[:6] in text, cause.id
    assert {a.get("font-family") for t, a in tags if t == "text"} == {"sans-serif"}, "a named font could be fetched"
    assert "<title>" not in svg and "<!--" not in svg


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_in_the_map_or_the_review_references_another_host(lang: str) -> None:
    for html in (map_html(TREE, lang), review_html(TREE, lang)):
        assert foreign_references(html) == []


def test_the_reference_check_catches_what_it_is_for() -> None:
    bad = ['<svg><image href="https://x.example/a.png"/></svg>', '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
           '<p style="background: url(//cdn.example/x)">', '<svg><a xlink:href="#x"></a></svg>']
    assert all(foreign_references(b) for b in bad)
    assert foreign_references('<svg role="img"><text font-family="sans-serif">a</text></svg>') == []


def test_a_layout_that_fails_says_so_in_one_line() -> None:
    with pytest.raises(PluginError, match="could not be laid out"):
        layout("digraph { this is not dot ")


# --- Follows tree.toml ---------------------------------------------------------------------------------

def test_map_and_review_follow_a_changed_tree_with_no_hand_edit(tmp_path: Path) -> None:
    """A copy of tree.toml with the first question's text and one answer's words changed: the map, its
    list, the review page and the version all change."""
    start = TREE.questions[TREE.start]
    option = start.options[0]
    source = copy_tree_file(tmp_path)
    text = source.read_text("utf-8")
    for old in (start.text.zh, start.text.en, option.label.zh, option.label.en):
        assert f'"{old}"' in text, old
        text = text.replace(f'"{old}"', f'"{old} EDITED"')
    source.write_text(text, "utf-8")
    edited = load_tree(source, check=False)
    assert edited.version != TREE.version
    for lang in LANGS:
        before, after = map_html(TREE, lang), map_html(edited, lang)
        assert "EDITED" not in before and after.count("EDITED") >= 4  # map and list: the question and the answer
        assert "EDITED" in "".join(Elements(map_svg(edited, lang)).text)
        assert edited.version in version_line(edited, lang) and TREE.version not in version_line(edited, lang)
        assert "EDITED" in review_html(edited, lang) and "EDITED" not in review_html(TREE, lang)
    assert to_dot(tree_graph(edited, "en")) != to_dot(tree_graph(TREE, "en"))


# --- The review page -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_review_lists_every_path_with_its_outcome_and_facts(lang: str) -> None:
    every = list(paths(TREE, follow_still=False))
    html = paths_html(TREE, lang)
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert len(rows) == len(every) == summarize_paths(TREE).stats["paths"]
    for (n, answers, outcome, facts), path in zip(rows, every):
        assert [f"<code>{f.cause.id}</code>" in outcome for f in path.result.findings] == [True] * len(path.result.findings)
        for fid in path.facts:
            assert f"{fid}=" in facts, (n, fid)
        assert answers.count("→") == sum(1 for q, _ in path.events if q is not None) - 1
    stats = stats_html(TREE, lang)
    assert str(summarize_paths(TREE).stats["paths"]) in stats
    assert all(c.id in stats for c in TREE.causes)


def test_every_word_of_the_views_is_in_both_languages() -> None:
    problems = []
    for section, entries in read_table(VIEWS_TOML).items():
        for key, entry in entries.items():
            texts = [entry.get(lang) for lang in LANGS] if isinstance(entry, dict) else [None]
            if any(not t for t in texts) or len({type(t) for t in texts}) > 1 or \
                    len({len(t) for t in texts if isinstance(t, list)}) > 1:
                problems.append(f"[{section}] {key}")
    assert problems == [], "each needs a text (or a list of the same length) in every language"


def test_the_cli_prints_the_same_map_and_paths_for_a_tree_of_ones_own(tmp_path: Path) -> None:
    """A carrier with rules of its own reviews them as the site's editors do: the same DOT the map is
    laid out from, and one block per path with the same answers, causes and facts as the review page."""
    from troubleshooter.cli import main
    import io

    path = copy_tree_file(tmp_path)
    path.write_text(path.read_text("utf-8").replace('text.zh = "你遇到的是哪种情况？"', 'text.zh = "设备怎么了？"')
                    .replace('text.en = "What is happening?"', 'text.en = "What does the device do?"'), "utf-8")
    mine = load_tree(path)
    for lang in LANGS:
        out = io.StringIO()
        assert main(["--tree", str(path), "map", "--lang", lang], stdout=out) == 0
        assert out.getvalue() == to_dot(tree_graph(mine, lang)) + "\n" != to_dot(tree_graph(TREE, lang)) + "\n"
        out = io.StringIO()
        assert main(["--tree", str(path), "paths", "--lang", lang], stdout=out) == 0
        blocks = out.getvalue().strip().split("\n")[::3]
        rows = path_rows(mine, lang)
        assert len(blocks) == len(rows) == summarize_paths(mine).stats["paths"]
        for block, row in zip(blocks, rows):
            assert block.split(". ", 1)[1] == " → ".join(row.answers)


def test_the_cli_map_of_a_broken_tree_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import subprocess

    path = copy_tree_file(tmp_path)
    path.write_text(path.read_text("utf-8").replace('next = "months_expired"\n', 'next = "gone"\n'), "utf-8")
    run = subprocess.run([sys.executable, "-m", "troubleshooter", "--tree", str(path), "map"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 2 and run.stdout == ""
    assert "leads to gone" in run.stderr and "Traceback" not in run.stderr


# --- The built site ------------------------------------------------------------------------------------

PAGES = ("integrate/embedding.html", "integrate/tree-review.html")


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_pages_carry_the_map_in_both_languages(site: Path, lang: str) -> None:
    for rel in PAGES:
        html = (site / ("" if lang == "zh" else "en") / rel).read_text("utf-8")
        assert "<!-- tree-map -->" not in html and "<!-- tree-review -->" not in html
        figure = re.search(r'<figure class="tree-map".*?</figure>', html, re.S)
        assert figure and html.count('<svg role="img"') == 1, rel
        assert foreign_references(figure.group(0)) == []
        assert TREE.version in figure.group(0)
        assert 'class="tree-map-list"' in html
        assert ('class="tree-review-paths"' in html) == rel.endswith("tree-review.html")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["integrate/tree-review.html", "en/integrate/tree-review.html",
                                  "en/integrate/embedding.html"])
def test_the_map_scrolls_in_its_box_at_360_px_and_loads_nothing_else(browser, server: Server, path: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"the page scrolls sideways: {width[0]} px in {width[1]} px"
        box = page.evaluate("""(() => { const b = document.querySelector('.tree-map-scroll');
            const s = b.querySelector('svg').getBoundingClientRect();
            return [b.scrollWidth, b.clientWidth, s.width, b.tabIndex]; })()""")
        assert box[0] > box[1] and box[2] > 360, f"the map is shrunk to the screen instead of scrolling: {box}"
        assert box[3] == 0, "the scrolling box cannot be reached by keyboard"
        page.evaluate("document.querySelector('.tree-map-scroll').scrollLeft = 400")
        page.locator(".tree-map").screenshot(path=str(artifact(f"mobile-tree-map-{path.replace('/', '-')}.png")))
        assert [u for u in requested if not u.startswith(server.url)] == []
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "path"), [("zh", "integrate/tree-review.html"), ("en", "en/integrate/tree-review.html")])
def test_the_review_page_has_no_serious_axe_violations(page, server: Server, lang: str, path: str) -> None:
    from test_accessibility import LOADS_IN, in_each_scheme, serious_violations

    page.emulate_media(color_scheme=LOADS_IN[lang])
    page.goto(server.url + path)
    for scheme in in_each_scheme(page, lang):
        assert serious_violations(page) == [], scheme
