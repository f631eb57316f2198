"""The troubleshooter and the articles say the same thing: each cause's figures and platform words appear
in the article it links to, in the same language, so a person who reads on finds what the result said."""

from __future__ import annotations

import re

import pytest

from troubleshooter import default_tree
from troubleshooter import LANGS

from conftest import ROOT

TREE = default_tree()
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")
CJK_TERM = re.compile(r"[\u4e00-\u9fff]{2,}")


def article_text(lang: str, path: str) -> str:
    return (ROOT / "docs" / lang / f"{path}.md").read_text("utf-8")


def cause_text(cause, lang: str) -> str:
    parts = [cause.title.get(lang), cause.summary.get(lang)]
    for s in cause.steps:
        parts.append(s.text.get(lang))
        if s.wait:
            parts.append(s.wait.get(lang))
    return "\n".join(parts)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cause", TREE.causes, ids=[c.id for c in TREE.causes])
def test_the_causes_figures_are_in_its_article(cause, lang: str) -> None:
    article = article_text(lang, cause.article)
    missing = [n for n in NUMBER.findall(cause_text(cause, lang)) if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", article)]
    assert not missing, f"{cause.id} ({lang}) says {missing}, which {cause.article} does not"


@pytest.mark.parametrize("cause", TREE.causes, ids=[c.id for c in TREE.causes])
def test_the_platform_words_of_the_english_result_are_in_its_article(cause) -> None:
    article = article_text("en", cause.article)
    missing = [t for t in CJK_TERM.findall(cause_text(cause, "en")) if t not in article]
    assert not missing, f"{cause.id}: the English result names {missing}, which {cause.article} does not explain"


@pytest.mark.parametrize("lang", LANGS)
def test_every_cause_article_links_back_to_the_troubleshooter(lang: str) -> None:
    for cause in TREE.causes:
        text = article_text(lang, cause.article)
        assert "troubleshooter.md" in text, f"{cause.article} ({lang}) does not link to the troubleshooter"


def test_every_figure_in_the_tree_names_its_source_in_a_comment() -> None:
    """A fee, period or count in a node's texts needs a source tag ([HW-API], [SELLERS], …) in a comment of
    that node, and every tag used is one the file's header explains."""
    text = (ROOT / "troubleshooter" / "tree.toml").read_text("utf-8")
    header, _, body = text.partition("[settings]")
    known = set(re.findall(r"^#\s+\[([A-Z-]+)\]", header, re.M))
    assert known, "the header lists the sources"
    blocks = re.split(r"\n(?=\[\[causes\]\]|\[\[questions\]\]|\[facts\.)", body)
    missing = []
    for block in blocks:
        strings = " ".join(re.findall(r'(?:zh|en) = "([^"]*)"', block))
        figures = re.findall(r"\d+(?:\s*(?:到|-|–|to)\s*\d+)?\s*(?:个工作日|工作日|个月|天|元|MB|次|working days?|months?|days|yuan|rebinds)", strings)
        tags = set(re.findall(r"#[^\n]*?\[([A-Z-]+)\]", block))
        if figures and not tags & known:
            missing.append(f"{block.splitlines()[1] if len(block.splitlines()) > 1 else block[:40]}: {figures}")
        assert tags <= known, f"unknown source tags {tags - known}"
    assert not missing, "figures with no source comment:\n" + "\n".join(missing)
