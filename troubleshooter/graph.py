"""The tree as a graph an editor can read: one box per question, one result box per set of causes the
engine reports together, an arrow per answer (labelled with the answer's words) and a dashed arrow from
a result to where "still not working" goes on. Written as Graphviz DOT for the layout, and as a nested
list, the same graph in words, for screen readers and for anyone the picture does not suit. The site
lays the DOT out at build time (hooks/tree_map.py); `python -m troubleshooter map` prints it for a tree
of one's own.

The graph is not read from the TOML by hand: it is the engine's own walk over every state
(walks.summarize_paths), folded so that a question asked again after "still not working" (the same
question, with some causes dealt with) is still one box. So the map shows what people meet, and it
changes whenever tree.toml does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from html import escape

from .render import ui
from .schema import Tree
from .views import view_words
from .walks import StateKey, summarize_paths

NODE_PT = 11  # font sizes in points: the SVG keeps Graphviz's units, so 11 pt shows as about 15 px
EDGE_PT = 10
NODE_EM = 13  # the widest line of a box, in em (13 Chinese characters, about 24 Latin letters)
EDGE_EM = 10
COLOURS = {"question": "#e8eaf6", "result": "#fff3e0", "line": "#3949ab", "still": "#8d4b00", "text": "#1a1a1a"}


@dataclass
class Node:
    id: str  # "q:<question id>" or "r:<cause id>+<cause id>…"
    kind: str  # "question" or "result"
    lines: tuple[str, ...]  # one entry per paragraph: the question's text, or each cause's title


@dataclass
class Edge:
    src: str
    dst: str
    labels: list[str] = field(default_factory=list)  # the answers that take this way (empty for "still")
    still: bool = False


@dataclass
class TreeGraph:
    lang: str
    start: str
    nodes: dict[str, Node]
    edges: list[Edge]


def node_id(key: StateKey) -> str:
    return f"q:{key[1]}" if key[0] == "q" else "r:" + "+".join(key[1])


def tree_graph(tree: Tree, lang: str) -> TreeGraph:
    """Every question and result a person can reach, and every way between them."""
    summary = summarize_paths(tree)
    nodes: dict[str, Node] = {f"q:{q.id}": Node(f"q:{q.id}", "question", (q.text.get(lang),))
                              for q in tree.questions.values()}
    order = {c.id: i for i, c in enumerate(tree.causes)}
    for key in sorted(summary.results, key=lambda k: [order[c] for c in k[1]]):
        nodes.setdefault(node_id(key), Node(node_id(key), "result",
                                            tuple(tree.cause(c).title.get(lang) for c in key[1])))
    answers: dict[tuple[str, str], list[int]] = {}
    for (here, i), target in summary.links.items():
        picked = answers.setdefault((node_id(here), node_id(target)), [])
        if i not in picked:
            picked.append(i)
    edges = []
    for (src, dst), picked in answers.items():
        question = tree.questions[src[2:]]
        edges.append(Edge(src, dst, [question.options[i].label.get(lang) for i in sorted(picked)]))
    still = dict.fromkeys((node_id(k), node_id(k[2])) for k in summary.results if k[2] is not None)
    edges += [Edge(src, dst, still=True) for src, dst in still]
    rank = {n: i for i, n in enumerate(nodes)}
    edges.sort(key=lambda e: (e.still, rank[e.src], rank[e.dst]))
    return TreeGraph(lang, f"q:{tree.start}", nodes, edges)


# --- Graphviz DOT --------------------------------------------------------------------------------------

def em(text: str) -> float:
    """A generous width in em: Graphviz's WebAssembly build has no font files, and estimates Chinese
    characters at about half their real width, so the labels give it their size themselves."""
    width = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            width += 1.0
        elif ch == " ":
            width += 0.3
        elif ch.isupper() or ch.isdigit() or ch in "mwMW":
            width += 0.68
        else:
            width += 0.54
    return width


def _tokens(text: str) -> list[str]:
    """Units a line may break between: a Latin word with its space, or one Chinese character with the
    punctuation that must stay beside it."""
    def wide(ch: str) -> bool:
        return unicodedata.east_asian_width(ch) in "WF"

    out: list[str] = []
    for ch in text:
        last = out[-1][-1] if out else ""
        same_word = last and not wide(ch) and not wide(last) and last != " "
        if last and (ch in "，。、？！：；）”’,.;:!?) " or last in "（“‘(" or same_word):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def wrap(text: str, max_em: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if line and em(line + token.rstrip()) > max_em:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return lines + [line.rstrip()] if line.strip() else lines


def _cell(paragraphs: list[str], max_em: float, pt: int, bold: bool = False, rule: bool = False) -> str:
    """An HTML-like label whose cell is as big as the browser will need for the text. Lines are set
    flush left: Graphviz places centred lines by its own (too small) estimate, a left edge it gets right."""
    wrapped = [wrap(p, max_em) for p in paragraphs]
    lines = [line for w in wrapped for line in w]
    width = max(em(line) for line in lines) * pt + 6
    rows = []
    for w in wrapped:
        body = "<BR/>".join(escape(line, quote=False) for line in w)
        if bold:
            body = f"<B>{body}</B>"
        rows.append(f'<TR><TD WIDTH="{width:.0f}" HEIGHT="{len(w) * pt * 1.3 + 2:.0f}" ALIGN="LEFT" BALIGN="LEFT">'
                    f'{body}</TD></TR>')
    sep = '<TR><TD HEIGHT="1" BGCOLOR="#c9a36b"></TD></TR>' if rule else ""
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{sep.join(rows)}</TABLE>>'


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: TreeGraph) -> str:
    """The graph in DOT, left to right (the first question is at the left edge, where a box that scrolls
sideways starts), questions as boxes and results as rounded shaded boxes."""
    c = COLOURS
    out = [
        "digraph tree {",
        '  graph [rankdir=LR nodesep=0.25 ranksep=0.6 concentrate=true fontname="sans-serif" bgcolor="white" pad=0.15];',
        f'  node [shape=box fontname="sans-serif" fontsize={NODE_PT} fontcolor="{c["text"]}" margin="0.06,0.04"'
        f' style="filled" penwidth=1.2];',
        f'  edge [fontname="sans-serif" fontsize={EDGE_PT} fontcolor="{c["text"]}" color="{c["line"]}"'
        ' arrowsize=0.7];',
    ]
    for node in graph.nodes.values():
        if node.kind == "question":
            extra = ' penwidth=2.4' if node.id == graph.start else ""
            out.append(f'  {_quote(node.id)} [label={_cell(list(node.lines), NODE_EM, NODE_PT, bold=True)}'
                       f' fillcolor="{c["question"]}" color="{c["line"]}"{extra}];')
        else:
            out.append(f'  {_quote(node.id)} [label={_cell(list(node.lines), NODE_EM, NODE_PT, rule=True)}'
                       f' shape=box style="rounded,filled" fillcolor="{c["result"]}" color="{c["still"]}"];')
    for e in graph.edges:
        if e.still:
            out.append(f'  {_quote(e.src)} -> {_quote(e.dst)} [style=dashed color="{c["still"]}" constraint=false'
                       ' tailport=s headport=s];')
        else:
            labels = [("• " if len(e.labels) > 1 else "") + label for label in e.labels]
            out.append(f'  {_quote(e.src)} -> {_quote(e.dst)} [label={_cell(labels, EDGE_EM, EDGE_PT)}];')
    out.append("}")
    return "\n".join(out) + "\n"


# --- The same graph in words ---------------------------------------------------------------------------

def _name(graph: TreeGraph, nid: str) -> str:
    node, w = graph.nodes[nid], view_words("map", graph.lang)
    return f"{w[node.kind]}{w['colon']}{escape(w['joiner'].join(node.lines))}"


def text_list(graph: TreeGraph, tree: Tree) -> str:
    """Each question with its answers and where each leads, then each result with where "still not
    working" goes on: the map's every box and arrow, as a list a screen reader reads in order."""
    w = view_words("map", graph.lang)
    still_words = escape(ui(tree, "feedback_no", graph.lang))
    items = []
    for node in graph.nodes.values():
        out = [e for e in graph.edges if e.src == node.id]
        if node.kind == "result" and not out:
            continue
        head = f"<strong>{_name(graph, node.id)}</strong>" + (escape(w["start"]) if node.id == graph.start else "")
        if node.kind == "question":
            head += f" <code>{escape(node.id[2:])}</code>"
        rows = []
        for e in out:
            said = still_words if e.still else " / ".join(escape(label) for label in e.labels)
            rows.append(f"<li>{said} → {_name(graph, e.dst)}</li>")
        items.append(f"<li>{head}<ul>{''.join(rows)}</ul></li>")
    return f'<ul class="tree-map-list">{"".join(items)}</ul>'
