"""Broken trees: each kind of mistake is reported on its own line, naming the file and the node."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshooter import TreeError, load_tree
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
    ('next = "months_expired" }', 'next = "nowhere" }', "question plan: option 2 leads to nowhere, which does not exist"),
    ('{ value = "ok", label = { zh = "没欠费", en = "No, the balance is fine" }, next = "data_usage" },',
     '{ value = "ok", label = { zh = "没欠费", en = "No, the balance is fine" } },',
     "question balance: option 1 leads nowhere"),
    ('text = { zh = "卡的账户欠费了吗？", en = "Is the card\'s account in arrears?" }',
     'text = { zh = "卡的账户欠费了吗？" }', "question balance.text: missing the en translation"),
    ('title = { zh = "欠费停机", en = "Suspended for arrears" }', 'title = { en = "Suspended for arrears" }',
     "cause arrears.title: missing the zh translation"),
    ('{ value = "no", label = { zh = "没有，还在原地", en = "No, it is still there" }, next = "maintenance" },',
     '{ value = "no", label = { zh = "没有，还在原地", en = "No, it is still there" }, next = "location" },',
     "question location: is part of a cycle"),
    ('[[questions]]\nid = "months_expired"', '[[questions]]\nid = "orphan"\nfact = "moved"\ntext = { zh = "甲", en = "A" }\n'
     'hint = { zh = "甲", en = "A" }\noptions = [' + ", ".join(f'{{ value = "{v}", label = {{ zh = "甲", en = "A" }}, next = "result" }}' for v in ("yes", "no", "unknown")) + ']\n\n'
     '[[questions]]\nid = "months_expired"', "question orphan: is unreachable from the start question plan"),
    ('fact = "balance"\n', 'fact = "balanse"\n', "question balance: asks for unknown fact balanse"),
    ('when = [{ balance = "arrears" }]', 'when = [{ balance = "overdue" }]', "cause arrears: `when`: balance = overdue is not a value"),
    ('{ value = "arrears", label', '{ value = "late", label', "question balance: option 2 has value late, which fact balance does not accept"),
    ('start = "plan"', 'start = "first"', "settings.start: names question first, which does not exist"),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_each_mistake_is_reported_with_its_node(tmp_path: Path, old: str, new: str, expected: str) -> None:
    found = problems(broken(tmp_path, old, new))
    assert any(expected in line for line in found), "\n".join(found)


def test_a_cause_without_steps_is_reported(tmp_path: Path) -> None:
    path = copy_tree_file(tmp_path)
    text = path.read_text("utf-8")
    start = text.index('id = "maintenance"\nwhen')
    steps_at = text.index("steps = [", start)
    end = text.index("]\n\n", steps_at) + 2
    path.write_text(text[:steps_at] + text[end:], "utf-8")
    assert any("cause maintenance: has no fix steps" in p for p in problems(path))


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = broken(tmp_path, 'title = { zh = "欠费停机", en = "Suspended for arrears" }', 'title = { zh = "欠费停机" }')
    text = path.read_text("utf-8").replace('fact = "balance"\n', 'fact = "balanse"\n', 1)
    path.write_text(text, "utf-8")
    found = problems(path)
    assert len(found) >= 2
    assert any("cause arrears.title" in p for p in found) and any("question balance" in p for p in found)


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = broken(tmp_path, 'start = "plan"', 'start = "plan')
    (line,) = problems(path)
    assert "is not valid TOML" in line and "line" in line


def test_missing_articles_are_reported_per_language(tmp_path: Path) -> None:
    tree = load_tree(copy_tree_file(tmp_path))
    found = validate(tree, lambda lang, path: not (lang == "en" and path == "causes/arrears"))
    assert found == [f"{tree.source}: cause arrears: links to article causes/arrears, which does not exist in en "
                     "(expected docs/en/causes/arrears.md)"]


def test_an_answer_whose_result_depends_on_earlier_answers_is_refused(tmp_path: Path) -> None:
    # "plan: expired" going on to the next questions instead of ending lets later answers change its result
    path = broken(tmp_path, '{ value = "unknown", label = { zh = "不确定", en = "Not sure" }, next = "result" },\n]\n\n[[questions]]\nid = "unused"',
                  '{ value = "unknown", label = { zh = "不确定", en = "Not sure" }, next = "unused" },\n]\n\n[[questions]]\nid = "unused"')
    assert any("gives different results depending on earlier answers" in p for p in problems(path))
