"""The articles' wording: no talk about "the sources" a reader cannot see, no figure without a named
source nearby, and no Chinese sentence carried over from the seed article.

Why: a reader acts on every fee, deadline and count, so each must say whose rule it is (a provider,
regulator or "some sellers say"); and the site started from an anonymous SEO article whose facts may
carry over but whose sentences may not (issue 14). These tests read the Markdown, not the built site.
"""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest

from conftest import ROOT
from troubleshooter import LANGS

DOCS = ROOT / "docs"
SEED = ROOT / "tests" / "data" / "seed-article.txt"

# Pages that are not articles for a card owner: generated integration docs and the troubleshooter's own
# pages, whose numbers (question counts, sizes) are about this software, not about cards.
NOT_ARTICLES = {Path("integrate/embedding.md"), Path("troubleshooter.md"), Path("embed/index.md")}


def pages(lang: str) -> list[Path]:
    return sorted(p.relative_to(DOCS / lang) for p in (DOCS / lang).rglob("*.md"))


def articles(lang: str) -> list[Path]:
    return [p for p in pages(lang) if p not in NOT_ARTICLES]


def body_of(path: Path) -> str:
    """The page without its front matter."""
    text = path.read_text("utf-8")
    return text.split("---\n", 2)[2] if text.startswith("---\n") else text


# ---------------------------------------------------------------------------------------------------
# 1. Meta-talk: a reader cannot see "the source article" or "the sources"; name the provider instead.

META_TALK = [
    r"source article", r"\bthe sources?\b", r"\bour sources\b", r"this site's chinese", r"secondary sources",
    r"源文章", r"原文", r"来源文章", r"资料来源里", r"资料里", r"我们找到的资料", r"二手资料", r"本站的中文",
]


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_talks_about_its_sources_instead_of_naming_them(lang: str) -> None:
    hits = []
    for rel in pages(lang):
        for n, line in enumerate((DOCS / lang / rel).read_text("utf-8").splitlines(), 1):
            for pattern in META_TALK:
                if m := re.search(pattern, line, re.I):
                    hits.append(f"{lang}/{rel}:{n}: “{m.group(0)}” — name the provider, regulator or seller page instead")
    assert not hits, "\n".join(hits)


def test_the_meta_talk_check_catches_the_phrases_it_is_for() -> None:
    for text in ("as the source article says", "The sources give no fee.", "资料里没有统一的说法", "见源文章"):
        assert any(re.search(p, text, re.I) for p in META_TALK), text
    for text in ("Sources: Huawei Cloud GSL", "资料来源：华为云", "source code"):
        assert not any(re.search(p, text, re.I) for p in META_TALK), text


# ---------------------------------------------------------------------------------------------------
# 2. Figures: every number with a unit has a named source in the same paragraph or list item, or a
#    "Sources:"/"来源：" line in the same section.

CN_NUM = "[两三四五六七八九十百]+"
FIGURE = re.compile(
    r"(?:\d+(?:[.,]\d+)?(?:\s*[–-]\s*\d+)?|" + CN_NUM + r")\s*"
    r"(?:个工作日|工作日|个月|月|天|元|次|条|小时|分钟|MB|GB|%|年(?!包))"
    r"|\$\s?\d"
    r"|\b(?:\d+(?:[.,]\d+)?(?:\s*[–-]\s*\d+)?|two|three|four|five|six|seven|eight|nine|ten|ninety)\s*"
    r"(?:working days?|months?|days?|yuan|times|texts|rebinds|minutes|hours|MB|GB|%)"
    r"|\btwice\b",
    re.I,
)

# A named source: a provider or regulator, an attributed seller claim, or a web address.
SOURCE = re.compile(
    r"华为云|Huawei|阿里云|Alibaba|OneLink|OneNET|IoTOS|中国移动的?(?:物联网)?平台|China Mobile's platform"
    r"|腾讯云|Tencent|Hologram|Telnyx|emnify|Soracom|Twilio|1NCE|iotcube|Particle"
    r"|工业和信息化部|工信部|MIIT|北京晨报"
    r"|卖家称|卖家说|卖家网页|卖家的网页|卖家接口|sellers?'? (?:say|says|give|page|pages|account)|seller's (?:API|page)"
    r"|[a-z0-9-]+\.(?:com|cn|io|net|link|org)\b",
    re.I,
)
SOURCE_LINE = re.compile(r"^\s*(?:Sources?(?: \([^)]*\))?:|(?:资料)?来源[:：])", re.I)

# Figures that are not a fee, deadline, count or rule. Each entry says why it is allowed.
FIGURE_ALLOW = {
    "一证十号": "the name of a rule, always explained next to its source",
}


def sections(body: str) -> list[list[str]]:
    """The page cut at each heading; headings themselves are titles, not claims."""
    out: list[list[str]] = [[]]
    in_fence = False
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence or line.lstrip().startswith("<"):
            continue  # code samples and the SVG diagram's labels
        if re.match(r"#{1,6} ", line):
            out.append([])
        else:
            out[-1].append(line)
    return out


def blocks(lines: list[str]) -> list[str]:
    """Paragraphs, list items and table rows: a list item or a row is one claim with its own source."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        starts_item = re.match(r"\s*(?:[-*+]|\d+\.|\|)\s", line) is not None
        if not line.strip() or (starts_item and current):
            if current:
                out.append(" ".join(current))
            current = [] if not line.strip() else [line]
        else:
            current.append(line)
    if current:
        out.append(" ".join(current))
    return out


def unsourced_figures(body: str) -> list[str]:
    found = []
    for section in sections(body):
        if any(SOURCE_LINE.match(line) for line in section):
            continue
        for block in blocks(section):
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", " ", block)  # link texts are other pages' titles
            text = re.sub(r"`[^`]*`", " ", text)
            for allowed in FIGURE_ALLOW:
                text = text.replace(allowed, " ")
            figures = [m.group(0) for m in FIGURE.finditer(text)]
            if figures and not SOURCE.search(text):
                found.append(f"{figures} in: {block.strip()[:120]}")
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_a_named_source_nearby(lang: str) -> None:
    problems = []
    for rel in articles(lang):
        problems += [f"{lang}/{rel}: {p}" for p in unsourced_figures(body_of(DOCS / lang / rel))]
    assert not problems, "figures without a source in the same paragraph, list item or section:\n" + "\n".join(problems)


def test_the_figure_check_flags_an_unsourced_figure_and_accepts_a_sourced_one() -> None:
    assert unsourced_figures("## 要多久\n\n复机要 1 到 2 个工作日。\n")
    assert unsourced_figures("## Cost\n\n- Number retention costs 5 yuan a month.\n- Huawei Cloud: 3 working days.\n")
    assert unsourced_figures("## 期限\n\n过期三个月就注销。\n")
    assert not unsourced_figures("## 要多久\n\n华为云的说明：复机要 1 到 2 个工作日。\n")
    assert not unsourced_figures("## Cost\n\nSome sellers say 5 yuan a month.\n")
    assert not unsourced_figures("## 期限\n\n过期三个月就注销。\n\n来源：卖家网页 net68.cn/fengtai/44603.html。\n")
    assert not unsourced_figures("## 相关\n\n- [套餐过期三个月内](expired-grace.md)\n")


# ---------------------------------------------------------------------------------------------------
# 3. The seed article: its facts may carry over, its sentences may not.

RUN = 12
# Terms and names a page may share with the seed: the words a reader types into a search box.
SEED_TERMS = ["物联网流量卡", "物联网卡", "物联卡", "显示停机", "停机保号", "运营商", "流量套餐"]
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)", re.I)


def squeeze(text: str) -> str:
    """Only letters and digits, with each allowed term replaced by a break no run can cross."""
    for term in sorted(SEED_TERMS, key=len, reverse=True):
        text = text.replace(term, "|")
    return "".join(ch if ch.isalnum() or ch == "|" else "" for ch in text)


def seed_text() -> str:
    text = opencc.OpenCC("t2s").convert(SEED.read_text("utf-8"))
    return squeeze(PINYIN.sub("", text))


def markdown_text(path: Path) -> str:
    text = path.read_text("utf-8")
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags (the text inside stays)
    return squeeze(text)


def shared_runs(page: str, seed: str, n: int = RUN) -> list[str]:
    grams = {seed[i:i + n] for i in range(len(seed) - n + 1) if "|" not in seed[i:i + n]}
    runs, i = [], 0
    while i <= len(page) - n:
        if page[i:i + n] in grams:
            j = i + n
            while j < len(page) and page[i:j + 1] in seed:
                j += 1
            runs.append(page[i:j])
            i = j
        else:
            i += 1
    return runs


def test_the_seed_is_converted_to_simplified_characters_without_its_pinyin() -> None:
    seed = seed_text()
    assert "系统维护" in seed and "系统维护" not in SEED.read_text("utf-8")
    assert "lián" not in seed and "物联|" not in seed


@pytest.mark.parametrize("rel", pages("zh"), ids=str)
def test_no_chinese_page_shares_a_long_run_with_the_seed(rel: Path) -> None:
    runs = shared_runs(markdown_text(DOCS / "zh" / rel), seed_text())
    assert not runs, f"zh/{rel} follows the seed article word for word: " + "; ".join(runs)


def test_the_seed_check_catches_a_copied_sentence() -> None:
    seed = seed_text()
    assert shared_runs(squeeze("卡的退款政策因运营商和地区而异，一般情况下不会自动退还。"), seed)
    assert not shared_runs(squeeze("退款规则每家不同，先看合同。"), seed)
