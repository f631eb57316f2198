"""Broken trees: each kind of mistake is reported on its own line, naming the file and the node."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshooter import TreeError, default_tree, load_tree
from troubleshooter.checks import validate

from conftest import copy_tree_file


def broken(tmp_path: Path, old: str, new: str) -> Path:
    path = copy_tree_file(tmp_path)
    text = path.read_text("utf-8")
    assert old in text, f"the test's anchor text is gone from tree.toml: {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(TreeError) as err:
        load_tree(path)
    for line in err.value.problems:
        assert line.startswith(str(path) + ": "), f"the problem does not name the file: {line}"
    return err.value.problems


CASES = [
    ('next = "months_expired"\nlabel.zh = "套餐过期了"', 'next = "nowhere"\nlabel.zh = "套餐过期了"',
     "question account: option 3 leads to nowhere, which does not exist"),
    ('value = "arrears"\nnext = "result"\n', 'value = "arrears"\n', "question stop_reason option 2: leads nowhere"),
    ('text.en = "What do the card\'s account and plan show?"\n', '', "question account.text: missing the en translation"),
    ('title.zh = "欠费停机"\n', '', "cause arrears.title: missing the zh translation"),
    ('not_sure = "other"\nthen = "other"', 'not_sure = "symptom"\nthen = "other"', "question symptom: is part of a cycle"),
    ('[[questions]]\nid = "months_expired"', '[[questions]]\nid = "orphan"\nfact = "moved"\nnot_sure = "result"\n'
     'text = { zh = "甲", en = "A" }\nhint = { zh = "甲", en = "A" }\noptions = [' + ", ".join(
         f'{{ value = "{v}", label = {{ zh = "甲", en = "A" }}, next = "result" }}' for v in ("yes", "no")) + ']\n\n'
     '[[questions]]\nid = "months_expired"', "question orphan: is unreachable from the start question symptom"),
    ('fact = "balance"\n', 'fact = "balanse"\n', "question account: asks for unknown fact balanse"),
    ('saved_by = ["arrears", "expired_grace", "not_suspended"]', 'saved_by = ["arreers"]',
     "cause expired_cancelled.saved_by: expected the ids of other causes, on a cause with final = true"),
    ('saved_by = ["arrears", "expired_grace", "not_suspended"]', 'saved_by = "arrears"', "cause expired_cancelled.saved_by: expected a list"),
    ('narrowed = { no_service = ["never_worked", "resuming"] }', 'narrowed = { no_service = ["stopped"] }',
     "fact symptom.narrowed.no_service: expected value = [\"more precise value\", …], values of symptom"),
    ('when = [{ stop_reason = "arrears" }, { balance = "arrears" }]', 'when = [{ stop_reason = "arrears" }, { balance = "overdue" }]',
     "cause arrears.when: balance = overdue is not a value"),
    ('value = "arrears"\nnext = "result"\nlabel.zh = "欠费了', 'value = "late"\nnext = "result"\nlabel.zh = "欠费了',
     "question account option 4: has value late, which fact balance does not accept"),
    ('start = "symptom"', 'start = "first"', "settings.start: names question first, which does not exist"),
    # an editor's typos and type slips: each one line naming the node, never an exception
    ('months_expired = { min = 3 }, confidence', 'months_expired = { mn = 3 }, confidence',
     "cause expired_cancelled.when: months_expired: {min, max} needs a number fact"),
    ('[facts.months_expired]\nkind = "number"\nmin = 0', '[facts.months_expired]\nkind = "number"\nmin = "x"',
     "fact months_expired: a number fact needs whole numbers min <= max"),
    ('expired = { plan = "expired" }', 'expired = { plan = "ended" }',
     "fact stop_reason.brings.expired: plan = ended is not a fact and value of this tree"),
    ('{ fixed = ["arrears", "expired_grace"] }', '{ fixed = "arrears" }',
     "fact balance.brings.paid_still_stopped: fixed = arrears is not a fact and value of this tree (a list for"),
    ('brings.paid_still_stopped', 'brings.settled', "fact balance.brings: settled is not a value of balance"),
    ('unless = { symptom = "active_offline" }', 'unless = { symptom = "shown_active" }',
     "question account option 1.unless: symptom = shown_active is not a value"),
    ('unless = { symptom = "active_offline" }', 'unless = { symtom = "active_offline" }',
     "question account option 1: unless names unknown fact symtom"),
    ('[facts.plan]\nkind = "choice"\n', '[facts.plan]\nkind = "choice"\ncolour = "red"\n', "fact plan: unknown key colour"),
    ('value = 0\nupto = 2\n', 'value = 0\nupto = 3\n',
     "question months_expired: option 1 covers months_expired 0..3, which cause expired_cancelled splits at 3..120"),
    ('values = ["valid", "expired", "unknown"]', 'values = ["valid", ["expired"], "unknown"]', "fact plan.values: expected a list of strings"),
    ('when = [{ symptom = "calls_sms_only" }]', 'when = [{ symptom = [["calls_sms_only"]] }]',
     "cause calls_restricted.when: symptom = list is not a value of that fact"),
    ('feedback_yes.zh = "恢复了"\nfeedback_yes.en = "Yes, it works again"\n', '', "ui.feedback_yes: is missing"),
    ('confidence = "possible" }]\ntitle.zh = "长期没用', 'confidence = "sure" }]\ntitle.zh = "长期没用',
     "cause idle_cancelled.when: confidence must be likely or possible"),
    ('id = "idle_cancelled"\n', 'id = "idle_cancelled"\nfinal = true\n',
     "cause idle_cancelled: final = true acts only when the platform confirms the cause"),
    ('id = "idle_cancelled"\n', 'id = "idle_cancelled"\nfinal = "yes"\n', "cause idle_cancelled: final must be true or false"),
    ('not_sure = "stop_reason"\n', '', "question symptom: has no not_sure"),
    ('causes = ["expired_cancelled",', 'causes = ["contact_carrier", "expired_cancelled",',
     "doubt 1.causes: expected a list of cause ids, from"),
    ('when = [{ symptom = "active_offline" }]\ncauses', 'when = [{ symptom = "offline" }]\ncauses',
     "doubt 1.when: symptom = offline is not a value of that fact"),
    ('when = [{ symptom = "active_offline" }]\ncauses', 'when = [{ symptom = "active_offline", confidence = "likely" }]\ncauses',
     "doubt 1.when: expected a list of { fact = \"value\" } tables (no confidence"),
    ('[[doubts]]\nwhen', '[[doubts]]\nsure = true\nwhen', "doubt 1: unknown key sure"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_each_mistake_is_reported_with_its_node(tmp_path: Path, old: str, new: str, expected: str) -> None:
    found = problems(broken(tmp_path, old, new))
    assert any(expected in line for line in found), "\n".join(found)


def test_a_cause_without_steps_is_reported(tmp_path: Path) -> None:
    path = copy_tree_file(tmp_path)
    text = path.read_text("utf-8")
    start = text.index('id = "maintenance"\naccount = true\nwhen')
    steps_at = text.index("[[causes.steps]]", start)
    end = text.index("[[causes]]", steps_at)
    path.write_text(text[:steps_at] + text[end:], "utf-8")
    assert any("cause maintenance: has no fix steps" in p for p in problems(path))


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = broken(tmp_path, 'title.en = "Stopped for arrears"\n', '')
    text = path.read_text("utf-8").replace('fact = "balance"\n', 'fact = "balanse"\n', 1)
    path.write_text(text, "utf-8")
    found = problems(path)
    assert len(found) >= 2
    assert any("cause arrears.title" in p for p in found) and any("question account" in p for p in found)


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = broken(tmp_path, 'start = "symptom"', 'start = "symptom')
    (line,) = problems(path)
    assert "is not valid TOML" in line and "line" in line


def test_missing_articles_are_reported_per_language(tmp_path: Path) -> None:
    tree = default_tree()  # the shipped tree, whose walk other tests share: only the articles differ
    found = validate(tree, lambda lang, path: not (lang == "en" and path == "causes/arrears"))
    assert found == [f"{tree.source}: cause arrears: links to article causes/arrears, which does not exist in en "
                     "(expected docs/en/causes/arrears.md)"]


def test_an_answer_whose_result_depends_on_earlier_answers_is_refused(tmp_path: Path) -> None:
    # "a phone" going on to the next question instead of ending lets later answers change what it shows
    path = broken(tmp_path, 'value = "phone"\nnext = "result"\n', 'value = "phone"\nnext = "other"\n')
    assert any("depending on earlier answers" in p or "no path of answers concludes" in p for p in problems(path))


def test_the_question_bound_is_enforced(tmp_path: Path) -> None:
    # the symptom question's "not sure" going through the whole account chain twice is too long
    path = broken(tmp_path, 'not_sure = "result"\nthen = "event"', 'not_sure = "event"\nthen = "event"')
    found = problems(path)
    assert any("questions" in p and "allowed" in p for p in found) or any("cycle" in p or "twice" in p for p in found)
