"""The one renderer of a step: HTML for the site's no-JavaScript fallback and for the live widget alike,
and plain text for the CLI and the "copy a summary" button.

Every piece of text is escaped here; the JavaScript that paints the result never builds HTML itself.
Where links point is the only thing that differs between the fallback (anchors inside the page) and the
live widget (query strings the script intercepts), so that is passed in as a `Links` object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Protocol

from .codes import Decoded
from .engine import Finding, QuestionStep, ResultStep, Step, choose, several
from .findings import brought, final_word
from .facts import SOLVED, to_query
from .langs import COLON, PARENS, SEPARATOR
from .parsing import Text
from .schema import LANGS, UNKNOWN, Fact, Option, Question, Tree, Value

Evidence = Mapping[tuple[str, str | int], Text]  # (fact, value) -> the platform code it came from (facts.Reading)


class Links(Protocol):
    def answer(self, question: Question, option: Option, facts: Mapping[str, Value]) -> str: ...
    def back(self, facts: Mapping[str, Value]) -> str: ...
    def restart(self) -> str: ...
    def article(self, path: str) -> str: ...
    def still(self, facts: Mapping[str, Value]) -> str: ...
    def solved(self, facts: Mapping[str, Value]) -> str: ...


class QueryLinks:
    """Links of the live widget: each answer is the query string of the state it leads to."""

    def __init__(self, tree: Tree, article_base: str = "", locked: Mapping[str, Value] | None = None,
                 decoded: Iterable[Decoded] = ()) -> None:
        self.tree, self.article_base, self.locked = tree, article_base, dict(locked or {})
        self.decoded = tuple(decoded)  # platform codes: kept in links while the facts they set are

    def answer(self, question: Question, option: Option, facts: Mapping[str, Value]) -> str:
        return to_query(self.tree, choose(self.tree, facts, option), self.decoded)

    def back(self, facts: Mapping[str, Value]) -> str:
        return to_query(self.tree, facts, self.decoded)

    def still(self, facts: Mapping[str, Value]) -> str:
        return to_query(self.tree, facts, self.decoded)

    def solved(self, facts: Mapping[str, Value]) -> str:
        return to_query(self.tree, facts, self.decoded) + "&" + SOLVED

    def restart(self) -> str:
        return to_query(self.tree, self.locked, self.decoded)

    def article(self, path: str) -> str:
        return f"{self.article_base}{path}.html"


def widget_html(attrs: Mapping[str, str], inner: str = "", portal: bool = False) -> str:
    """The widget's outer markup, written here only. The site's pages (hooks/troubleshooter_page.py) hold the
    static steps (`inner`) and keep the status and live parts hidden until needed; the web component
    (embed.js, which gets this from config.js) has no static steps, shows its status, and has a retry button."""
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
    hidden = "" if portal else " hidden"
    retry = '<button type="button" class="ts-retry" hidden></button>' if portal else ""
    return (f'<div class="iot-ts"{attributes}><p class="ts-status" role="status"{hidden}></p>{retry}'
            f'<p class="ts-announce" aria-live="polite"></p>{inner}<div class="ts-live"{hidden}></div></div>')


def component_words(tree: Tree) -> dict[str, dict[str, str]]:
    """The web component's status words per language (tree.toml [ui], `component_*`), for config.js."""
    keys = ("loading", "failed", "retry")
    return {lang: {key: ui(tree, f"component_{key}", lang) for key in keys} for lang in LANGS}


def ui(tree: Tree, key: str, lang: str, **values: object) -> str:
    text = tree.ui[key].get(lang)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def value_label(tree: Tree, fact: Fact, value: Value, lang: str) -> str:
    """How an answer reads back to the person: the fact's own `words` for the value, else the words of the
    option that says exactly this (checks.py makes sure one of them exists)."""
    if isinstance(value, tuple):
        return SEPARATOR[lang].join(value_label(tree, fact, v, lang) for v in value)
    if value == UNKNOWN:
        return ui(tree, "not_sure", lang)
    if fact.kind == "region" and isinstance(value, str) and value in tree.regions:
        return tree.regions[value].get(lang)
    own = dict(fact.words).get(str(value))
    if own is not None:
        return own.get(lang)
    if fact.kind == "causes":
        return next((c.title.get(lang) for c in tree.causes if c.id == value), str(value))
    options = [*(o for q in tree.questions.values() for o in q.options), *tree.withheld]
    candidates = [o for o in options if any(fid == fact.id and m.accepts(value) for fid, m in o.sets)]
    candidates.sort(key=lambda o: (o.sets[0][0] != fact.id, len(o.sets)))  # an option about this fact alone first
    return candidates[0].label.get(lang) if candidates else str(value)


def read_back(tree: Tree, answers: Sequence[tuple[Fact, Value]]) -> list[tuple[Fact, Value]]:
    """The answers a result reads back, without what another answer brings ("being resumed" would otherwise
    list eight stops as dealt with, a phone among them, that nobody mentioned): a fact holding several values
    keeps the others (the resume that "still" on it added), a fact left with none is not read back."""
    extra = brought(tree, {f.id: v for f, v in answers})
    out: list[tuple[Fact, Value]] = []
    for f, v in answers:
        own = tuple(x for x in several(v) if x not in extra.get(f.id, ()))
        if own:
            out.append((f, own if isinstance(v, tuple) else v))
    return out


def _why(tree: Tree, finding: Finding, lang: str, evidence: Evidence | None = None) -> str:
    """The facts behind a finding; a value a platform code set names that code instead ("中国移动 OneLink
    （物联网开放平台）显示 000020000000（信控双向停机）"), so the person sees what their platform said. A fact
    nobody gave (a cause that also holds when it is unknown) is left out while another explains the finding."""
    parts = []
    given = [(f, v) for f, v in finding.why if v != UNKNOWN]
    for f, v in given or finding.why:
        told = [evidence[(f, x)].get(lang) for x in several(v) if evidence and (f, x) in evidence]
        rest = tuple(x for x in several(v) if not evidence or (f, x) not in evidence)
        if rest:
            value = rest if isinstance(v, tuple) else rest[0]
            told.append(f"{tree.facts[f].label.get(lang)}{COLON[lang]}{value_label(tree, tree.facts[f], value, lang)}")
        parts += told
    return SEPARATOR[lang].join(parts)


def _notices(tree: Tree, notices: Sequence[str], lang: str, overruled: Sequence[str] = (),
             remarks: Sequence[tuple[str, str]] = ()) -> str:
    texts = [ui(tree, "ignored", lang, fact=", ".join(notices))] if notices else []
    texts += [ui(tree, "overruled", lang, reading=reading) for reading in overruled]
    texts += [ui(tree, "remark", lang, reading=reading, meaning=meaning) for reading, meaning in remarks]
    return "".join(f'<p class="ts-notice" role="status">{escape(text)}</p>' for text in texts)


def _nav(tree: Tree, step: Step, links: Links, lang: str) -> str:
    parts = []
    if step.back is not None:
        parts.append(f'<a class="ts-back" href="{escape(links.back(step.back))}">{escape(ui(tree, "back", lang))}</a>')
    if step.back is not None or isinstance(step, ResultStep):
        parts.append(f'<a class="ts-restart" href="{escape(links.restart())}">{escape(ui(tree, "restart", lang))}</a>')
    return f'<p class="ts-nav">{" ".join(parts)}</p>' if parts else ""


def render_question(tree: Tree, step: QuestionStep, lang: str, links: Links, anchor: str) -> str:
    q = step.question
    facts = {f.id: v for f, v in step.answers}
    options = "".join(
        f'<li><a class="ts-option" href="{escape(links.answer(q, o, facts))}" data-fact="{escape(q.fact)}" '
        f'data-value="{escape(o.key)}">{escape(o.label.get(lang))}</a></li>' for o in q.options)
    note = ""
    if tree.facts[q.fact].kind == "region":
        note = f'<p class="ts-note">{escape(ui(tree, "restricted_note", lang))}</p>'
    progress = ui(tree, "progress", lang, n=step.number, total=step.total)
    return (
        f'<section class="ts-step ts-question" id="{anchor}" data-step="{escape(q.id)}" aria-labelledby="{anchor}-h">'
        f'<p class="ts-progress"><span>{escape(progress)}</span>'
        f'<progress max="{step.total}" value="{step.number - 1}" aria-hidden="true"></progress></p>'
        f'<h2 class="ts-title" id="{anchor}-h" tabindex="-1">{escape(q.text.get(lang))}</h2>'
        f'<p class="ts-hint">{escape(q.hint.get(lang))}</p>'
        f'<ul class="ts-options">{options}</ul>{note}'
        + (f'<p class="ts-more"><a href="{escape(links.article(q.article))}">{escape(ui(tree, "question_article", lang))}'
           '</a></p>' if q.article else "")
        + f'<details class="ts-howto"><summary>{escape(ui(tree, "howto", lang))}</summary>'
        f'<p>{escape(tree.facts[q.fact].howto.get(lang))}</p></details>'
        f'{_nav(tree, step, links, lang)}</section>')


def _finding(tree: Tree, finding: Finding, lang: str, links: Links, evidence: Evidence | None = None) -> str:
    c = finding.cause
    sure = ui(tree, "confidence_" + finding.confidence, lang)
    steps = "".join(
        f'<li><span class="ts-who">{escape(ui(tree, "who_" + s.who, lang))}</span> {escape(s.text.get(lang))}'
        + (f'<br><span class="ts-wait">{escape(ui(tree, "wait", lang) + COLON[lang])}{escape(s.wait.get(lang))}</span>' if s.wait else "")
        + "</li>" for s in c.steps)
    why = _why(tree, finding, lang, evidence)
    why_html = f'<p class="ts-why"><strong>{escape(ui(tree, "why", lang) + COLON[lang])}</strong>{escape(why)}</p>' if why else ""
    more = f'<a href="{escape(links.article(c.article))}">{escape(ui(tree, "read_more", lang))}</a>'
    return (f'<article class="ts-cause" data-cause="{escape(c.id)}" data-confidence="{finding.confidence}">'
            f'<h3>{escape(c.title.get(lang))}</h3>'
            f'<p class="ts-confidence ts-{finding.confidence}">{escape(sure)}</p>'
            f'<p>{escape(c.summary.get(lang))}</p>{why_html}'
            f'<h4>{escape(ui(tree, "steps", lang))}</h4><ol class="ts-fix">{steps}</ol>'
            f'<p class="ts-more">{more}</p></article>')


def _feedback(tree: Tree, step: ResultStep, lang: str, links: Links) -> str:
    """"Did this fix it?": yes ends, "still not working" goes on with the causes shown counted as dealt with.
    A cancelled number keeps the yes alone (findings.final_word); the fallback is the last word and asks
    nothing."""
    if step.still is None and not final_word(step.findings):
        return ""
    facts = {f.id: v for f, v in step.answers}
    still = "" if step.still is None else \
        f' <a class="ts-still" href="{escape(links.still(step.still))}">{escape(ui(tree, "feedback_no", lang))}</a>'
    return (f'<div class="ts-feedback"><p>{escape(ui(tree, "feedback", lang))}</p><p>'
            f'<a class="ts-solved-link" href="{escape(links.solved(facts))}">{escape(ui(tree, "feedback_yes", lang))}</a>'
            f'{still}</p></div>')


def render_result(tree: Tree, step: ResultStep, lang: str, links: Links, anchor: str,
                  evidence: Evidence | None = None) -> str:
    causes = " ".join(f.cause.id for f in step.findings)
    intro = ""
    if len(step.findings) > 1:
        intro = f'<p>{escape(ui(tree, "result_intro_many", lang, n=len(step.findings)))}</p>'
    unknown = ""
    if step.unknown:
        rows = "".join(f"<dt>{escape(f.label.get(lang))}</dt><dd>{escape(f.howto.get(lang))}</dd>" for f in step.unknown)
        unknown = f'<div class="ts-unknown"><h3>{escape(ui(tree, "unknown_heading", lang))}</h3><dl>{rows}</dl></div>'
    answers, said = "", read_back(tree, step.answers)
    if said:
        rows = "".join(f"<dt>{escape(f.label.get(lang))}</dt><dd>{escape(value_label(tree, f, v, lang))}</dd>"
                       for f, v in said)
        answers = f'<div class="ts-answers"><h3>{escape(ui(tree, "answers_heading", lang))}</h3><dl>{rows}</dl></div>'
    summary = render_text(tree, step, lang, evidence)
    return (
        f'<section class="ts-step ts-result" id="{anchor}" data-causes="{escape(causes)}" '
        f'data-tree-version="{escape(tree.version)}" aria-labelledby="{anchor}-h">'
        f'<h2 class="ts-title" id="{anchor}-h" tabindex="-1">{escape(ui(tree, "result_heading", lang))}</h2>{intro}'
        + "".join(_finding(tree, f, lang, links, evidence) for f in step.findings)
        + (f'<p class="ts-contact">{escape(tree.ui["contact"].get(lang))}</p>' if "contact" in tree.ui else "")
        + f'{_feedback(tree, step, lang, links)}{unknown}{answers}'
        f'<div class="ts-summary"><label for="{anchor}-sum">{escape(ui(tree, "summary_label", lang))}</label>'
        f'<textarea id="{anchor}-sum" class="ts-summary-text" readonly rows="6">{escape(summary)}</textarea>'
        f'<button type="button" class="ts-copy" data-done="{escape(ui(tree, "copied", lang))}" hidden>'
        f'{escape(ui(tree, "copy", lang))}</button></div>{_nav(tree, step, links, lang)}</section>')


def render_solved(tree: Tree, lang: str, links: Links, anchor: str = "ts-live-step") -> str:
    """The end of a walk that fixed the card."""
    return (f'<section class="ts-step ts-solved" id="{anchor}" aria-labelledby="{anchor}-h">'
            f'<h2 class="ts-title" id="{anchor}-h" tabindex="-1">{escape(ui(tree, "feedback_yes", lang))}</h2>'
            f'<p>{escape(ui(tree, "solved", lang))}</p><p class="ts-nav"><a class="ts-restart" '
            f'href="{escape(links.restart())}">{escape(ui(tree, "restart", lang))}</a></p></section>')


def render_step(tree: Tree, step: Step, lang: str, links: Links, anchor: str = "ts-live-step",
                notices: Sequence[str] = (), evidence: Evidence | None = None, overruled: Sequence[str] = (),
                remarks: Sequence[tuple[str, str]] = ()) -> str:
    """HTML for one step (a question or a result) in `lang`; above it, what was ignored (`notices`) and the
    platform readings not used because another disagreed (`overruled`, in the person's words), and those that
    set no fact, with their meaning (`remarks`: reading, meaning)."""
    body = (render_question(tree, step, lang, links, anchor) if isinstance(step, QuestionStep)
            else render_result(tree, step, lang, links, anchor, evidence))
    return _notices(tree, notices, lang, overruled, remarks) + body


def render_text(tree: Tree, step: Step, lang: str, evidence: Evidence | None = None) -> str:
    """Plain text of a step: the CLI prints it, and a result's text is the summary sent to customer service."""
    if isinstance(step, QuestionStep):
        q = step.question
        lines = [ui(tree, "progress", lang, n=step.number, total=step.total), q.text.get(lang), q.hint.get(lang)]
        lines += [f"  {i}. {o.label.get(lang)}" for i, o in enumerate(q.options, 1)]
        return "\n".join(lines)
    lines = [ui(tree, "summary_title", lang), ""]
    for i, f in enumerate(step.findings, 1):
        lines.append(f"{i}. {f.cause.title.get(lang)} [{ui(tree, 'confidence_' + f.confidence, lang)}]")
        lines.append(f"   {f.cause.summary.get(lang)}")
        why = _why(tree, f, lang, evidence)
        if why:
            lines.append(f"   {ui(tree, 'why', lang)}{COLON[lang]}{why}")
        for j, s in enumerate(f.cause.steps, 1):
            opening, closing = PARENS[lang]
            wait = f"{opening}{ui(tree, 'wait', lang)}{COLON[lang]}{s.wait.get(lang)}{closing}" if s.wait else ""
            lines.append(f"   {j}) [{ui(tree, 'who_' + s.who, lang)}] {s.text.get(lang)}{wait}")
    if step.unknown:
        lines += ["", ui(tree, "unknown_heading", lang) + COLON[lang].rstrip()]
        lines += [f"- {f.label.get(lang)}{COLON[lang]}{f.howto.get(lang)}" for f in step.unknown]
    said = read_back(tree, step.answers)
    if said:
        lines += ["", ui(tree, "answers_heading", lang) + COLON[lang].rstrip()]
        lines += [f"- {f.label.get(lang)}{COLON[lang]}{value_label(tree, f, v, lang)}" for f, v in said]
    if "contact" in tree.ui:
        lines += ["", tree.ui["contact"].get(lang)]
    lines += ["", ui(tree, "tree_version", lang, version=tree.version)]
    return "\n".join(lines)
