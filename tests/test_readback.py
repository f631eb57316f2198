"""What a person reads back on a result: every answer in words (never a raw value such as "no"), only the
answers that explain a cause, in the page's language and punctuation, and a platform code's meaning in
that language too."""

from __future__ import annotations

import pytest

from troubleshooter import LANGS, default_tree
from troubleshooter.engine import result
from troubleshooter.facts import read_strict
from troubleshooter.render import render_text, value_label

TREE = default_tree()
CHOICES = [(f, v) for f in TREE.facts.values() if f.kind == "choice" for v in f.values if v != "unknown"]


@pytest.mark.parametrize(("fact", "value"), CHOICES, ids=[f"{f.id}={v}" for f, v in CHOICES])
def test_every_answer_reads_back_in_words(fact, value) -> None:
    for lang in LANGS:
        assert value_label(TREE, fact, value, lang) != value, f"{fact.id}={value} reads back as its raw id ({lang})"


def test_a_portals_answers_read_back_each_on_its_own() -> None:
    """A portal that knows the balance is fine and the data is used up: the balance does not read back as
    the answer "All fine: ... data left"."""
    facts = {"balance": "ok", "data_usage": "over_plan", "device": "same", "moved": "yes", "many_cards": "no"}
    text = render_text(TREE, result(TREE, facts), "en")
    assert "data left" not in text and "same place as always" not in text
    assert ": no\n" not in text and ": no;" not in text


def test_an_answer_nobody_gave_is_not_shown_as_a_reason() -> None:
    text = render_text(TREE, result(TREE, {"symptom": "never_worked", "location": "abroad"}), "en")
    assert "Where the device is: Outside mainland China" in text
    assert "Has worked where it is now" not in text


def test_chinese_lines_use_chinese_punctuation() -> None:
    text = render_text(TREE, result(TREE, {"balance": "arrears", "device": "phone"}), "zh")
    why = [line for line in text.splitlines() if "依据" in line]
    assert why and all("依据：" in line and "依据:" not in line for line in why)


def test_a_platform_codes_meaning_is_given_in_the_readers_language() -> None:
    reading = read_strict(TREE, {"onelink.stopReason": "000020000000"})
    [en] = [line for line in render_text(TREE, result(TREE, reading.facts), "en", reading.evidence).splitlines()
            if line.strip().startswith("Why:")]
    assert "信控双向停机" in en and "credit control" in en, en
    [zh] = [line for line in render_text(TREE, result(TREE, reading.facts), "zh", reading.evidence).splitlines()
            if line.strip().startswith("依据：")]
    assert "信控双向停机" in zh and "credit" not in zh, zh


def test_what_an_answer_brings_is_not_read_back_as_another_answer() -> None:
    """"Being resumed" counts the stops a resume undoes as dealt with; the page does not read them back as
    causes the person said they dealt with (eight of them, a phone among them), nor after "still not working"
    on it, which adds only the resume to what the person did. A cause "still" adds on its own reads back."""
    from troubleshooter.engine import choose, step

    [resuming] = [o for o in TREE.questions["symptom"].options if o.key == "resuming"]
    facts = choose(TREE, {}, resuming)
    assert "fixed" in facts, "the answer sets what it brings (the test's premise)"
    for lang in LANGS:
        text = render_text(TREE, step(TREE, facts), lang)
        assert TREE.facts["fixed"].label.get(lang) not in text, text
        assert TREE.cause("phone_use").title.get(lang) not in text, text
        after = render_text(TREE, step(TREE, step(TREE, facts).still), lang)
        resume_words = dict(TREE.facts["fixed"].words)["resume_pending"].get(lang)
        separator = {"zh": "：", "en": ": "}[lang]
        assert f"- {TREE.facts['fixed'].label.get(lang)}{separator}{resume_words}\n" in after, after
        assert TREE.cause("phone_use").title.get(lang) not in after, after
    shown = step(TREE, {"symptom": "no_service", "stop_reason": ("arrears",)})
    later = render_text(TREE, result(TREE, shown.still), "en")
    assert f"{TREE.facts['fixed'].label.get('en')}: {TREE.cause('arrears').title.get('en')}" in later, later
