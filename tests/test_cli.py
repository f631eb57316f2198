"""`python -m troubleshooter`: the JSON contract, text output, interactive use, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_tree_file


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "troubleshooter", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_diagnose_prints_the_json_contract() -> None:
    facts = {"balance": "arrears", "plan": "expired", "months_expired": 4}
    out = run("diagnose", "--facts", json.dumps(facts), "--lang", "en")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["facts"] == facts and data["tree_version"]
    assert [(c["id"], c["confidence"]) for c in data["causes"]] == [
        ("arrears", "likely"), ("expired_grace", "likely"), ("expired_cancelled", "possible")]
    first = data["causes"][0]
    assert set(first) == {"id", "title", "summary", "confidence", "steps", "articles", "why", "evidence"}
    assert first["articles"] == ["en/causes/arrears.html"] and first["why"] == ["balance"]
    assert all(set(s) == {"text", "who", "wait"} and s["who"] in ("owner", "seller", "carrier") for s in first["steps"])
    assert any(s["wait"] for s in first["steps"])
    assert {u["fact"] for u in data["unknown"]} >= {"symptom", "stop_reason", "device"}
    assert all(u["howto"] for u in data["unknown"])


def test_fixed_takes_a_json_list_and_facts_come_from_a_file_or_stdin(tmp_path: Path) -> None:
    facts = '{"balance": "arrears", "fixed": ["arrears"]}'
    via_arg = json.loads(run("diagnose", "--facts", facts).stdout)
    assert [c["id"] for c in via_arg["causes"]] == ["resume_pending"]
    (tmp_path / "facts.json").write_text(facts, "utf-8")
    assert json.loads(run("diagnose", "--facts-file", str(tmp_path / "facts.json")).stdout) == via_arg
    assert json.loads(run("diagnose", "--facts", "-", stdin=facts).stdout) == via_arg
    missing = run("diagnose", "--facts-file", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "cannot be read" in missing.stderr


def test_chinese_is_the_default_and_articles_sit_at_the_root() -> None:
    data = json.loads(run("diagnose", "--facts", '{"device": "phone"}').stdout)
    assert data["causes"][0]["title"].startswith("物联网卡") and data["causes"][0]["articles"][0] == "causes/phone-use.html"


def test_the_article_paths_exist_in_the_built_site(site: Path) -> None:
    for lang in ("zh", "en"):
        data = json.loads(run("diagnose", "--facts", '{"balance":"arrears","device":"phone"}', "--lang", lang).stdout)
        for cause in data["causes"]:
            for article in cause["articles"]:
                assert (site / article).is_file(), article


def test_text_format_is_readable() -> None:
    out = run("diagnose", "--facts", '{"data_usage": "over_plan", "device": "unknown"}', "--format", "text", "--lang", "en")
    assert out.returncode == 0 and "Data used up" in out.stdout and "{" not in out.stdout
    assert "[Likely]" in out.stdout and "[You (platform or app)]" in out.stdout and "How long:" in out.stdout
    assert "how to check" in out.stdout and "Rules version" in out.stdout


def test_interactive_walks_to_a_result_and_goes_back() -> None:
    # symptom: no service -> back -> no service -> "x" -> stop reason: arrears
    out = run("--lang", "en", stdin="1\nb\n1\nx\n2\n")
    assert out.returncode == 0, out.stderr
    assert "Please type one of the numbers shown." in out.stdout
    assert out.stdout.count("What is happening?") == 2
    assert "Stopped for arrears" in out.stdout and "[Confirmed by the platform]" in out.stdout


@pytest.mark.parametrize("typed", ["²", "9" * 5000, "١"])
def test_interactive_odd_numbers_are_refused_politely(typed: str) -> None:
    out = run("--lang", "en", stdin=f"{typed}\nq\n")
    assert out.returncode == 1 and "Traceback" not in out.stderr and "Please type one of the numbers shown." in out.stdout


def test_output_closed_early_ends_with_one_line() -> None:
    cmd = f"{sys.executable} -m troubleshooter diagnose --facts '{{\"balance\": \"arrears\"}}' --format text | head -1"
    for _ in range(4):
        out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert "Traceback" not in out.stderr and out.stderr.count("\n") <= 1, out.stderr
        assert out.returncode in (0, 1)


def test_interactive_end_of_input_exits_without_a_traceback() -> None:
    out = run(stdin="1\n")
    assert out.returncode == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize(("facts", "names"), [
    ("not json", "the facts are not valid JSON"),
    ('{"months_expired": ' + "9" * 5000 + "}", "the facts are not valid JSON"),
    ('{"stop_reason": "arrears,broke"}', "stop_reason: arrears,broke is not accepted; expected one or more of"),
    ('{"fixed": "nothing"}', "fixed: nothing is not accepted"),
    ("[1, 2]", "facts must be a JSON object"),
    ('{"balance": "broke"}', "balance: broke is not accepted; expected ok, arrears, paid_still_stopped, renewed_still_stopped, unknown"),
    ('{"colour": "red"}', "colour: unknown fact; expected one of symptom, stop_reason"),
    ('{"months_expired": 121}', "months_expired: 121 is not accepted; expected a whole number from 0 to 120"),
    ('{"months_expired": -1}', "months_expired"),
    ('{"months_expired": 2.5}', "months_expired"),
    ('{"months_expired": true}', "months_expired"),
    ('{"location": "CN-ZZ"}', "location: CN-ZZ is not accepted; expected an ISO 3166-2:CN code"),
])
def test_bad_facts_exit_2_with_one_line(facts: str, names: str) -> None:
    out = run("diagnose", "--facts", facts)
    assert out.returncode == 2
    assert out.stdout == "" and out.stderr.count("\n") == 1 and names in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_language_exits_2_with_one_line() -> None:
    out = run("diagnose", "--facts", "{}", "--lang", "fr")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "zh" in out.stderr and "en" in out.stderr


def test_check_reports_a_broken_tree(tmp_path: Path, checked) -> None:
    path = copy_tree_file(tmp_path)
    path.write_text(path.read_text("utf-8").replace('next = "months_expired"\n', 'next = "gone"\n'), "utf-8")
    out = run("--tree", str(path), "check")
    assert out.returncode == 2 and "question account: option 3 leads to gone" in out.stderr
    assert checked.returncode == 0, checked.stderr
    assert "with no \"not sure\": at most" in checked.stdout and "share of paths per cause" in checked.stdout


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                    max_leaves=12))
def test_arbitrary_json_never_crashes_the_cli(value: object) -> None:
    from troubleshooter.cli import main
    import io
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(["diagnose", "--facts", json.dumps(value)], stdout=io.StringIO())
        except SystemExit as exit:  # argparse refuses a value that looks like an option, such as -1e-05
            code = exit.code
    assert code in (0, 2)
    if code == 2:
        assert err.getvalue().count("\n") == 1 and "Traceback" not in err.getvalue()
