"""Old links and portal payloads keep working: the facts and values of the first version of the tree
(version 1, before the diagnosis was redesigned) still parse, are never dropped, and still lead to the
cause they led to then, once the person answers "not sure" to what the new tree asks first."""

from __future__ import annotations

import json

import pytest

from troubleshooter import default_tree
from troubleshooter.browser import handle
from troubleshooter.engine import QuestionStep, choose, step
from troubleshooter.facts import parse_query

TREE = default_tree()

# (query string as version 1 wrote it, the cause version 1 reported for it)
OLD_LINKS = [
    ("?balance=arrears", "arrears"),
    ("?data_usage=over_plan", "over_quota"),
    ("?plan=expired&months_expired=2", "expired_grace"),
    ("?plan=expired&months_expired=3", "expired_cancelled"),
    ("?plan=expired&months_expired=unknown", "expired_grace"),
    ("?plan=valid&unused_months=0&device=other_device", "device_binding"),
    ("?plan=valid&unused_months=0&device=phone", "phone_use"),
    ("?location=CN-XJ", "region_restricted"),
    ("?location=abroad", "region_restricted"),
    ("?moved=yes", "region_restricted"),
    ("?manual_stop=yes", "manual_stop"),
    ("?unused_months=14", "idle_cancelled"),
    ("?real_name=not_done", "real_name_required"),
    ("?maintenance_notice=yes", "maintenance"),
    ("?plan=valid&unused_months=0&device=same&balance=ok&data_usage=within_plan&manual_stop=no&real_name=done"
     "&location=CN&moved=no&maintenance_notice=no", "contact_carrier"),
]
OLD_PAYLOADS = [{"balance": "ok"}, {"plan": "valid", "device": "same"}, {"balance": "arrears", "device": "phone"},
                {"location": "CN-BJ", "plan": "valid", "months_expired": 0, "unused_months": 1}]


def walk_not_sure(facts: dict) -> object:
    """Answer "not sure" to every question the old link did not answer, until a result."""
    for _ in range(len(TREE.questions) + 1):
        current = step(TREE, facts)
        if not isinstance(current, QuestionStep):
            return current
        assert current.question.fact not in facts or current.question.id in ("event", "account", "other"), \
            "a question the link answered is asked again"
        facts = choose(TREE, facts, next(o for o in current.question.options if o.key == "unknown"))
    raise AssertionError("no result")


@pytest.mark.parametrize(("query", "cause"), OLD_LINKS)
def test_old_links_still_parse_and_reach_their_cause(query: str, cause: str) -> None:
    facts, dropped = parse_query(TREE, query)
    assert not dropped, f"version 1 facts were dropped: {dropped}"
    result = walk_not_sure(facts)
    assert cause in [f.cause.id for f in result.findings]


@pytest.mark.parametrize("payload", OLD_PAYLOADS)
def test_old_portal_payloads_are_accepted_as_locked_facts(payload: dict) -> None:
    out = json.loads(handle(json.dumps({"query": "", "lang": "en", "locked": payload})))
    assert out["dropped"] == [] and out["facts"] == payload
    assert out["kind"] in ("question", "result") and "ts-notice" not in out["html"]


def test_the_guide_lists_the_contracts_history_from_its_file(site) -> None:
    """The changelog is generated from troubleshooter/contract.toml into both languages of the guide."""
    import tomllib

    from conftest import ROOT
    changes = tomllib.loads((ROOT / "troubleshooter/contract.toml").read_text("utf-8"))["changes"]
    for lang, prefix in (("zh", ""), ("en", "en/")):
        html = (site / prefix / "integrate/embedding.html").read_text("utf-8")
        assert "contract-changes" not in html, "the marker was replaced"
        for change in changes:
            assert change[lang][:30] in html, (lang, change["version"])
