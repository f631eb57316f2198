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
