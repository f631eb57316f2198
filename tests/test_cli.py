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
    assert data["facts"] == facts
    assert [c["id"] for c in data["causes"]] == ["expired_cancelled", "arrears"]
    first = data["causes"][0]
    assert set(first) == {"id", "title", "steps", "articles", "why"}
    assert first["articles"] == ["en/causes/expired-cancelled.html"] and first["why"] == ["plan", "months_expired"]
    assert all(isinstance(s, str) and s for s in first["steps"])


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
    out = run("diagnose", "--facts", '{"data_usage": "over_plan"}', "--format", "text", "--lang", "en")
    assert out.returncode == 0 and "Data used up" in out.stdout and "{" not in out.stdout


def test_interactive_walks_to_a_result_and_goes_back() -> None:
    # plan: expired -> back -> valid -> unused: no -> device: phone
    out = run("--lang", "en", stdin="2\nb\n1\n1\nx\n3\n")
    assert out.returncode == 0, out.stderr
    assert "Please type one of the numbers shown." in out.stdout
    assert out.stdout.count("Has the card's plan expired?") == 2
    assert "The IoT card was used in a phone" in out.stdout


def test_interactive_end_of_input_exits_without_a_traceback() -> None:
    out = run(stdin="1\n")
    assert out.returncode == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize(("facts", "names"), [
    ("not json", "--facts is not valid JSON"),
    ("[1, 2]", "facts must be a JSON object"),
    ('{"balance": "broke"}', "balance: broke is not accepted; expected ok, arrears, unknown"),
    ('{"colour": "red"}', "colour: unknown fact; expected one of plan, months_expired"),
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


def test_check_reports_a_broken_tree(tmp_path: Path) -> None:
    path = copy_tree_file(tmp_path)
    path.write_text(path.read_text("utf-8").replace('next = "months_expired" }', 'next = "gone" }'), "utf-8")
    out = run("--tree", str(path), "check")
    assert out.returncode == 2 and "question plan: option 2 leads to gone" in out.stderr
    assert run("check").returncode == 0


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
