"""Profiles: a portal's own rules change who the seller is, which regions and causes apply, and how steps
read, through the CLI, the bridge and the inline subset; a broken profile is named by file and key."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from troubleshooter import TreeError, default_tree, parse_tree, tree_for, tree_data
from troubleshooter import profiles
from troubleshooter.browser import handle
from troubleshooter.cli import main
from troubleshooter.engine import diagnose
from troubleshooter.profiles import apply_profile, check_profiles

EXAMPLE = "example-reseller"
ARREARS_STEPS = default_tree().cause("arrears").steps


def test_the_example_profile_changes_regions_seller_and_hides_a_cause() -> None:
    tree = tree_for(EXAMPLE)
    assert tree.restricted_regions == ("CN-YN", "CN-XZ")
    assert [o.key for o in tree.questions["location"].options][:2] == ["CN-YN", "CN-XZ"]
    assert "calls_sms_only" not in [o.key for o in tree.questions["symptom"].options], "a hidden cause's answer is not offered"
    assert "calls_sms_only" in [o.key for o in default_tree().questions["symptom"].options]
    assert [f.cause.id for f in diagnose(tree, {"symptom": "calls_sms_only"})] == ["contact_carrier"]
    assert [f.cause.id for f in diagnose(tree, {"location": "CN-YN"})] == ["region_restricted"]
    assert [f.cause.id for f in diagnose(tree, {"location": "CN-XJ"})] == ["contact_carrier"]
    assert [f.cause.id for f in diagnose(default_tree(), {"location": "CN-XJ"})] == ["region_restricted"]


def test_a_sellers_own_step_drops_the_trees_wait_unless_it_gives_its_own() -> None:
    """A reseller that words a step for its own order page describes its own procedure: Huawei Cloud's
    "1 to 2 working days" no longer hangs under it; `stepN.wait` gives the seller's own."""
    arrears = tree_for(EXAMPLE).cause("arrears")
    assert "订单页面" in arrears.steps[2].text.zh and "订单页面" in arrears.steps[2].wait.zh
    own = parse_tree(apply_profile(tree_data(), {"texts": {"arrears.step3": {"zh": "甲", "en": "A"}}}, "t"), "t")
    assert own.cause("arrears").steps[2].wait is None
    assert default_tree().cause("arrears").steps[2].wait is not None and arrears.steps[1] == default_tree().cause("arrears").steps[1]
    data = apply_profile(tree_data(), {"texts": {
        "arrears.step3.wait": {"zh": "我们在一个工作日内提交。", "en": "We submit it within a working day."},
        "arrears.step3": {"zh": "在订单页面申请复机。", "en": "Request a resume on your order page."},
        "expired_grace.step3.wait": {"zh": "两个工作日。", "en": "Two working days."}}}, "t")
    tree = parse_tree(data, "t")
    assert tree.cause("arrears").steps[2].wait.en == "We submit it within a working day."
    assert tree.cause("expired_grace").steps[2].wait.zh == "两个工作日。"
    assert tree.cause("expired_grace").steps[2].text == default_tree().cause("expired_grace").steps[2].text
    with pytest.raises(TreeError, match=rf"texts.arrears.step9.wait: cause arrears has {len(ARREARS_STEPS)} steps"):
        apply_profile(tree_data(), {"texts": {"arrears.step9.wait": {"zh": "甲", "en": "A"}}}, "t")


def test_a_sellers_own_regions_are_not_called_the_sites_examples() -> None:
    """The site's list of restricted regions comes from Huawei Cloud's notes and a seller's list, and says so
    where the question lists them; a seller's own list is its own, and the page says that instead."""
    site, seller = default_tree(), tree_for(EXAMPLE)
    for lang in ("zh", "en"):
        assert "Huawei" in site.ui["restricted_note"].en and "华为云" in site.ui["restricted_note"].zh
        assert seller.ui["restricted_note"].get(lang) != site.ui["restricted_note"].get(lang)
        assert "华为云" not in seller.ui["restricted_note"].zh and "Huawei" not in seller.ui["restricted_note"].en
        summary = seller.cause("region_restricted").summary.get(lang)
        assert "Huawei Cloud's notes" not in summary and "华为云的说明和一份卖家名单" not in summary
    inline = tree_for(None, json.dumps({"restrictedRegions": "CN-GD"}))
    assert inline.ui["restricted_note"] == seller.ui["restricted_note"]


def test_the_cli_takes_a_profile() -> None:
    out = io.StringIO()
    assert main(["--profile", EXAMPLE, "diagnose", "--facts", '{"balance": "arrears"}', "--format", "text", "--lang", "en"],
                stdout=out) == 0
    text = out.getvalue()
    assert "[Example IoT (a sample seller)]" in text and "Request resume on your Example IoT order page" in text
    assert "Example IoT support: working days" in text
    plain = io.StringIO()
    main(["diagnose", "--facts", '{"balance": "arrears"}', "--format", "text", "--lang", "en"], stdout=plain)
    assert "Example IoT" not in plain.getvalue()


def test_the_cli_takes_a_carriers_own_profile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A carrier's backend runs the pip-installed CLI with its own profile, which is not shipped here."""
    own = tmp_path / "acme.toml"
    own.write_text('name = { zh = "甲公司", en = "Acme Mobile" }\nhidden_causes = ["calls_restricted"]\n', "utf-8")
    out = io.StringIO()
    assert main(["--profile", str(own), "diagnose", "--facts", '{"balance": "arrears"}', "--format", "text",
                 "--lang", "en"], stdout=out) == 0
    assert "[Acme Mobile]" in out.getvalue()
    own.write_text('hidden_causes = ["nope"]\n', "utf-8")
    assert main(["--profile", str(own), "check"], stdout=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert str(own) in err and "hidden_causes" in err and "Traceback" not in err
    assert main(["--profile", str(tmp_path / "missing.toml"), "check"], stdout=io.StringIO()) == 2
    assert "missing.toml" in capsys.readouterr().err
    out = json.loads(handle(json.dumps({"query": "", "lang": "en", "profile": str(own)})))
    assert out["dropped"] == ["profile"], "a page never reads a file a portal names"


def test_an_answer_the_profile_withholds_still_reads_back_in_words() -> None:
    """A portal may pass a fact whose answer its profile does not offer (calls_sms_only, for a data-only
    seller): the summary names it in the answer's words, never as the raw value."""
    for lang, words in (("en", "Data works, but calls or texts fail"), ("zh", None)):
        out = io.StringIO()
        assert main(["--profile", EXAMPLE, "diagnose", "--facts", '{"symptom": "calls_sms_only"}', "--format", "text",
                     "--lang", lang], stdout=out) == 0
        label = next(o.label.get(lang) for o in default_tree().questions["symptom"].options if o.key == "calls_sms_only")
        assert words is None or label == words
        assert label in out.getvalue() and "calls_sms_only" not in out.getvalue(), out.getvalue()


def test_the_bridge_takes_a_profile_and_an_inline_one_and_escapes_the_name() -> None:
    out = json.loads(handle(json.dumps({"query": "?balance=arrears&symptom=no_service&stop_reason=unknown",
                                        "lang": "zh", "profile": EXAMPLE})))
    assert "示例物联（示例卖家）" in out["html"] and 'class="ts-contact"' in out["html"] and out["dropped"] == []
    inline = {"sellerName": "<img src=x onerror=alert(1)> Acme", "restrictedRegions": "CN-GD, CN-YN"}
    out = json.loads(handle(json.dumps({"query": "?symptom=no_service&stop_reason=unknown&balance=arrears", "lang": "en",
                                        "profileInline": inline})))
    assert "&lt;img src=x onerror=alert(1)&gt; Acme" in out["html"] and "<img" not in out["html"]
    question = json.loads(handle(json.dumps({"query": "?symptom=no_service&stop_reason=unknown&balance=ok&plan=valid"
                                             "&data_usage=within_plan&moved=yes&worked_here_before=no", "lang": "en",
                                             "profileInline": inline})))
    assert question["step"] == "location" and "Guangdong" in question["html"]


@pytest.mark.parametrize("request_extra", [{"profile": "no-such-seller"}, {"profile": "../etc/passwd"},
                                            {"profileInline": {"restrictedRegions": ["CN-ZZ"]}}])
def test_a_wrong_profile_is_dropped_with_a_notice(request_extra: dict) -> None:
    out = json.loads(handle(json.dumps({"query": "?symptom=no_service", "lang": "en", **request_extra})))
    assert out["kind"] == "question" and out["dropped"] and "ts-notice" in out["html"]


def test_a_broken_profile_names_its_file_and_each_key() -> None:
    with pytest.raises(TreeError) as err:
        apply_profile(tree_data(), {"colour": "red", "hidden_causes": ["nope"], "texts": {"arrears.step9": {"zh": "甲", "en": "A"},
                                    "bogus": {"zh": "甲", "en": "A"}, "arrears.summary": {"zh": "甲"}}}, "p.toml")
    lines = err.value.problems
    assert all(line.startswith("p.toml: ") for line in lines)
    for expected in ("unknown key colour", "hidden_causes: nope is not a cause", f"texts.arrears.step9: cause arrears has {len(ARREARS_STEPS)} steps",
                     "texts.bogus: expected <cause id>.title", "texts.arrears.summary: missing the en translation"):
        assert any(expected in line for line in lines), (expected, lines)


def test_check_and_the_build_see_a_broken_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.toml").write_text('restricted_regions = ["CN-ZZ"]\n', "utf-8")
    monkeypatch.setattr(profiles, "PROFILES", tmp_path)
    tree_for.cache_clear()
    try:
        found = check_profiles()
        assert found and "broken.toml: settings.restricted_regions" in found[0]
        err = io.StringIO()
        import contextlib
        with contextlib.redirect_stderr(err):
            assert main(["check"], stdout=io.StringIO()) == 2
        assert "broken.toml" in err.getvalue()
    finally:
        tree_for.cache_clear()
