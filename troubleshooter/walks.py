"""Every walk a person can take through the tree, walked with the engine itself (engine.step and
engine.choose), so what is measured is exactly what a person meets: the states the no-JavaScript page is
built from (summarize_paths), the bounds a tree must keep (questions per path, after a known stop reason,
after "still not working"), and the statistics `python -m troubleshooter check` prints.

They run in tests, in `check` and at site build, never in the browser: the browser only ever loads a tree
the build has already walked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from statistics import mean

from . import engine
from .findings import FIXED, awaiting_resume, doubted, findings, implied, resumed, several
from .reach import downstream_causes, longest_path
from .schema import STOP_REASON, UNKNOWN, Question, Tree, Value

MAX_PATHS = 100_000
MAX_QUESTIONS = 6  # on a path with no "not sure" answer: the promise to a stressed person
MAX_MEAN = 4.0  # mean questions over paths with no "not sure" answer
MAX_ANY = 8  # on any path at all
MAX_AFTER_STOP_REASON = 2  # questions after the platform's stop reason is known
MAX_AFTER_STILL = 3  # questions after "still not working" before the next result
NOT_KNOWN = ("none_shown", UNKNOWN)  # stop reasons that do not settle anything

StateKey = tuple  # ("q", question id, fixed and doubts) or ("r", cause ids, key after "still", confidences)


@dataclass(frozen=True)
class Path:
    """One walk from the first question to a result; `events` are (question, option index) pairs, or
    (None, -1) where the person said "still not working"."""

    events: tuple[tuple[Question | None, int], ...]
    facts: dict[str, Value]
    result: engine.ResultStep

    def questions(self, upto_still: int = 0) -> int:
        """Questions asked in the walk's part number `upto_still` (0: before the first result)."""
        part = 0
        count = 0
        for q, _ in self.events:
            if q is None:
                part += 1
            elif part == upto_still:
                count += 1
        return count

    @property
    def unsure(self) -> bool:
        return any(q is not None and q.options[i].key == UNKNOWN for q, i in self.events)


class Steps:
    """engine.step, remembered: the walks below meet the same states many times."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.seen: dict[tuple, engine.Step] = {}
        self.keys: dict[tuple, StateKey] = {}

    def __call__(self, facts: dict[str, Value]) -> engine.Step:
        key = tuple(sorted(facts.items()))
        if key not in self.seen:
            self.seen[key] = engine.step(self.tree, facts)
        return self.seen[key]

    def key(self, facts: dict[str, Value]) -> StateKey:
        """What the no-JavaScript page can tell apart: the question, or the result with where it goes on."""
        memo = tuple(sorted(facts.items()))
        if memo not in self.keys:
            current = self(facts)
            if isinstance(current, engine.QuestionStep):
                qid = current.question.id
                fixed = set(several(facts.get(FIXED)))
                relevant = downstream_causes(self.tree, qid)
                known = implied(self.tree, facts)  # a doubt in force changes what lies ahead, so it is a state
                waiting = bool(awaiting_resume(self.tree, known, fixed - relevant))
                done = ("+resumed",) if resumed(self.tree, fixed) else ()
                doubts = tuple(f"?{c}" for c in sorted(doubted(self.tree, known) & relevant))
                # what the platform confirmed and the result has yet to show (its stop reason "expired", before "how
                # long ago") is a state too: the same answers end in "confirmed" there, "likely" elsewhere
                doubts += tuple(f"!{f.cause.id}" for f in findings(self.tree, known)
                                if f.confidence == "confirmed" and f.cause.id not in fixed)
                # how many questions may lie ahead ("at most") differs with what is known: when it is not what the
                # tree's shape says, its own state
                left = current.total - current.number + 1
                later = (f"+{left}",) if left != longest_path(self.tree, qid) else ()
                self.keys[memo] = ("q", qid, tuple(sorted(fixed & relevant)) + (("+resume",) if waiting else ()) + done
                                   + doubts + later)
            else:
                after = self.key(current.still) if current.still is not None else None
                self.keys[memo] = ("r", tuple(f.cause.id for f in current.findings), after,
                                   tuple(f.confidence for f in current.findings))
        return self.keys[memo]


def paths(tree: Tree, follow_still: bool = True, steps: Steps | None = None) -> Iterator[Path]:
    """Every walk a person can take, answering each question every way, and (with `follow_still`) saying
    "still not working" at each result that has a next step."""
    step = steps or Steps(tree)
    stack: list[tuple[dict[str, Value], tuple]] = [({}, ())]
    count = 0
    while stack:
        facts, events = stack.pop()
        current = step(facts)
        if isinstance(current, engine.QuestionStep):
            q = current.question
            for i in range(len(q.options) - 1, -1, -1):
                stack.append((engine.choose(tree, facts, q.options[i]), events + ((q, i),)))
            continue
        count += 1
        if count > MAX_PATHS:
            raise RuntimeError(f"{tree.source}: the tree has over {MAX_PATHS} paths; end some branches earlier")
        yield Path(events, facts, current)
        if follow_still and current.still is not None:
            stack.append((current.still, events + ((None, -1),)))


@dataclass
class PathSummary:
    """What walking every path teaches: the fallback page is built from it, the checks read its problems,
    and `check` prints its statistics."""

    depth: dict[StateKey, int] = field(default_factory=dict)  # each question state's shortest distance
    links: dict[tuple[StateKey, int], StateKey] = field(default_factory=dict)  # (question state, option) -> next
    results: dict[StateKey, engine.ResultStep] = field(default_factory=dict)
    samples: dict[StateKey, dict[str, Value]] = field(default_factory=dict)  # facts that reach each state first
    problems: list[str] = field(default_factory=list)
    stats: dict[str, object] = field(default_factory=dict)


_SUMMARIES: dict[tuple[str, str], PathSummary] = {}


def summarize_paths(tree: Tree) -> PathSummary:
    """Walk every path once per tree version (the build asks for it per language and per page)."""
    key = (tree.source, tree.version + repr(tree.restricted_regions))
    if key not in _SUMMARIES:
        _SUMMARIES[key] = _summarize(tree)
    return _SUMMARIES[key]


def _summarize(tree: Tree) -> PathSummary:
    """Visit every state a person can reach once (breadth first, so the first visit is the shortest way
    there): record where each answer leads, check that it leads to one state whatever came before, and
    bound what "still not working" asks. The statistics come from the paths up to their first result."""
    s = PathSummary()
    steps = Steps(tree)
    reached: set[str] = set()
    seen: set[tuple] = set()
    queue: deque[tuple[dict[str, Value], int]] = deque([({}, 0)])
    while queue:
        facts, depth = queue.popleft()
        memo = tuple(sorted(facts.items()))
        if memo in seen:
            continue
        seen.add(memo)
        current, here = steps(facts), steps.key(facts)
        s.samples.setdefault(here, facts)
        if isinstance(current, engine.ResultStep):
            s.results.setdefault(here, current)
            reached.update(f.cause.id for f in current.findings)
            if current.still is not None:
                more = _until_result(steps, current.still)
                if more > MAX_AFTER_STILL:
                    s.problems.append(f"{tree.source}: \"still not working\" after {', '.join(here[1])} leads to {more} "
                                      f"more questions before the next result; at most {MAX_AFTER_STILL} allowed")
                queue.append((current.still, depth))
            continue
        s.depth.setdefault(here, depth)
        q = current.question
        for i, option in enumerate(q.options):
            after = engine.choose(tree, facts, option)
            target = steps.key(after)
            if s.links.setdefault((here, i), target) != target:
                s.problems.append(f"{tree.source}: question {q.id}: answer {option.key} leads to different steps "
                                  "depending on earlier answers; the no-JavaScript page cannot show that")
            queue.append((after, depth + 1))
    first = list(paths(tree, follow_still=False, steps=steps))
    s.problems += _bounds(tree, first)
    for cause in tree.causes:
        if cause.id not in reached and cause.id not in tree.hidden:  # a profile's hidden cause: by design
            s.problems.append(f"{tree.source}: cause {cause.id}: no path of answers concludes it; check its `when`")
    s.stats = statistics(tree, first)
    s.problems = sorted(set(s.problems), key=s.problems.index)
    return s


def _until_result(steps: Steps, facts: dict[str, Value]) -> int:
    """The most questions asked from these facts until the next result."""
    current = steps(facts)
    if isinstance(current, engine.ResultStep):
        return 0
    return 1 + max(_until_result(steps, engine.choose(steps.tree, facts, o)) for o in current.question.options)


def _trail(path: Path) -> str:
    return " -> ".join("still" if q is None else f"{q.id}={q.options[i].key}" for q, i in path.events)


def _bounds(tree: Tree, first: list[Path]) -> list[str]:
    out = []
    sure = [p.questions() for p in first if not p.unsure]
    for p in first:
        n = p.questions()
        limit = MAX_ANY if p.unsure else MAX_QUESTIONS
        if n > limit:
            out.append(f"{tree.source}: a path asks {n} questions; at most {limit} allowed ({_trail(p)})")
        asked = [q.id for q, _ in p.events if q is not None]
        if len(set(asked)) != len(asked):
            out.append(f"{tree.source}: a path asks the same question twice ({_trail(p)})")
        known = [k for k, (q, i) in enumerate(p.events)
                 if q is not None and q.fact == STOP_REASON and q.options[i].key not in NOT_KNOWN]
        if known and len(p.events) - 1 - known[0] > MAX_AFTER_STOP_REASON:
            out.append(f"{tree.source}: {len(p.events) - 1 - known[0]} questions follow a known stop reason; "
                       f"at most {MAX_AFTER_STOP_REASON} allowed ({_trail(p)})")
    if sure and mean(sure) > MAX_MEAN:
        out.append(f"{tree.source}: paths with no \"not sure\" answer ask {mean(sure):.2f} questions on average; "
                   f"at most {MAX_MEAN} allowed")
    return out


def statistics(tree: Tree, first: list[Path]) -> dict[str, object]:
    """Figures about the walks up to their first result, for editors weighing a change."""
    sure = [p.questions() for p in first if not p.unsure]
    every = [p.questions() for p in first]
    share: dict[str, float] = {}
    for p in first:
        for f in p.result.findings:
            share[f.cause.id] = share.get(f.cause.id, 0) + 1 / len(first)
    fallback = next(c.id for c in tree.causes if c.fallback)
    return {
        "paths": len(first), "max_questions": max(every), "mean_questions": round(mean(every), 2),
        "max_questions_sure": max(sure), "mean_questions_sure": round(mean(sure), 2),
        "share_fallback": round(share.get(fallback, 0), 3),
        "share_per_cause": {c.id: round(share.get(c.id, 0), 3) for c in tree.causes},
    }
