"""Stories: real people, the answers they would give ("not sure" where a person would not know), and the
causes they should be told, in order, with how sure we are. Written before the tree, as its specification.

A story is a list of moves: "question=option" answers the current question (and checks it is the one
asked), "still" says "still not working" on the current result, "=> cause:confidence, …" checks the
current step is a result with exactly those findings in that order, and "no still" checks that this result
is the last word (it offers no "still not working"). `facts` are a portal's locked facts
(platform codes such as "huawei.operatorStatus" included).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from troubleshooter import check_graph, default_tree, parse_tree, tree_data
from troubleshooter.engine import QuestionStep, ResultStep, choose, diagnose, step
from troubleshooter.facts import parse_facts
from troubleshooter.profiles import apply_profile

TREE = default_tree()


@dataclass
class Story:
    who: str
    moves: list[str]
    facts: dict = field(default_factory=dict)
    profile: dict | None = None  # a portal's profile (troubleshooter/profiles/), as its TOML would read


def with_profile(profile: dict) -> object:
    tree = parse_tree(apply_profile(tree_data(), profile, "a story's profile"), "a story's profile")
    assert check_graph(tree) == [], "a profile a portal may write must load"
    return tree


def play(story: Story) -> list[str]:
    """Plays the moves through the engine exactly as the page does; returns the questions asked."""
    TREE = with_profile(story.profile) if story.profile else globals()["TREE"]
    facts = parse_facts(TREE, story.facts)  # as a portal's locked facts: platform codes decoded
    locked = frozenset(facts)
    asserted = frozenset(facts.get("fixed", ()))  # what the portal says was dealt with, as the page passes it
    asked: list[str] = []
    for move in story.moves:
        current = step(TREE, facts, locked, asserted)
        if move == "still":
            assert isinstance(current, ResultStep) and current.still is not None, f"{story.who}: no 'still' here"
            facts = current.still
        elif move == "no still":
            assert isinstance(current, ResultStep) and current.still is None, f"{story.who}: 'still' is offered"
        elif move.startswith("=>"):
            assert isinstance(current, ResultStep), f"{story.who}: expected a result, got {current.question.id}"
            got = [f"{f.cause.id}:{f.confidence}" for f in current.findings]
            assert got == [m.strip() for m in move[2:].split(",")], f"{story.who}: {got}"
        else:
            qid, key = move.split("=")
            assert isinstance(current, QuestionStep), f"{story.who}: expected question {qid}, got a result"
            assert current.question.id == qid, f"{story.who}: expected question {qid}, got {current.question.id}"
            option = next((o for o in current.question.options if o.key == key), None)
            assert option is not None, f"{story.who}: {qid} has no option {key}"
            facts = choose(TREE, facts, option)
            asked.append(qid)
    assert story.moves[-1].startswith("=>") or story.moves[-2:][0].startswith("=>"), \
        "a story ends with what the person is told"
    return asked


STORIES = [
    Story("A POS terminal in Fuzhou that has worked for three years; 40 cards stopped on the 1st; the owner "
          "sees the account is in arrears",
          ["symptom=many", "stop_reason=unknown", "account=arrears", "=> arrears:likely"]),
    Story("The same fleet manager cannot see the balance; nothing changed on the terminals",
          ["symptom=many", "stop_reason=unknown", "account=unknown", "event=nothing", "other=unknown",
           "=> contact_carrier:possible"]),
    Story("A reseller's portal knows the terminal is in Fujian and has always worked there",
          ["symptom=no_service", "stop_reason=none_shown", "account=fine", "event=nothing", "other=no",
           "=> contact_carrier:possible"], facts={"location": "CN-FJ"}),
    Story("A vehicle tracker that drives around its usual province stops; the driver knows nothing else",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=nothing", "other=unknown",
           "=> contact_carrier:possible"]),
    Story("A truck tracker that went to Xinjiang for the first time and stopped there",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=new_area", "location=CN-XJ",
           "=> region_restricted:possible"]),
    Story("A camera taken to Hong Kong",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=new_area", "location=abroad",
           "=> region_restricted:likely"]),
    Story("A router moved to a new city; its card may be area-locked",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=new_area", "location=CN",
           "=> region_restricted:possible"]),
    Story("A dashcam whose plan expired last month and whose card was moved to a new dashcam: both problems",
          ["symptom=no_service", "stop_reason=unknown", "account=expired", "months_expired=0", "=> expired_grace:likely",
           "still", "event=other_device", "=> device_binding:likely",
           "still", "other=no", "=> resume_pending:likely"]),
    Story("An owner who already paid the arrears, but the card is still stopped",
          ["symptom=no_service", "stop_reason=unknown", "account=paid_still_stopped", "=> resume_pending:likely"]),
    Story("A platform that still shows 信控 after paying: the resume is what is missing",
          ["symptom=no_service", "stop_reason=arrears", "=> arrears:confirmed", "still", "event=nothing", "other=no",
           "=> resume_pending:likely"]),
    Story("An alarm panel whose data works but whose alarm calls and texts fail",
          ["symptom=calls_sms_only", "=> calls_restricted:likely"]),
    Story("A new smart meter that never came online",
          ["symptom=never_worked", "=> test_period_ended:likely", "still", "new_card=no_real_name",
           "=> real_name_required:likely"]),
    Story("A sensor whose free test data ran out; the owner has nothing else to add",
          ["symptom=never_worked", "=> test_period_ended:likely", "still", "new_card=same", "other=no",
           "=> contact_carrier:possible"]),
    Story("The platform shows the card 在用 but the tracker is offline",
          ["symptom=active_offline", "=> not_suspended:likely"]),
    Story("The platform shows 违规停机 after the card was tried in a phone",
          ["symptom=no_service", "stop_reason=carrier_enforced", "=> carrier_enforced:confirmed"]),
    Story("A portal with OneLink flags for expiry and separation: how long ago comes first",
          ["months_expired=0", "=> expired_grace:confirmed, device_binding:confirmed"],
          facts={"stop_reason": ("expired", "device_separation")}),
    Story("A portal whose platform says 信控: nothing to ask", ["=> arrears:confirmed"],
          facts={"stop_reason": ("arrears",)}),
    Story("A data-pool card stopped by a threshold the company set",
          ["symptom=no_service", "stop_reason=data_cap", "=> over_quota:confirmed"]),
    Story("A card that someone tried in their phone",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=phone", "=> phone_use:likely"]),
    Story("The seller announced maintenance; after the window it is still down",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=maintenance", "=> maintenance:possible",
           "still", "other=no", "=> contact_carrier:possible"]),
    Story("A colleague paused the cards to save money",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=nothing", "other=yes",
           "=> manual_stop:likely"]),
    Story("The platform says the owner stopped the card; they pressed resume, but it is still down and nothing "
          "else is wrong: the resume itself is what is left (a frozen card, or one only the seller can resume)",
          ["symptom=no_service", "stop_reason=owner_request", "=> manual_stop:confirmed", "still", "account=fine",
           "event=nothing", "other=no", "=> resume_pending:likely"]),
    Story("A tracker in a drawer for a year",
          ["symptom=no_service", "stop_reason=unknown", "account=unknown", "event=nothing", "other=idle",
           "=> idle_cancelled:possible"]),
    Story("The platform says 未实名", ["symptom=no_service", "stop_reason=real_name", "=> real_name_required:confirmed"]),
    Story("The platform says 预销户", ["symptom=no_service", "stop_reason=cancelled", "=> expired_cancelled:confirmed"]),
    Story("A plan that expired half a year ago",
          ["symptom=no_service", "stop_reason=unknown", "account=expired", "months_expired=3",
           "=> expired_grace:likely, expired_cancelled:possible"]),
    Story("A plan that expired, nobody knows when",
          ["symptom=no_service", "stop_reason=unknown", "account=expired", "months_expired=unknown",
           "=> expired_grace:likely"]),
    Story("Someone who knows nothing at all",
          ["symptom=unknown", "stop_reason=unknown", "account=unknown", "event=unknown", "other=unknown",
           "=> contact_carrier:possible"]),
    Story("An area restriction the platform confirms; after moving back the card is still stopped",
          ["symptom=no_service", "stop_reason=area_limit", "=> region_restricted:confirmed", "still",
           "account=fine", "event=nothing", "other=no", "=> resume_pending:likely"]),
    Story("A card over its data whose device also went into a phone",
          ["symptom=no_service", "stop_reason=unknown", "account=over_plan", "=> over_quota:likely", "still",
           "event=phone", "=> phone_use:likely"]),
    Story("A portal knows many cards stopped, the account is in arrears and one card sat in a phone (Huawei Cloud "
          "may bar every card on the account for it: an account cause too, and the more blocking one)",
          ["stop_reason=unknown", "=> phone_use:likely, arrears:likely"],
          facts={"balance": "arrears", "device": "phone", "many_cards": "yes"}),
    Story("A single card in arrears that also sat in a phone (per-card causes come first)",
          ["symptom=no_service", "stop_reason=unknown", "=> phone_use:likely, arrears:likely"],
          facts={"balance": "arrears", "device": "phone"}),
    Story("A portal whose platform says the plan expired (Huawei Cloud 套餐到期停机), five months ago: the same as "
          "a person who picks that stop reason, so the number may be cancelled too",
          ["=> expired_grace:confirmed, expired_cancelled:possible"],
          facts={"stop_reason": ("expired",), "months_expired": 5}),
    Story("A portal that knows the bill was paid but the card is still stopped: the resume is what is left, as "
          "for a person who gives that answer",
          ["symptom=no_service", "stop_reason=unknown", "=> resume_pending:likely"],
          facts={"balance": "paid_still_stopped"}),
    Story("A portal whose platform says the data limit stopped the card: the data is used up, as when a person "
          "picks that reason",
          ["=> over_quota:confirmed"], facts={"stop_reason": ("data_cap",)}),
    Story("A portal that passes data-only symptoms", ["=> calls_restricted:likely"],
          facts={"symptom": "calls_sms_only"}),
    Story("A reseller's portal shows the card active (Huawei Cloud 正常) while this month's data is over the plan: "
          "a data stop shows as 已停用, so the device comes first and the data only if the status lags",
          ["=> not_suspended:likely, over_quota:possible"],
          facts={"huawei.operatorStatus": -1, "data_usage": "over_plan"}),
    Story("A card shown active whose account is in arrears and which once sat in a phone: both stops would show",
          ["=> not_suspended:likely, phone_use:possible, arrears:possible"],
          facts={"symptom": "active_offline", "balance": "arrears", "device": "phone"}),
    Story("A China Telecom card moved to a new tracker: Huawei Cloud's console still shows it 在用, yet the "
          "network refuses it until it is rebound",
          ["=> device_binding:likely, not_suspended:likely"],
          facts={"symptom": "active_offline", "device": "other_device"}),
    Story("The platform shows 在用; the device checks did not help; the card had been moved to a new camera",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=fine", "event=other_device",
           "=> device_binding:likely"]),
    Story("The platform shows 在用; the device checks did not help; the plan's data is used up (at a month's "
          "start the status can lag)",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=over_plan",
           "=> over_quota:possible"]),
    Story("The platform shows 在用 and nothing the person knows explains it: the seller looks the card up",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=fine", "event=nothing",
           "other=no", "=> contact_carrier:possible"]),
    Story("An Alibaba Cloud portal whose card is being resumed (SimStatus Resuming, 恢复中): wait for it",
          ["=> resume_pending:likely"], facts={"aliyun.SimStatus": "Resuming"}),
    Story("An Alibaba Cloud portal sends both fields and they disagree: status Activated, lock reason "
          "CreditTwoWayStop; the recorded stop reason settles it, 'not stopped' is at most possible",
          ["=> arrears:confirmed, not_suspended:possible"],
          facts={"aliyun.SimStatus": "Activated", "aliyun.LockReason": "CreditTwoWayStop"}),
    Story("A portal passes two fields that disagree: China Telecom's CMP says 在用, OneNET says 停机 with no "
          "reason; 'not stopped' is at most possible, and the account is looked at",
          ["=> not_suspended:possible", "still", "account=arrears", "=> arrears:possible"],
          facts={"ctcmp.queryCardMainStatus": 4, "onenet.cardstatus": "02"}),
    Story("An Alibaba Cloud card being resumed whose old lock reason (device separation) is still on record: the "
          "resume is under way, so wait for it, not rebind again (China Telecom allows 2 rebinds a month)",
          ["=> resume_pending:likely"], facts={"aliyun.SimStatus": "Resuming", "aliyun.LockReason": "SeparationStop"}),
    Story("An Alibaba Cloud card being resumed after its plan expired: wait, do not renew twice",
          ["=> resume_pending:likely"], facts={"aliyun.SimStatus": "Resuming", "aliyun.LockReason": "ExpireStop"}),
    Story("A data-only seller's portal (calls never restricted) passes 'data works, calls fail': the person is "
          "not asked what happened again; the account is next",
          ["account=arrears", "=> arrears:likely"], facts={"symptom": "calls_sms_only"},
          profile={"hidden_causes": ["calls_restricted"]}),
    Story("A seller whose cards are never device-bound, but Huawei Cloud records a device-separation stop: the "
          "platform's record wins over the profile",
          ["=> device_binding:confirmed"], facts={"huawei.operatorStatus": 7},
          profile={"hidden_causes": ["device_binding"]}),
    Story("A seller whose cards have no area lock: a tracker whose owner knows nothing else reaches the seller",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=nothing", "other=unknown",
           "=> contact_carrier:possible"], profile={"hidden_causes": ["region_restricted"]}),
    Story("A seller whose numbers are never cancelled for a long expiry: 'how long ago' changes nothing, so it "
          "is not asked",
          ["symptom=no_service", "stop_reason=unknown", "account=expired", "=> expired_grace:likely"],
          profile={"hidden_causes": ["expired_cancelled"]}),
    Story("A tracker driven from Guangdong to Tibet stays there; the owner finds no area restriction and presses "
          "'still': an area stop was only possible, so nothing was dealt with and no resume is pending",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=new_area", "location=CN-XZ",
           "=> region_restricted:possible", "still", "other=no", "=> contact_carrier:possible"]),
    Story("A DTU moved to a new device and rebound on the console, still offline: a rebind brings the card back by "
          "itself (Huawei Cloud: no separate 复机 for a separation stop), so the seller looks the card up",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=other_device",
           "=> device_binding:likely", "still", "other=no", "=> contact_carrier:possible"]),
    Story("A card tried in a phone, rebound, still stopped: no resume pending either (a rebind, not a 复机)",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=phone", "=> phone_use:likely",
           "still", "other=no", "=> contact_carrier:possible"]),
    Story("A portal passes OneNET's one-way stop (01) for a device that is offline: the code does not say whether "
          "data works, so the person says what happens",
          ["symptom=no_service", "stop_reason=none_shown", "account=arrears", "=> arrears:likely"],
          facts={"onenet.cardstatus": "01"}),
    Story("The same code for an elevator alarm whose calls fail while data works",
          ["symptom=calls_sms_only", "=> calls_restricted:likely"], facts={"onenet.cardstatus": "01"}),
    Story("A China Mobile card in a truck tracker that went to Inner Mongolia for the first time (Huawei Cloud's "
          "high-risk list names all of it for China Mobile cards)",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=new_area", "location=CN-NM",
           "=> region_restricted:possible"]),
    Story("The platform shows 在用; after the device checks the person says they paid and it is still stopped: a "
          "card shown active was never stopped for arrears, so no resume is pending; what changed at the device is "
          "still asked (a China Telecom card moved to another device shows 在用), then the seller looks it up",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=paid_still_stopped",
           "event=nothing", "other=no", "=> contact_carrier:possible"]),
    Story("The same person whose card had gone into a new tracker: the rebind, not a resume",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=paid_still_stopped",
           "event=other_device", "=> device_binding:likely"]),
    Story("A portal knows the card is in Inner Mongolia and the platform says card-device separation; after "
          "'still' the person says the device always worked there: the area stop is ruled out, not dealt with, so "
          "no resume is pending",
          ["symptom=no_service", "stop_reason=device_separation", "=> device_binding:confirmed, region_restricted:possible",
           "still", "account=unknown", "event=nothing", "other=no", "=> contact_carrier:possible"],
          facts={"location": "CN-NM"}),
    Story("Someone whose platform says the card is being resumed (复机中)",
          ["symptom=resuming", "=> resume_pending:likely"]),
    Story("A truck tracker that went to Yunnan for the first time and stopped there",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=new_area", "location=CN-YN",
           "=> region_restricted:possible"]),
    Story("A fleet manager: many cards stopped the same day, and one of them had been tried in a phone (Huawei "
          "Cloud may bar every card on the account for that)",
          ["symptom=many", "stop_reason=unknown", "account=fine", "event=phone", "=> phone_use:likely"]),
    Story("A card shown active: after the device checks and paying arrears it still is offline; a resume cannot "
          "be what is missing for a card that was never shown stopped, so the seller looks it up",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=arrears", "=> arrears:possible",
           "still", "event=nothing", "other=no", "=> contact_carrier:possible"]),
    Story("A fleet portal whose platform shows the cards active (Huawei Cloud 正常) and knows several are offline: "
          "nobody is asked for a stop reason", ["=> not_suspended:likely"],
          facts={"huawei.operatorStatus": -1, "many_cards": "yes"}),
    Story("A portal whose platform says the plan expired (Huawei Cloud 套餐到期停机) and knows it was renewed: how "
          "long ago is asked (three months on, the number may be gone, which no renewal brings back), then the resume",
          ["months_expired=0", "=> resume_pending:likely"],
          facts={"huawei.operatorStatus": 4, "balance": "paid_still_stopped"}),
    Story("The same portal, renewed five months after expiry: the number may be gone, before the resume",
          ["months_expired=3", "=> expired_cancelled:possible"],
          facts={"huawei.operatorStatus": 4, "balance": "paid_still_stopped"}),
    Story("Data works but calls fail: a one-way stop may block data too, so 'still not working' goes on to the "
          "account", ["symptom=calls_sms_only", "=> calls_restricted:likely", "still", "account=arrears", "=> arrears:likely"]),
    Story("A new camera that never worked, taken abroad: no activation helps outside the mainland, so that comes first",
          ["=> region_restricted:likely, test_period_ended:likely"],
          facts={"symptom": "never_worked", "location": "abroad"}),
    Story("A device in Xinjiang that has always worked there is not told about restricted regions",
          ["symptom=no_service", "stop_reason=none_shown", "account=arrears", "=> arrears:likely"],
          facts={"location": "CN-XJ", "worked_here_before": "yes"}),
    Story("China Telecom's CMP says 拆机: the number is gone, so nothing after it (paying, renewing, a resume) can "
          "bring this card back; the result is the last word", ["=> expired_cancelled:confirmed", "no still"],
          facts={"ctcmp.queryCardMainStatus": 7}),
    Story("The app shows 销户 and the person says so: a new card from the seller is the fix, not a resume",
          ["symptom=no_service", "stop_reason=cancelled", "=> expired_cancelled:confirmed", "no still"]),
    Story("OneNET says 预销号 and the platform also records 信控: the number may still be saved by paying, so "
          "'still not working' stays on offer after both", ["=> expired_cancelled:confirmed, arrears:confirmed", "still",
                                                           "event=nothing", "other=no", "=> resume_pending:likely"],
          facts={"onenet.cardstatus": "03", "onelink.stopReason": "000020000000"}),
    Story("A portal's billing knows the arrears were paid today (it passes fixed=arrears); the card is still "
          "stopped and nothing else fits: the resume is what is left",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=nothing", "other=no",
           "=> resume_pending:likely"], facts={"fixed": ["arrears"]}),
    Story("A portal passes fixed=device_binding (the rebind is done); a rebind needs no separate resume, so with "
          "nothing else left the seller looks the card up",
          ["symptom=no_service", "stop_reason=unknown", "account=fine", "event=nothing", "other=no",
           "=> contact_carrier:possible"], facts={"fixed": ["device_binding"]}),
    Story("A new card fitted to a tracker in Xinjiang, bought from a seller elsewhere: after the test period, the "
          "area (the card was never used where the device is; nobody says it 'worked here before')",
          ["symptom=never_worked", "=> test_period_ended:likely", "still", "new_card=new_area", "location=CN-XJ",
           "=> region_restricted:possible"]),
    Story("A portal knows the new card has only been in this device (device=same locked); after the test "
          "period the last few causes are still asked, real-name among them",
          ["=> test_period_ended:likely", "still", "other=no_real_name", "=> real_name_required:likely"],
          facts={"symptom": "never_worked", "device": "same"}),
    Story("A new tracker card the buyer first tried in a phone, which never worked in the tracker",
          ["symptom=never_worked", "=> test_period_ended:likely", "still", "new_card=phone", "=> phone_use:likely"]),
    Story("A new meter card first powered up in a test rig, then fitted to the meter: bound to the rig",
          ["symptom=never_worked", "=> test_period_ended:likely", "still", "new_card=other_device",
           "=> device_binding:likely"]),
    Story("A shop owner moved the card into a new POS and paid the arrears the same day; he cannot read the stop "
          "reason: the resume comes first, and 'still' goes on to what changed (the new POS), never a dead end",
          ["symptom=no_service", "stop_reason=unknown", "account=paid_still_stopped", "=> resume_pending:likely",
           "still", "event=other_device", "=> device_binding:likely"]),
    Story("Paid, asked for the resume, still stopped, nothing changed at the device: the seller or carrier, at last",
          ["symptom=no_service", "stop_reason=unknown", "account=paid_still_stopped", "=> resume_pending:likely",
           "still", "event=nothing", "other=no", "=> contact_carrier:possible", "no still"]),
    Story("A fleet manager whose platform shows 到期 on many cards, three months or more ago: told before paying to "
          "renew that the numbers may be gone",
          ["symptom=many", "stop_reason=expired", "months_expired=3", "=> expired_grace:confirmed, expired_cancelled:possible"]),
    Story("A portal whose platform shows both 欠费 and 到期: how long ago comes before the first result too",
          ["months_expired=3", "=> arrears:confirmed, expired_grace:confirmed, expired_cancelled:possible"],
          facts={"stop_reason": ("arrears", "expired")}),
    Story("A platform showing 到期 for a plan that ended last month: renew, nothing about a cancelled number",
          ["symptom=no_service", "stop_reason=expired", "months_expired=0", "=> expired_grace:confirmed"]),
    Story("A water-meter maker's portal passes OneNET's whole card query, 销号 with the billing status 沉默期: the "
          "number is gone whatever the billing period says: no test-period advice (buy a plan) beside it, no 'still'",
          ["=> expired_cancelled:confirmed", "no still"],
          facts={"onenet.cardstatus": "04", "onenet.billingstatus": "02"}),
    Story("The same query with 预销号 and 测试期: a test period cannot save a number being cancelled",
          ["=> expired_cancelled:confirmed", "no still"],
          facts={"onenet.cardstatus": "03", "onenet.billingstatus": "01"}),
    Story("A fleet portal passes OneNET 销号 and OneLink's owner-stop flag: a resume cannot bring a cancelled number "
          "back, so 'still' does not lead on to one", ["=> expired_cancelled:confirmed, manual_stop:confirmed", "no still"],
          facts={"onenet.cardstatus": "04", "onelink.stopReason": "000000002000"}),
    Story("OneNET 销号 with OneLink's card-device separation: no rebinds spent on a number that is gone",
          ["=> expired_cancelled:confirmed, device_binding:confirmed", "no still"],
          facts={"onenet.cardstatus": "04", "onelink.stopReason": "020000000000"}),
    Story("Two platforms disagree: one shows the card active, the other 销户. Either can lag (the tree's doubts), so "
          "'not stopped' stays possible beside the cancelled number, and 'still' with it",
          ["=> expired_cancelled:confirmed, not_suspended:possible", "still"],
          facts={"symptom": "active_offline", "stop_reason": ("cancelled",)}),
    Story("A portal's billing passes arrears beside OneNET 预销号: paying may still save a number being cancelled "
          "(the platform's code cannot tell 预销号 from 销号 here), so arrears stays, and 'still' with it",
          ["=> expired_cancelled:confirmed, arrears:likely", "still"], facts={"onenet.cardstatus": "03", "balance": "arrears"}),
    Story("A portal following the embedding guide passes symptom=no_service beside Alibaba Cloud's Resuming and "
          "ExpireStop: the resume under way makes 'no service' precise, so it is kept: wait, do not renew twice",
          ["=> resume_pending:likely"], facts={"symptom": "no_service", "plan": "valid", "balance": "ok",
                                             "aliyun.SimStatus": "Resuming", "aliyun.LockReason": "ExpireStop"}),
    Story("A portal passes symptom=no_service and China Telecom CMP's 3 (deactivated when its test period ended)",
          ["=> test_period_ended:likely"], facts={"symptom": "no_service", "ctcmp.queryCardMainStatus": 3}),
    Story("A POS card has shown 复机中 for a week: once the resume's time has passed, 'still not working' leads to "
          "the seller checking the card, not to a dead end",
          ["symptom=resuming", "=> resume_pending:likely", "still", "=> contact_carrier:possible", "no still"]),
    Story("A shop owner paid the arrears, nothing else changed, and was told to resume: if that does not help "
          "either, the seller checks the card (as after 'paid, still stopped')",
          ["symptom=no_service", "stop_reason=none_shown", "account=arrears", "still", "event=nothing", "other=no",
           "=> resume_pending:likely", "still", "=> contact_carrier:possible"]),
    Story("A dashcam owner renewed a plan that had run out five months earlier, and the card is still stopped: the "
          "number may be gone (renewing does not bring it back), which comes before waiting for a resume",
          ["symptom=no_service", "stop_reason=unknown", "account=renewed_still_stopped", "months_expired=3",
           "=> expired_cancelled:possible"]),
    Story("The same owner, who renewed two weeks after expiry: the resume is what is left",
          ["symptom=no_service", "stop_reason=unknown", "account=renewed_still_stopped", "months_expired=0",
           "=> resume_pending:likely", "still", "event=nothing", "other=no", "=> contact_carrier:possible"]),
    Story("Renewed, but cannot say how long the plan had been expired: the resume, and the how-to says where the "
          "end date is", ["symptom=no_service", "stop_reason=unknown", "account=renewed_still_stopped",
                          "months_expired=unknown", "=> resume_pending:likely"]),
    Story("A reseller's portal knows the customer renewed yesterday and the card is still stopped: how long it had "
          "been expired is asked after the stop reason, before the resume",
          ["stop_reason=none_shown", "months_expired=3", "=> expired_cancelled:possible"],
          facts={"symptom": "no_service", "balance": "renewed_still_stopped"}),
    Story("A reseller's billing passes the renewal and the plan now valid (as the embedding guide's example passes "
          "plan=valid); the plan had been expired five months: the number may be gone, as without plan=valid",
          ["stop_reason=unknown", "months_expired=3", "=> expired_cancelled:possible"],
          facts={"symptom": "no_service", "balance": "renewed_still_stopped", "plan": "valid"}),
    Story("A OneNET portal passes its whole card query for a new tracker: status 正常 and billing 沉默期 (silent "
          "period: a card not used yet). Not two readings that disagree: a new card that has not worked yet",
          ["=> test_period_ended:likely"], facts={"onenet.cardstatus": "00", "onenet.billingstatus": "02"}),
    Story("A card shown active: after the device checks, 'renewed, still stopped' is not offered (a cancelled number "
          "shows no 在用, so how long it was expired tells nothing); 'all fine' leads on as before",
          ["symptom=active_offline", "=> not_suspended:likely", "still", "account=fine", "event=nothing", "other=no",
           "=> contact_carrier:possible"]),
]


@pytest.mark.parametrize("story", STORIES, ids=[s.who[:60] for s in STORIES])
def test_story(story: Story) -> None:
    asked = play(story)
    parts = " ".join(story.moves).split("still")
    first = [m for m in parts[0].split() if "=" in m and not m.startswith("=>")]
    assert len(first) <= 6, "at most six questions before the first result"
    for later in parts[1:]:
        assert len([m for m in later.split() if "=" in m and not m.startswith("=>")]) <= 3, \
            "at most three more questions after 'still not working'"
    assert len(set(asked)) == len(asked), "no question is asked twice"


def test_there_are_at_least_thirty_stories() -> None:
    assert len(STORIES) >= 30


@pytest.mark.parametrize("code", ["CN-HK", "CN-MO", "CN-TW"])
def test_hong_kong_macao_taiwan_count_as_outside_the_mainland(code: str) -> None:
    findings = diagnose(TREE, {"location": code})
    assert [(f.cause.id, f.confidence) for f in findings] == [("region_restricted", "likely")]
    walk = step(TREE, {"symptom": "no_service", "stop_reason": "unknown", "balance": "ok", "plan": "valid",
                       "data_usage": "within_plan", "moved": "yes", "worked_here_before": "no", "location": code})
    assert isinstance(walk, ResultStep) and walk.findings[0].cause.id == "region_restricted"


def test_a_region_where_the_card_has_worked_is_never_blamed() -> None:
    for code in TREE.restricted_regions:
        ids = [f.cause.id for f in diagnose(TREE, {"location": code, "worked_here_before": "yes", "moved": "yes"})]
        assert "region_restricted" not in ids
