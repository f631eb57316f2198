"""The engine over the real tree: every path, random facts, the ordering rules, and the renderer."""

from __future__ import annotations

import json
import re
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from troubleshooter import default_tree, diagnose, next_question, step
from troubleshooter.browser import handle
from troubleshooter.checks import MAX_QUESTIONS, facts_of, paths
from troubleshooter.engine import QuestionStep, ResultStep
from troubleshooter.fallback import render_fallback
from troubleshooter.render import QueryLinks, render_step, render_text
from troubleshooter.schema import LANGS, parse_tree

TREE = default_tree()
CANCELLED = {"expired_cancelled", "idle_cancelled"}


def values_of(fact_id: str) -> st.SearchStrategy:
    fact = TREE.facts[fact_id]
    if fact.kind == "number":
        return st.one_of(st.integers(fact.min, fact.max), st.just("unknown"))
    if fact.kind == "region":
        return st.sampled_from(sorted(TREE.regions) + ["unknown"])
    return st.sampled_from(fact.values)


facts_strategy = st.fixed_dictionaries({}, optional={f: values_of(f) for f in TREE.facts})


def test_every_path_ends_in_a_rendered_result_in_both_languages() -> None:
    count = 0
    for path in paths(TREE):
        count += 1
        facts = facts_of(path)
        assert len(path) <= MAX_QUESTIONS
        current = step(TREE, facts)
        assert isinstance(current, ResultStep), f"path {facts} does not end in a result"
        assert current.findings
        for lang in LANGS:
            html = render_step(TREE, current, lang, QueryLinks(TREE))
            assert "{" not in re.sub(r"<[^>]+>", "", html), "a placeholder was left unfilled"
            for finding in current.findings:
                assert f'data-cause="{finding.cause.id}"' in html
                assert escape(finding.cause.title.get(lang)) in html
    assert count > 100  # the tree really branches


def test_the_question_bound_is_what_the_readme_states() -> None:
    longest = max(len(p) for p in paths(TREE))
    assert longest == 10 <= MAX_QUESTIONS


@pytest.mark.parametrize(("facts", "expected"), [
    ({"balance": "arrears"}, ["arrears"]),
    ({"data_usage": "over_plan"}, ["over_quota"]),
    ({"plan": "expired", "months_expired": 2}, ["expired_grace"]),
    ({"plan": "expired", "months_expired": 3}, ["expired_cancelled"]),
    ({"plan": "expired", "months_expired": "unknown"}, ["expired_grace"]),
    ({"device": "other_device"}, ["device_binding"]),
    ({"device": "phone"}, ["phone_use"]),
    ({"location": "CN-XJ"}, ["region_restricted"]),
    ({"location": "CN-BJ"}, ["contact_carrier"]),
    ({"location": "abroad"}, ["region_restricted"]),
    ({"moved": "yes"}, ["region_restricted"]),
    ({"manual_stop": "yes"}, ["manual_stop"]),
    ({"unused_months": 14}, ["idle_cancelled"]),
    ({"unused_months": 5}, ["contact_carrier"]),
    ({"real_name": "not_done"}, ["real_name_required"]),
    ({"maintenance_notice": "yes"}, ["maintenance"]),
    ({}, ["contact_carrier"]),
    ({"balance": "arrears", "data_usage": "over_plan", "plan": "expired", "months_expired": 7},
     ["expired_cancelled", "arrears", "over_quota"]),
])
def test_diagnose_known_cases(facts: dict, expected: list[str]) -> None:
    assert [f.cause.id for f in diagnose(TREE, facts)] == expected


def test_why_names_the_facts_that_led_to_each_cause() -> None:
    findings = diagnose(TREE, {"balance": "arrears", "plan": "expired", "months_expired": 1, "device": "same"})
    assert {f.cause.id: [fid for fid, _ in f.why] for f in findings} == {
        "arrears": ["balance"], "expired_grace": ["plan", "months_expired"]}


@settings(max_examples=300, deadline=None)
@given(facts_strategy)
def test_random_facts_always_give_ordered_causes_and_never_reask(facts: dict) -> None:
    findings = diagnose(TREE, facts)
    ids = [f.cause.id for f in findings]
    assert ids, "at least one cause, always"
    order = [c.id for c in TREE.causes]
    assert ids == sorted(ids, key=order.index), "most blocking first, in the tree's order"
    if CANCELLED & set(ids):
        assert ids[0] in CANCELLED, "a cancelled number comes before everything else"
    assert ("contact_carrier" in ids) == (ids == ["contact_carrier"])
    question = next_question(TREE, facts)
    assert question is None or question.fact not in facts, "a known fact is never asked again"
    current = step(TREE, facts)
    for lang in LANGS:
        assert render_text(TREE, current, lang)


def test_prefilled_facts_skip_their_questions() -> None:
    current = step(TREE, {"plan": "valid", "unused_months": 0, "device": "same"})
    assert isinstance(current, QuestionStep) and current.question.fact == "balance"
    assert current.number == 4 and current.total == 10
    locked = step(TREE, {"plan": "valid", "unused_months": 0, "device": "same"}, frozenset({"plan", "unused_months", "device"}))
    assert locked.number == 1 and locked.back is None


def test_back_undoes_only_the_last_answer() -> None:
    current = step(TREE, {"plan": "valid", "unused_months": 0, "device": "same"})
    assert current.back == {"plan": "valid", "unused_months": 0}


def test_custom_restricted_regions_change_the_question_and_the_diagnosis() -> None:
    import tomllib

    from troubleshooter import TREE_TOML
    data = tomllib.loads(TREE_TOML.read_text("utf-8"))
    data["settings"]["restricted_regions"] = ["CN-YN"]
    tree = parse_tree(data, "custom.toml")
    location = tree.questions["location"]
    assert [o.value for o in location.options][:1] == ["CN-YN"]
    assert [f.cause.id for f in diagnose(tree, {"location": "CN-YN"})] == ["region_restricted"]
    assert [f.cause.id for f in diagnose(tree, {"location": "CN-XJ"})] == ["contact_carrier"]


def test_fallback_links_every_answer_to_a_section_that_exists() -> None:
    for lang in LANGS:
        html = render_fallback(TREE, lang)
        ids = set(re.findall(r'<section[^>]*\bid="([^"]+)"', html))
        targets = set(re.findall(r'href="#([^"]+)"', html))
        assert targets <= ids, f"dangling anchors: {targets - ids}"
        assert html.index('id="ts-q-plan"') < html.index("<section", 1) + 40, "the first question comes first"
        assert {f"ts-q-{q}" for q in TREE.questions} <= ids


def test_browser_bridge_ignores_tampered_input_and_escapes_everything() -> None:
    out = json.loads(handle(json.dumps({"query": "?plan=valid&unused_months=0&balance=<script>alert(1)</script>&device=phone&evil=1", "lang": "en"})))
    assert out["causes"] == ["phone_use"]
    assert out["facts"] == {"plan": "valid", "unused_months": 0, "device": "phone"}
    assert out["query"] == "?plan=valid&device=phone&unused_months=0"
    assert sorted(out["dropped"]) == ["balance", "evil"]
    assert "<script" not in out["html"] and "ts-notice" in out["html"]


def test_browser_bridge_keeps_locked_facts_through_restart() -> None:
    out = json.loads(handle(json.dumps({"query": "", "lang": "zh", "locked": {"plan": "valid", "bogus": "x"}})))
    assert out["step"] == "unused" and out["dropped"] == ["bogus"]
    assert 'class="ts-restart"' not in out["html"]  # nothing answered yet
    out = json.loads(handle(json.dumps({"query": "?unused_months=0", "lang": "zh", "locked": {"plan": "valid"}})))
    assert 'class="ts-restart" href="?plan=valid"' in out["html"]


@pytest.mark.parametrize("junk", ["", "not json", "[1,2]", '{"lang": 5, "query": 7, "locked": "x"}'])
def test_browser_bridge_survives_malformed_requests(junk: str) -> None:
    out = json.loads(handle(junk))
    assert out["step"] == "plan"
