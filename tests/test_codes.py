"""Platform codes (troubleshooter/codes.toml): every value decodes to the facts the file documents, the
reseller examples from the research, malformed values, several flags at once, provenance in the "why",
the CLI (`decode`, `diagnose`), the lenient web path, the file's own validation, and the generated tables."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from html import escape
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "hooks"))
from troubleshooter import LANGS, default_tree  # noqa: E402
from troubleshooter.browser import handle  # noqa: E402
from troubleshooter.codes import CODES_TOML, decode, default_codes, load_codes, parse_codes  # noqa: E402
from troubleshooter.engine import diagnose  # noqa: E402
from troubleshooter.facts import FactError, parse_facts, read_query, read_strict, to_query  # noqa: E402
from troubleshooter.parsing import TreeError  # noqa: E402
from troubleshooter.render import QueryLinks, render_text  # noqa: E402
from troubleshooter.engine import result  # noqa: E402

RAW = tomllib.loads(CODES_TOML.read_text("utf-8"))
TREE = default_tree()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "troubleshooter", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def flag_string(position: int, length: int = 12) -> str:
    return "".join("2" if i == position else "0" for i in range(length))


def documented() -> list[tuple[str, object, dict[str, object]]]:
    """(key, value as a portal sends it, facts the data file says it sets), read from the TOML directly."""
    cases = []
    for field in RAW["fields"]:
        for v in field["values"]:
            facts = {fid: tuple(want if isinstance(want, list) else [want]) if TREE.facts[fid].multiple else want
                     for fid, want in v.get("facts", {}).items()}
            raw = flag_string(int(v["code"]), field["length"]) if field["kind"] == "flags" else v["code"]
            cases.append((field["key"], raw, facts))
            if field["type"] == "integer":
                cases.append((field["key"], int(v["code"]), facts))  # a JSON number works as well as its digits
    return cases


@pytest.mark.parametrize(("key", "raw", "facts"), documented(), ids=lambda x: str(x))
def test_every_value_in_the_data_file_decodes_to_its_documented_facts(key: str, raw: object, facts: dict) -> None:
    assert parse_facts(TREE, {key: raw}) == facts
    assert read_query(TREE, to_query(TREE, {}) + f"&{key}={raw}").facts == facts


def test_the_data_file_covers_every_platform_field_of_the_research() -> None:
    assert list(default_codes().fields) == ["onelink.stopReason", "onenet.cardstatus", "onenet.billingstatus",
                                            "ctcmp.queryCardMainStatus", "huawei.operatorStatus", "aliyun.LockReason",
                                            "aliyun.SimStatus"]
    # the statuses that mean "active" say the card is not stopped
    for key, code in [("onenet.cardstatus", "00"), ("ctcmp.queryCardMainStatus", 4), ("huawei.operatorStatus", -1),
                      ("aliyun.SimStatus", "Activated")]:
        assert parse_facts(TREE, {key: code}) == {"symptom": "active_offline"}


@pytest.mark.parametrize(("string", "reason", "cause"), [
    ("000000002000", "owner_request", "manual_stop"),
    ("000020000000", "arrears", "arrears"),
    ("200000000000", "expired", "expired_grace"),
])
def test_the_reseller_examples_give_owner_request_arrears_and_expired(string: str, reason: str, cause: str) -> None:
    facts = parse_facts(TREE, {"onelink.stopReason": string})
    assert facts == {"stop_reason": (reason,)}
    assert [(f.cause.id, f.confidence) for f in diagnose(TREE, facts)] == [(cause, "confirmed")]


def test_an_eleven_character_onelink_string_is_rejected_in_one_line() -> None:
    with pytest.raises(FactError, match="00000000020 has 11 characters; expected exactly 12 digits"):
        parse_facts(TREE, {"onelink.stopReason": "00000000020"})
    for args in (("decode", "onelink.stopReason", "00000000020"),
                 ("diagnose", "--facts", '{"onelink.stopReason": "00000000020"}')):
        out = run(*args)
        assert out.returncode == 2 and out.stdout == ""
        assert out.stderr.count("\n") == 1 and "expected exactly 12 digits" in out.stderr, out.stderr


@pytest.mark.parametrize(("facts", "expected"), [
    ({"onelink.stopReason": "00002000000x"}, "other than digits"),
    ({"onelink.stopReason": 20000000}, "expected a string"),
    ({"huawei.operatorStatus": [7]}, "expected a whole number"),
    ({"huawei.operatorStatus": True}, "expected a whole number"),
    ({"ctcmp.queryCardMainStatus": 9}, "expected one of 1, 2, 3, 4, 5, 6, 7"),
    ({"aliyun.LockReason": 3}, "expected a string"),
    ({"aliyun.SimStatus": "activated"}, "not a value this platform reports"),
    ({"onenet.status": "00"}, "no platform code of that name"),
])
def test_malformed_codes_exit_2_with_one_line_saying_what_is_expected(facts: dict, expected: str) -> None:
    out = run("diagnose", "--facts", json.dumps(facts))
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and expected in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_two_flags_give_two_confirmed_causes_in_the_trees_order_each_naming_its_code() -> None:
    reading = read_strict(TREE, {"onelink.stopReason": "000020002000"})
    assert reading.facts == {"stop_reason": ("arrears", "owner_request")}
    found = diagnose(TREE, reading.facts)
    assert [(f.cause.id, f.confidence) for f in found] == [("arrears", "confirmed"), ("manual_stop", "confirmed")]
    order = [c.id for c in TREE.causes]
    assert order.index("arrears") < order.index("manual_stop")
    assert [f.why for f in found] == [(("stop_reason", ("arrears",)),), (("stop_reason", ("owner_request",)),)]
    text = render_text(TREE, result(TREE, reading.facts), "en", reading.evidence)
    assert "Why: China Mobile OneLink (IoT open platform) shows 000020002000 (信控双向停机 — arrears: credit control" in text
    assert "Why: China Mobile OneLink (IoT open platform) shows 000020002000 (主动(申请)双向停机 — stopped at the owner's" in text
    zh = render_text(TREE, result(TREE, reading.facts), "zh", reading.evidence)
    assert "依据：中国移动 OneLink（物联网开放平台）显示 000020002000（信控双向停机）" in zh


def test_codes_merge_with_facts_a_fact_given_by_name_wins_and_a_vague_reason_gives_way() -> None:
    facts = parse_facts(TREE, {"symptom": "no_service", "aliyun.SimStatus": "Activated", "aliyun.LockReason": "NoReasonStop",
                               "huawei.operatorStatus": 7, "stop_reason": "arrears"})
    assert facts == {"symptom": "no_service", "stop_reason": ("arrears", "device_separation")}
    # a position nobody has published a meaning for: stopped, reason not shown; with a known one, only that
    assert parse_facts(TREE, {"onelink.stopReason": "001000000000"}) == {"stop_reason": ("none_shown",)}
    assert parse_facts(TREE, {"onelink.stopReason": "001020000000"}) == {"stop_reason": ("arrears",)}
    assert parse_facts(TREE, {"onelink.stopReason": "000000000000"}) == {}


@pytest.mark.parametrize("key", [f["key"] for f in RAW["fields"]])
def test_each_code_works_through_the_cli(key: str) -> None:
    field = default_codes().fields[key]
    example = next(flag_string(int(v.code)) if field.kind == "flags" else v.code for v in field.values if v.facts)
    decoded = decode(default_codes(), key, example)
    out = run("diagnose", "--facts", json.dumps({key: example}), "--lang", "en")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    expected = [f.cause.id for f in diagnose(TREE, parse_facts(TREE, {key: example}))]
    assert [c["id"] for c in data["causes"]] == expected
    sources = [s for c in data["causes"] for e in c["evidence"] for s in e["from"]]
    if not data["causes"][0]["id"] == "contact_carrier":
        assert sources and all(s.startswith(f"{field.platform.en} shows {decoded.raw} (") for s in sources)
    out = run("decode", key, example, "--lang", "en", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["code"] == key and data["facts"] and [c["id"] for c in data["causes"]] == expected
    assert all(c["first_step"]["text"] for c in data["causes"]) and data["authority"] in (
        "provider's own documentation", "as reported by integrators or resellers")
    text = run("decode", key, example)
    assert text.returncode == 0 and key in text.stdout and "设置的事实" in text.stdout


def test_the_web_path_drops_a_bad_code_with_the_visible_notice_and_keeps_the_rest() -> None:
    res = json.loads(handle(json.dumps({"query": "?onelink.stopReason=00000000020&huawei.operatorStatus=7", "lang": "en"})))
    assert res["dropped"] == ["onelink.stopReason"] and res["causes"] == ["device_binding"]
    assert "ignored: onelink.stopReason" in res["html"] and "Huawei Cloud GSL (operator status) shows 7 (机卡分离停机 — " in res["html"]
    assert res["codes"] == [{"key": "huawei.operatorStatus", "value": "7"}]
    locked = json.loads(handle(json.dumps({"query": "", "lang": "zh", "locked": {"aliyun.LockReason": "LocationStop"}})))
    assert locked["causes"] == ["region_restricted"] and "阿里云物联网连接（锁卡原因 LockReason）显示 LocationStop（区域限制停机）" in locked["html"]


def test_links_keep_a_code_while_its_facts_hold_so_the_evidence_stays() -> None:
    reading = read_query(TREE, "?onelink.stopReason=000020002000")
    links = QueryLinks(TREE, "", {}, reading.decoded)
    assert links.still({**reading.facts, "fixed": ("arrears",)}).endswith("&onelink.stopReason=000020002000")
    assert "onelink" not in links.back({"stop_reason": ("owner_request",)})  # an answer undone: the code goes
    still = read_query(TREE, links.still(reading.facts))
    assert still.facts == reading.facts and still.evidence == reading.evidence


def test_the_codes_file_reports_every_mistake_with_file_and_key(tmp_path: Path) -> None:
    text = CODES_TOML.read_text("utf-8")
    text = text.replace('facts = { stop_reason = "arrears" }', 'facts = { stop_reason = "owing" }', 1)
    text = text.replace('kind = "enum"', 'kind = "list"', 1)
    text = text.replace('code = "00"', 'code = "01"', 1)
    text = text.replace('words = "到期失效停机"', 'wrds = "到期失效停机"', 1)
    text = text.replace('narrows = ["active_offline"]', 'narrows = ["shown_active"]', 1)
    path = tmp_path / "codes.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(TreeError) as err:
        load_codes(path, TREE)
    problems = err.value.problems
    assert all(p.startswith(f"{path}: field ") for p in problems), problems
    joined = "\n".join(problems)
    for expected in ("field onelink.stopReason value #4.facts: stop_reason = owing is not a value of that fact",
                     "field onenet.cardstatus: kind must be one of enum, flags",
                     "field onenet.cardstatus: the code 01 is listed twice",
                     "field onelink.stopReason value #1: unknown key wrds",
                     "field onenet.billingstatus value #2.narrows: expected a list of values of the one single-value fact"):
        assert expected in joined, joined


def test_check_validates_the_codes_too(checked) -> None:
    codes = default_codes()
    count = f"codes.toml: OK ({len(codes.fields)} platform fields, {sum(len(f.values) for f in codes.fields.values())} values)"
    assert checked.returncode == 0 and count in checked.stdout


def test_the_generated_tables_follow_the_data_file() -> None:
    from troubleshooter.tables import keys_table, platform_tables

    data = tomllib.loads(CODES_TOML.read_text("utf-8"))
    for lang in ("zh", "en"):
        tables = platform_tables(default_codes(), TREE, lang, "../")
        assert tables.count("|---|---|---|---|") == len(default_codes().fields) and "信控双向停机" in tables
        assert "[" in tables and "](../causes/arrears.md)" in tables and "](../causes/device-binding.md)" in tables
        assert "`onelink.stopReason`" in keys_table(default_codes(), TREE, lang)
    data["fields"][0]["values"][3]["words"] = "欠费停机（新写法）"
    data["fields"][5]["values"].append({"code": "NewStop", "words": "NewStop", "meaning": {"zh": "新的停机", "en": "a new stop"},
                                        "facts": {"stop_reason": "real_name"}})
    changed = parse_codes(data, "changed.toml", TREE)
    tables = platform_tables(changed, TREE, "en", "../")
    assert "欠费停机（新写法）" in tables and "信控双向停机" not in tables
    assert "| `NewStop` | a new stop | [Real-name registration is missing](../causes/real-name.md) |" in tables
    assert "`NewStop` → `stop_reason = real_name`" in keys_table(changed, TREE, "en")


def test_the_built_article_and_guide_carry_the_tables_in_both_languages(site: Path) -> None:
    for prefix in ("", "en/"):
        article = (site / prefix / "reference/stop-reasons.html").read_text("utf-8")
        assert article.count("<table>") == len(default_codes().fields) and "信控双向停机" in article and "stop-reasons-tables" not in article
        assert 'href="../causes/arrears.html"' in article
        guide = (site / prefix / "integrate/embedding.html").read_text("utf-8")
        assert "ctcmp.queryCardMainStatus" in guide and "codes-keys-table" not in guide


@pytest.mark.parametrize(("locked", "overruled"), [
    ({"onenet.cardstatus": "00", "ctcmp.queryCardMainStatus": 3}, [{"key": "ctcmp.queryCardMainStatus", "value": "3"}]),
    # a billing stage beside a card shown active (the code's `narrows`): a new card, not a disagreement
    ({"onenet.cardstatus": "00", "onenet.billingstatus": "01"}, []),
    ({"symptom": "active_offline", "onenet.billingstatus": "02"}, []),
    ({"symptom": "no_service", "onenet.cardstatus": "00"}, [{"key": "onenet.cardstatus", "value": "00"}]),
    ({"onenet.cardstatus": "00", "huawei.operatorStatus": -1}, []),  # two readings that agree
    # a portal's "no service" that a code makes precise (symptom's `narrowed` in tree.toml): kept, not overruled
    ({"symptom": "no_service", "aliyun.SimStatus": "Resuming"}, []),
    ({"symptom": "no_service", "ctcmp.queryCardMainStatus": 3}, []),
    ({"symptom": "active_offline", "ctcmp.queryCardMainStatus": 3}, [{"key": "ctcmp.queryCardMainStatus", "value": "3"}]),
])
def test_a_platform_reading_that_is_not_used_is_named_on_the_page(locked: dict, overruled: list) -> None:
    """Two readings that disagree on the card's state (OneNET shows it 正常, China Telecom's CMP deactivated; or
    the portal says stopped while a code says active): one is used, and the page says which was not, with
    its words, so the person checks the platform instead of trusting a silent choice."""
    for lang in LANGS:
        out = json.loads(handle(json.dumps({"query": "", "lang": lang, "locked": locked})))
        assert out["overruled"] == overruled
        notices = re.findall(r'<p class="ts-notice"[^>]*>(.*?)</p>', out["html"])
        if not overruled:
            assert notices == []
            continue
        [notice] = notices
        [reading] = [decode(default_codes(), o["key"], o["value"]) for o in overruled]
        assert escape(reading.evidence(reading.parts[0], lang)) in notice, notice
        assert escape(default_tree().ui["overruled"].get(lang).split("}")[-1]) in notice, notice  # what to do


def test_a_reading_not_used_is_named_on_the_first_step_and_on_the_result_not_on_every_question() -> None:
    """A portal that locks two readings that disagree: the notice shows where the person starts and on the
    result they act on, and does not push every question down the screen in between."""
    locked = {"symptom": "no_service", "onenet.cardstatus": "00"}

    def notices(query: str) -> tuple[str, int]:
        out = json.loads(handle(json.dumps({"query": query, "lang": "en", "locked": locked})))
        return out["kind"], out["html"].count('class="ts-notice"')

    assert notices("") == ("question", 1)
    assert notices("?stop_reason=unknown") == ("question", 0)
    assert notices("?stop_reason=arrears") == ("result", 1)


def test_the_cli_names_a_reading_it_did_not_use() -> None:
    facts = json.dumps({"onenet.cardstatus": "00", "ctcmp.queryCardMainStatus": 3})
    data = json.loads(run("diagnose", "--facts", facts, "--lang", "en").stdout)
    assert [(o["key"], o["value"]) for o in data["overruled"]] == [("ctcmp.queryCardMainStatus", "3")]
    assert "not used" in data["overruled"][0]["notice"] and [c["id"] for c in data["causes"]] == ["not_suspended"]
    text = run("diagnose", "--facts", facts, "--format", "text").stdout
    assert text.startswith("中国电信 CMP") and "没有采用" in text.splitlines()[0], text
    agreeing = json.loads(run("diagnose", "--facts", json.dumps({"onenet.cardstatus": "00"})).stdout)
    assert agreeing["overruled"] == []


@pytest.mark.parametrize(("key", "value"), [("aliyun.SimStatus", "Replaced"), ("onenet.cardstatus", "05"),
                                            ("onelink.stopReason", "000000000000")])
def test_a_reading_that_sets_no_fact_is_shown_with_its_meaning(key: str, value: str) -> None:
    """A platform reading the tree has no fact for (Alibaba Cloud's Replaced: look at the card that replaced
    it; OneNET's 过户) still says something the person must hear: its meaning shows where they start and on
    the result, and the response lists it under remarks; the questions go on as if it were not given."""
    [part] = decode(default_codes(), key, value).parts
    assert part.facts == (), "a reading with no facts"
    for lang in LANGS:
        out = json.loads(handle(json.dumps({"query": f"?{key}={value}", "lang": lang, "locked": {}})))
        assert out["remarks"] == [{"key": key, "value": value}] and out["kind"] == "question"
        [notice] = re.findall(r'<p class="ts-notice"[^>]*>(.*?)</p>', out["html"])
        assert escape(part.meaning.get(lang)) in notice and value in notice, notice
        later = json.loads(handle(json.dumps({"query": f"?{key}={value}&symptom=no_service", "lang": lang})))
        assert later["kind"] == "question" and "ts-notice" not in later["html"], "not on every question"
        at_result = json.loads(handle(json.dumps({"query": f"?{key}={value}&symptom=no_service&stop_reason=arrears",
                                                  "lang": lang})))
        assert at_result["kind"] == "result" and escape(part.meaning.get(lang)) in at_result["html"]
    data = json.loads(run("diagnose", "--facts", json.dumps({key: value}), "--lang", "en").stdout)
    assert [(r["key"], r["value"]) for r in data["remarks"]] == [(key, value)]
    assert part.meaning.en in data["remarks"][0]["notice"]
