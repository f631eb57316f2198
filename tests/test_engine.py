"""The engine over the real tree: every path, random facts, the ordering rules, the renderer and the bridge.
The people's stories are in test_stories.py; this file checks the properties every walk must have."""

from __future__ import annotations

import json
import re
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from troubleshooter import default_tree, diagnose, next_question, step, tree_data
from troubleshooter.browser import handle
from troubleshooter.walks import MAX_ANY, MAX_MEAN, MAX_QUESTIONS, paths, summarize_paths
from troubleshooter.engine import QuestionStep, ResultStep, choose
from troubleshooter.facts import to_query
from troubleshooter.fallback import render_fallback
from troubleshooter.profiles import apply_profile
from troubleshooter.render import QueryLinks, render_step, render_text
from troubleshooter.schema import CONFIDENCE, LANGS, parse_tree

TREE = default_tree()
CONFIRMED_BY = {v: [c.id for c in TREE.causes for alt in c.when for f, m in alt.facts if f == "stop_reason" and v in m.values]
                for v in TREE.facts["stop_reason"].values}


def values_of(fact_id: str) -> st.SearchStrategy:
    fact = TREE.facts[fact_id]
    if fact.kind == "number":
        return st.one_of(st.integers(fact.min, fact.max), st.just("unknown"))
    if fact.kind == "region":
        return st.sampled_from(sorted(TREE.regions) + ["unknown"])
    if fact.multiple:
        return st.lists(st.sampled_from([v for v in fact.values if v != "unknown"]), min_size=1, unique=True).map(
            lambda vs: tuple(v for v in fact.values if v in vs))
    return st.sampled_from(fact.values)


facts_strategy = st.fixed_dictionaries({}, optional={f: values_of(f) for f in TREE.facts})


def test_every_path_ends_in_a_rendered_result_in_both_languages() -> None:
    """Every result a person can reach (each path's end is one of the states summarize_paths visits, "still"
    included), rendered in both languages; and every cause is the first finding somewhere."""
    results = summarize_paths(TREE).results.values()
    assert len({r.findings[0].cause.id for r in results}) == len(TREE.causes), "every cause is reachable"
    for result in results:
        for lang in LANGS:
            html = render_step(TREE, result, lang, QueryLinks(TREE))
            assert "{" not in re.sub(r"<[^>]+>", "", html), "a placeholder was left unfilled"
            for finding in result.findings:
                assert f'data-cause="{finding.cause.id}"' in html
                assert escape(finding.cause.title.get(lang)) in html


def test_the_bounds_hold_and_the_statistics_say_so() -> None:
    stats = summarize_paths(TREE).stats
    assert stats["max_questions_sure"] <= MAX_QUESTIONS and stats["mean_questions_sure"] <= MAX_MEAN
    assert stats["max_questions"] <= MAX_ANY
    assert 0 < stats["share_fallback"] < 0.5
    assert abs(sum(stats["share_per_cause"].values()) - sum(len(p.result.findings) for p in paths(TREE, follow_still=False))
               / stats["paths"]) < 0.01


@pytest.mark.parametrize("reason", [v for v in TREE.facts["stop_reason"].values if v not in ("none_shown", "unknown")])
def test_a_known_stop_reason_settles_it_at_once(reason: str) -> None:
    """No question once the platform has said why; but for an ended plan, how long ago (three months on, the
    number may be cancelled, and renewing it would be money lost)."""
    current = step(TREE, {"stop_reason": (reason,)})
    if reason == "expired":
        assert isinstance(current, QuestionStep) and current.question.id == "months_expired"
        current = step(TREE, {"stop_reason": (reason,), "months_expired": 0})
    assert isinstance(current, ResultStep), "no question once the platform has said why"
    assert [f.cause.id for f in current.findings] == CONFIRMED_BY[reason]
    assert all(f.confidence == "confirmed" for f in current.findings)


def test_two_stop_reasons_give_two_confirmed_causes_in_the_trees_order() -> None:
    found = diagnose(TREE, {"stop_reason": ("device_separation", "arrears")})
    assert [(f.cause.id, f.confidence) for f in found] == [("arrears", "confirmed"), ("device_binding", "confirmed")]


@settings(max_examples=300, deadline=None)
@given(facts_strategy)
def test_random_facts_give_ordered_causes_and_never_reask(facts: dict) -> None:
    found = diagnose(TREE, facts)
    assert found, "at least one cause, always"
    ranks = [CONFIDENCE.index(f.confidence) for f in found]
    assert ranks == sorted(ranks), "confirmed, then likely, then possible"
    fixed = set(facts.get("fixed", ()))
    assert not {f.cause.id for f in found} & fixed or found[0].cause.resume_pending, "dealt-with causes are not repeated"
    question = next_question(TREE, facts)
    assert question is None or question.fact not in facts or facts[question.fact] == "unknown" \
        or question.id in ("symptom", "event", "other", "account"), "a known fact is never asked again"
    current = step(TREE, facts)
    for lang in LANGS:
        assert render_text(TREE, current, lang)
    if isinstance(current, ResultStep) and current.still is not None:
        # every cause shown counts as dealt with, except a resume under way, which is never "fixed"
        assert set(current.still["fixed"]) >= {f.cause.id for f in current.findings if not f.cause.resume_pending}


def test_many_cards_put_the_account_first() -> None:
    single = [f.cause.id for f in diagnose(TREE, {"real_name": "not_done", "balance": "arrears"})]
    many = [f.cause.id for f in diagnose(TREE, {"real_name": "not_done", "balance": "arrears", "many_cards": "yes"})]
    assert single == ["real_name_required", "arrears"] and many == ["arrears", "real_name_required"]


def test_prefilled_facts_skip_their_questions_and_locked_ones_are_never_undone() -> None:
    current = step(TREE, {"symptom": "no_service", "stop_reason": "unknown"})
    assert isinstance(current, QuestionStep) and current.question.id == "account" and current.number == 3
    locked = step(TREE, {"symptom": "no_service", "stop_reason": "unknown"}, frozenset({"symptom", "stop_reason"}))
    assert locked.number == 1 and locked.back is None


def test_back_undoes_the_last_answer_and_the_last_still_not_working() -> None:
    arrears = next(o for o in TREE.questions["account"].options if o.key == "arrears")
    facts = choose(TREE, {"symptom": "no_service", "stop_reason": "unknown"}, arrears)
    result = step(TREE, facts)
    assert isinstance(result, ResultStep) and result.back == {"symptom": "no_service", "stop_reason": "unknown"}
    after = step(TREE, result.still)
    assert isinstance(after, QuestionStep) and after.question.id == "event"
    assert after.back == facts, "back from the next question returns to the result"


def test_custom_restricted_regions_change_the_question_and_the_diagnosis() -> None:
    import tomllib

    from troubleshooter import TREE_TOML
    data = tomllib.loads(TREE_TOML.read_text("utf-8"))
    data["settings"]["restricted_regions"] = ["CN-YN"]
    tree = parse_tree(data, "custom.toml")
    assert [o.key for o in tree.questions["location"].options][:1] == ["CN-YN"]
    assert [f.cause.id for f in diagnose(tree, {"location": "CN-YN"})] == ["region_restricted"]
    assert [f.cause.id for f in diagnose(tree, {"location": "CN-XJ"})] == ["contact_carrier"]


def test_fallback_links_every_answer_to_a_section_that_exists() -> None:
    for lang in LANGS:
        html = render_fallback(TREE, lang)
        ids = set(re.findall(r'<section[^>]*\bid="([^"]+)"', html))
        targets = set(re.findall(r'href="#([^"]+)"', html))
        assert targets <= ids, f"dangling anchors: {targets - ids}"
        assert html.index(f'id="ts-q-{TREE.start}"') < html.index("<section", 1) + 40, "the first question comes first"
        assert "ts-still" in html and 'href="#ts-solved"' in html, "'did this fix it?' works without JavaScript"


def test_the_fallback_and_the_live_engine_agree_on_every_path() -> None:
    """Click every answer of the static page and, beside it, the same answer in browser.handle: every path
    to a first result, and from each result section the "still not working" walk the first time it is met
    (the thousands of later repeats lead through the same sections)."""
    html = render_fallback(TREE, "en")
    sections = {m.group(1): m.group(0) for m in re.finditer(r'<section[^>]*id="([^"]+)"[^>]*>.*?</section>', html, re.S)}
    checked = 0
    seen: set[tuple[str, str]] = set()
    continued: set[str] = set()

    def live(query: str) -> dict:
        return json.loads(handle(json.dumps({"query": query, "lang": "en"})))

    def visit(anchor: str, query: str, depth: int) -> None:
        nonlocal checked
        if (anchor, query) in seen:  # the same state reached another way: already walked from here
            return
        seen.add((anchor, query))
        body = sections[anchor]
        now = live(query)
        if "ts-option" not in body:  # a result, or the solved page
            if 'data-cause' in body:
                static = re.findall(r'data-cause="([^"]+)"', body)
                assert now["causes"] == static, (query, now["causes"], static)
                checked += 1
                still_static = re.search(r'class="ts-still" href="#([^"]+)"', body)
                still_live = re.search(r'class="ts-still" href="(\?[^"]+)"', now["html"])
                assert bool(still_static) == bool(still_live), query
                if still_static and depth < 10 and anchor not in continued:
                    continued.add(anchor)
                    visit(still_static.group(1), still_live.group(1).replace("&amp;", "&"), depth + 1)
            return
        assert now["kind"] == "question" and f'data-step="{now["step"]}"' in body, (query, now["step"])
        # "Question n of at most m": how many may be left is the same (n itself is the shortest way's here)
        left = [int(m) - int(v) for m, v in (re.search(r'<progress max="(\d+)" value="(\d+)"', h).groups()
                                             for h in (body, now["html"]))]
        assert left[0] == left[1], (query, "questions left, static and live:", left)
        static_links = re.findall(r'<a class="ts-option" href="#([^"]+)" data-fact="[^"]*" data-value="([^"]*)"', body)
        live_links = re.findall(r'<a class="ts-option" href="(\?[^"]*)"', now["html"])
        assert len(static_links) == len(live_links), query
        for (target, _), href in zip(static_links, live_links):
            visit(target, href.replace("&amp;", "&"), depth + 1)

    visit(f"ts-q-{TREE.start}", "", 0)
    # every section of the static page was walked (all but the solved page, which only a result's
    # "it works again" link leads to: the walk follows answers and "still not working")
    assert checked and {anchor for anchor, _ in seen} == set(sections) - {"ts-solved"}


def test_browser_bridge_ignores_tampered_input_and_escapes_everything() -> None:
    out = json.loads(handle(json.dumps({"query": "?symptom=no_service&balance=<script>alert(1)</script>&device=phone&evil=1",
                                        "lang": "en"})))
    assert out["facts"] == {"symptom": "no_service", "device": "phone"}
    assert out["query"] == "?symptom=no_service&device=phone"
    assert sorted(out["dropped"]) == ["balance", "evil"]
    assert "<script" not in out["html"] and "ts-notice" in out["html"]


def test_browser_bridge_reports_findings_with_confidence_and_version() -> None:
    out = json.loads(handle(json.dumps({"query": "?stop_reason=arrears,device_separation", "lang": "zh"})))
    assert out["kind"] == "result" and out["treeVersion"] == TREE.version
    assert out["findings"] == [{"id": "arrears", "confidence": "confirmed"}, {"id": "device_binding", "confidence": "confirmed"}]
    assert 'data-confidence="confirmed"' in out["html"] and "平台已确认" in out["html"]
    solved = json.loads(handle(json.dumps({"query": out["query"] + "&outcome=solved", "lang": "en"})))
    assert solved["kind"] == "solved" and "ts-restart" in solved["html"]


def test_browser_bridge_keeps_locked_facts_through_restart() -> None:
    out = json.loads(handle(json.dumps({"query": "", "lang": "zh", "locked": {"symptom": "no_service", "bogus": "x"}})))
    assert out["step"] == "stop_reason" and out["dropped"] == ["bogus"]
    assert 'class="ts-restart"' not in out["html"]  # nothing answered yet
    out = json.loads(handle(json.dumps({"query": "?stop_reason=unknown", "lang": "zh", "locked": {"symptom": "no_service"}})))
    assert 'class="ts-restart" href="?symptom=no_service"' in out["html"]


def test_still_not_working_goes_on_when_a_portal_locks_what_was_dealt_with() -> None:
    """A portal that knows the arrears were paid passes fixed=arrears. Its locked value stays, and the causes
    "still not working" adds join it: the next step is not the same result again."""
    locked = {"fixed": "arrears"}
    query = "?symptom=no_service&stop_reason=unknown&balance=ok&plan=valid&data_usage=within_plan&device=other_device"
    seen = []
    for _ in range(6):
        out = json.loads(handle(json.dumps({"query": query, "lang": "en", "locked": locked})))
        if out["kind"] != "result":
            break
        seen.append(out["causes"])
        assert "arrears" in out["facts"]["fixed"], "the portal's locked value is never undone"
        still = re.search(r'class="ts-still" href="(\?[^"]+)"', out["html"])
        if still is None:
            break
        query = still.group(1).replace("&amp;", "&")
    assert len(seen) == len({tuple(c) for c in seen}), f"the same result came back after 'still': {seen}"
    assert seen[0] == ["device_binding"] and (out["kind"] == "question" or len(seen) > 1)
    back = re.search(r'class="ts-back" href="(\?[^"]+)"', out["html"]).group(1).replace("&amp;", "&")
    before = json.loads(handle(json.dumps({"query": back, "lang": "en", "locked": locked})))
    assert before["causes"] == ["device_binding"], "back after 'still' returns to the result it was said on"


@pytest.mark.parametrize("junk", ["", "not json", "[1,2]", '{"lang": 5, "query": 7, "locked": "x"}'])
def test_browser_bridge_survives_malformed_requests(junk: str) -> None:
    out = json.loads(handle(junk))
    assert out["step"] == TREE.start


def test_queries_round_trip_lists() -> None:
    facts = {"stop_reason": ("arrears", "expired"), "fixed": ("arrears",)}
    assert to_query(TREE, facts) == "?stop_reason=arrears,expired&fixed=arrears"
    out = json.loads(handle(json.dumps({"query": to_query(TREE, facts), "lang": "en"})))
    assert out["facts"] == {"stop_reason": ["arrears", "expired"], "fixed": ["arrears"]}


def test_what_a_portals_facts_settle_is_not_counted_as_asked() -> None:
    """A portal's stop reason "only says stopped" settles that the card is stopped too, so the account
    question is the person's first, not their second."""
    locked = {"stop_reason": ("none_shown",)}
    current = step(TREE, locked, frozenset(locked))
    assert isinstance(current, QuestionStep) and current.question.id == "account"
    assert current.number == 1
    person = step(TREE, {"symptom": "no_service", "stop_reason": ("none_shown",)})  # who answered both
    assert isinstance(person, QuestionStep) and person.number == 3
    fleet = step(TREE, {"many_cards": "yes"}, frozenset({"many_cards"}))  # followed "several cards", never asked
    assert isinstance(fleet, QuestionStep) and fleet.question.id == "stop_reason" and fleet.number == 1


@pytest.mark.parametrize("hidden", [(), ("expired_grace",), ("region_restricted", "expired_cancelled")])
def test_the_progress_count_is_honest_on_every_walk(hidden: tuple[str, ...]) -> None:
    """On every walk a person can take (answering each question every way, saying "still not working" at
    each result), "Question n of at most m" counts the questions they answered, and m never grows until the
    next result: an answer that settles a later question (the stop reason "expired" settles the account's
    "plan expired") does not count as a second answer, and the questions after a "still" count too. Under
    a portal's profile too, where a hidden cause leaves a result with nothing new and the walk goes past it
    (a seller whose plans never expire: "how long ago" leads on to what changed)."""
    tree = parse_tree(apply_profile(tree_data(), {"hidden_causes": list(hidden)}, "t"), "t") if hidden else TREE
    checked = 0
    stack: list[tuple[dict, int, int | None]] = [({}, 0, None)]  # facts, questions answered, the phase's last total
    while stack:
        facts, answered, bound = stack.pop()
        current = step(tree, facts)
        if isinstance(current, ResultStep):
            if current.still is not None and len(current.still.get("fixed", ())) <= 3:
                stack.append((current.still, answered, None))
            continue
        checked += 1
        where = f"{current.question.id} after {to_query(tree, facts)}"
        assert current.number == answered + 1, f"{where}: shown as question {current.number}, is {answered + 1}"
        assert current.number <= current.total, where
        assert bound is None or current.total <= bound, f"{where}: 'at most' grew from {bound} to {current.total}"
        for option in current.question.options:
            stack.append((choose(tree, facts, option), answered + 1, current.total))
    assert checked > 500


def test_a_portals_locked_fact_is_never_contradicted_by_an_offered_answer() -> None:
    """A portal that knows the plan is valid (or that the device never moved) locks it; the person is not
    offered an answer that says otherwise, which would be overwritten by the lock on the next step and ask
    the same question again."""
    locked = {"symptom": "no_service", "stop_reason": "unknown", "plan": "valid", "moved": "no"}
    current = step(TREE, locked, frozenset(locked))
    assert isinstance(current, QuestionStep) and current.question.id == "account"
    keys = [o.key for o in current.question.options]
    assert "expired" not in keys and {"fine", "arrears", "unknown"} <= set(keys), keys
    facts = choose(TREE, locked, next(o for o in current.question.options if o.key == "arrears"))
    result = step(TREE, facts, frozenset(locked))
    facts = result.still if isinstance(result, ResultStep) else facts
    current = step(TREE, facts, frozenset(locked))
    assert isinstance(current, QuestionStep) and current.question.id == "event"
    assert "new_area" not in [o.key for o in current.question.options]
    assert "new_area" in [o.key for o in TREE.questions["event"].options], "the tree itself still offers it"


def test_an_answer_the_facts_make_pointless_is_not_offered_but_still_followed() -> None:
    """A card shown active: "renewed, still stopped" (whose question, how long the plan was expired, could only
    find a number cancelled, which shows no 在用) is not offered at the account question (its `unless`); a
    portal's balance that holds it is still followed, and the question not asked again."""
    shown_active = {"symptom": "active_offline", "fixed": ("not_suspended",)}
    current = step(TREE, shown_active)
    assert isinstance(current, QuestionStep) and current.question.id == "account"
    keys = [o.key for o in current.question.options]
    assert "renewed_still_stopped" not in keys and {"paid_still_stopped", "fine", "unknown"} <= set(keys), keys
    stopped = step(TREE, {"symptom": "no_service", "stop_reason": "unknown"})
    assert "renewed_still_stopped" in [o.key for o in stopped.question.options]
    portal = {**shown_active, "balance": "renewed_still_stopped"}
    current = step(TREE, portal, frozenset(portal))
    assert isinstance(current, QuestionStep) and current.question.id == "months_expired"


def test_back_after_a_skipped_question_returns_to_the_result_before_still() -> None:
    """A profile hiding expired_cancelled makes 'how long ago' moot: the result shows at once, and after
    'still not working' the walk passes the question by. One step back from the next question is that
    result again, not the account question with the dealt-with cause kept."""
    from troubleshooter import parse_tree, tree_data
    from troubleshooter.profiles import apply_profile

    tree = parse_tree(apply_profile(tree_data(), {"hidden_causes": ["expired_cancelled"]}, "test"), "test")
    facts: dict = {}
    for qid, key in (("symptom", "no_service"), ("stop_reason", "unknown"), ("account", "expired")):
        current = step(tree, facts)
        assert isinstance(current, QuestionStep) and current.question.id == qid
        facts = choose(tree, facts, next(o for o in current.question.options if o.key == key))
    result = step(tree, facts)
    assert isinstance(result, ResultStep) and [f.cause.id for f in result.findings] == ["expired_grace"]
    after = step(tree, result.still)
    assert isinstance(after, QuestionStep) and after.question.id == "event"
    assert after.back == facts, "back undoes the 'still not working', not the answer before it"


def test_a_renewal_settles_the_ended_plan_not_arrears() -> None:
    """'Renewed, still stopped' says the plan had ended and was renewed: the resume waits on that alone. A
    company account may still owe a bill, which a renewal does not pay; 'paid, still stopped' covers both."""
    said = {"symptom": "no_service", "stop_reason": "unknown"}
    renewed = step(TREE, {**said, "balance": "renewed_still_stopped", "months_expired": 1})
    paid = step(TREE, {**said, "balance": "paid_still_stopped"})
    assert [(f.cause.id, dict(f.why)["fixed"]) for f in renewed.findings] == [("resume_pending", ("expired_grace",))]
    assert [(f.cause.id, dict(f.why)["fixed"]) for f in paid.findings] == [("resume_pending", ("arrears", "expired_grace"))]


# A portal's locked facts that later questions would ask, answers that bring causes to `fixed`, platform codes.
PORTAL_STARTS = [{}, {"device": "phone"}, {"stop_reason": "arrears", "location": "CN-XJ"}, {"plan": "expired"},
                 {"balance": "renewed_still_stopped", "symptom": "active_offline"},
                 {"balance": "paid_still_stopped"}, {"huawei.operatorStatus": 4}, {"unused_months": 7},
                 {"stop_reason": "unknown", "balance": "arrears"}]  # "several cards" sets two facts at once


@pytest.mark.parametrize("start", PORTAL_STARTS, ids=[json.dumps(s) for s in PORTAL_STARTS])
def test_back_returns_to_the_step_the_person_was_on(start: dict) -> None:
    """One step back after an answer is the question it answered; after "still not working", wherever that led
    (a question, the next result, the fallback when nothing is left to ask), the result it was said on, with the
    same causes: the "still" is undone, never the answer before it. From no facts and from a portal's locked ones."""
    from troubleshooter.facts import parse_facts

    def shown(s) -> tuple:
        return ("q", s.question.id) if isinstance(s, QuestionStep) else ("r", [f.cause.id for f in s.findings])

    locked_facts = parse_facts(TREE, start)
    locked, asserted = frozenset(locked_facts), frozenset(locked_facts.get("fixed", ()))  # as the page passes them

    def at(facts: dict):
        return step(TREE, facts, locked, asserted)

    stack: list[dict] = [locked_facts]
    checked = 0
    while stack:
        facts = stack.pop()
        current = at(facts)
        if isinstance(current, QuestionStep):
            for o in current.question.options:
                after = choose(TREE, facts, o)
                assert shown(at(at(after).back)) == shown(current), f"back after {o.key} on {to_query(TREE, facts)}"
                stack.append(after)
            continue
        if current.still is None:
            continue
        after = at(current.still)
        back = at(after.back)
        assert shown(back) == shown(current), \
            f"back after still on {to_query(TREE, facts)}: {shown(current)} -> {shown(after)} -> {shown(back)}"
        checked += 1
        if len(set(current.still.get("fixed", ())) - asserted) <= 1:  # deeper chains of "still" repeat these (time)
            stack.append(current.still)
    assert checked, "some result offers still"


def test_back_always_leads_somewhere_else() -> None:
    """On every state a person can reach (every answer, "still" at each result), "back" never leads to the
    step they are on: after a result passed by with nothing new, it undoes the "still" before it or the
    answer. With a portal's locked fixed, back never tries to undo what the lock puts back."""
    def shown(s) -> tuple:
        return ("q", s.question.id) if isinstance(s, QuestionStep) else ("r", [f.cause.id for f in s.findings])

    stack: list[dict] = [{}]
    seen = 0
    while stack:
        facts = stack.pop()
        current = step(TREE, facts)
        if current.back is not None:
            seen += 1
            assert shown(step(TREE, current.back)) != shown(current), f"back from {to_query(TREE, facts)} is the same step"
        if isinstance(current, ResultStep):
            if current.still is not None and len(current.still.get("fixed", ())) <= 2:
                stack.append(current.still)
            continue
        stack += [choose(TREE, facts, o) for o in current.question.options]
    assert seen > 500
    locked = {"fixed": "arrears"}
    query = "?symptom=no_service&stop_reason=arrears"
    out = json.loads(handle(json.dumps({"query": query, "lang": "en", "locked": locked})))
    back = re.search(r'class="ts-back" href="(\?[^"]+)"', out["html"]).group(1).replace("&amp;", "&")
    after = json.loads(handle(json.dumps({"query": back, "lang": "en", "locked": locked})))
    assert after["query"] != out["query"], "back with a locked fixed leads somewhere else"


def test_a_cancelled_number_alone_keeps_its_yes_but_offers_no_still() -> None:
    """Nothing after a cancelled number helps this card, so its result offers no "still not working"; a
    person who got a new card working can still say so (the portal hears it as feedback)."""
    current = step(TREE, {"symptom": "no_service", "stop_reason": ("cancelled",)})
    assert isinstance(current, ResultStep) and current.still is None
    html = render_step(TREE, current, "en", QueryLinks(TREE))
    assert "ts-solved-link" in html and "ts-still" not in html
    fallback = step(TREE, {"symptom": "no_service", "stop_reason": ("none_shown",), "balance": "ok", "plan": "valid",
                           "data_usage": "within_plan", "device": "same", "moved": "no", "worked_here_before": "yes",
                           "maintenance_notice": "no", "manual_stop": "no"})
    assert isinstance(fallback, ResultStep) and fallback.findings[0].cause.fallback
    assert "ts-feedback" not in render_step(TREE, fallback, "en", QueryLinks(TREE)), "the last word asks nothing"


def test_what_an_answer_brings_is_not_counted_as_asked() -> None:
    """The stop reason "expired" brings an expired plan, so the account question is passed by: "how long ago"
    is the person's third question, and after "still not working" what changed is the fourth, not the fifth."""
    current = step(TREE, {"symptom": "no_service", "stop_reason": ("expired",)})
    assert isinstance(current, QuestionStep) and current.question.id == "months_expired" and current.number == 3
    result = step(TREE, {"symptom": "no_service", "stop_reason": ("expired",), "months_expired": 0})
    assert isinstance(result, ResultStep) and result.still is not None
    current = step(TREE, result.still)
    assert isinstance(current, QuestionStep) and current.question.id == "event" and current.number == 4


def _walk_moves(moves: list[str], locked: dict | None = None) -> tuple[dict, frozenset[str]]:
    """The facts after these moves ("question=option" or "still"), as the page plays them."""
    facts, lock = dict(locked or {}), frozenset(locked or {})
    for move in moves:
        current = step(TREE, facts, lock)
        if move == "still":
            assert isinstance(current, ResultStep) and current.still is not None, move
            facts = current.still
        else:
            qid, key = move.split("=")
            assert isinstance(current, QuestionStep) and current.question.id == qid, (move, current)
            facts = choose(TREE, facts, next(o for o in current.question.options if o.key == key))
    return facts, lock


def _shown(facts: dict, lock: frozenset[str]) -> tuple[str, ...]:
    current = step(TREE, facts, lock)
    return ("q", current.question.id) if isinstance(current, QuestionStep) else ("r", *(f.cause.id for f in current.findings))


@pytest.mark.parametrize(("moves", "locked", "here", "back"), [
    # "paid" after "still" on a one-way stop: back undoes "paid", not the symptom
    (["symptom=calls_sms_only", "still", "account=paid_still_stopped"], None, ("r", "resume_pending"), ("q", "account")),
    # the question after "still" on the resume: back is the resume again
    (["symptom=no_service", "stop_reason=none_shown", "account=paid_still_stopped", "still"], None,
     ("q", "event"), ("r", "resume_pending")),
    # a portal that locks "paid" with the platform's 信控: the same, though the lock brings arrears back
    (["still"], {"balance": "paid_still_stopped", "stop_reason": ("arrears",)}, ("q", "event"), ("r", "resume_pending")),
    # a portal whose platform says the data limit: the resume comes after "still" on it, and back returns there
    (["still"], {"balance": "paid_still_stopped", "stop_reason": ("data_cap",)}, ("r", "resume_pending"),
     ("r", "over_quota")),
    # "still" on a resume under way, with nothing left to ask: back from the fallback is the resume, not the start
    (["symptom=resuming", "still"], None, ("r", "contact_carrier"), ("r", "resume_pending")),
    # "still" on an owner's stop at the last question, then on the resume: back undoes only the second "still"
    (["symptom=no_service", "stop_reason=none_shown", "account=fine", "event=nothing", "other=yes", "still", "still"],
     None, ("r", "contact_carrier"), ("r", "resume_pending")),
    # the same after arrears, what changed and "nothing else": back undoes the last "still", not "nothing else"
    (["symptom=no_service", "stop_reason=none_shown", "account=arrears", "still", "event=nothing", "other=no", "still"],
     None, ("r", "contact_carrier"), ("r", "resume_pending")),
])
def test_back_around_the_resume_undoes_what_the_person_did_last(moves: list[str], locked: dict | None,
                                                                here: tuple, back: tuple) -> None:
    facts, lock = _walk_moves(moves, locked)
    assert _shown(facts, lock) == here
    previous = step(TREE, facts, lock).back
    assert previous is not None and _shown(previous, lock) == back
