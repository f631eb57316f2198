"""The command line: ask interactively, diagnose from JSON facts, decode a platform's code, check a tree
file, or show it whole (its map as DOT, every path as text) to review rules of one's own.

Exit codes: 0 done; 1 the person quit, input ended, or the output was closed early (`| head -1`);
2 bad input, with one line on stderr that says what was wrong and what is accepted, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import load_tree, tree_for
from .checks import validate_shipped
from .walks import summarize_paths
from .decoding import explain, explain_text
from .engine import QuestionStep, ResultStep, choose, result, several, step
from .facts import FactError, read_strict
from .graph import to_dot, tree_graph
from .langs import article_path
from .profiles import profile_ids
from .render import render_text, ui, value_label
from .schema import LANGS, Text, Tree, TreeError, Value
from .views import paths_text

MAX_INPUT = 1_000_000  # characters of --facts: far more than every fact at once needs


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"troubleshooter: {message} (see --help)\n")


def given_result(tree: Tree, facts: dict[str, Value]) -> ResultStep:
    """The result for facts given outright: a `fixed` given is said for certain (findings.diagnose)."""
    return result(tree, facts, asserted=frozenset(str(c) for c in several(facts.get("fixed"))))


def diagnosis_json(tree: Tree, facts: dict[str, Value], lang: str,
                   evidence: Mapping[tuple[str, str | int], Text] | None = None) -> dict[str, Any]:
    found = given_result(tree, facts)
    evidence = evidence or {}
    return {
        "causes": [{
            "id": f.cause.id,
            "title": f.cause.title.get(lang),
            "summary": f.cause.summary.get(lang),
            "confidence": f.confidence,
            "steps": [{"text": s.text.get(lang), "who": s.who, "wait": s.wait.get(lang) if s.wait else None}
                      for s in f.cause.steps],
            "articles": [article_path(lang, f.cause.article)],
            "why": [fact for fact, _ in f.why],
            "evidence": [{"fact": fact, "value": value, "label": value_label(tree, tree.facts[fact], value, lang),
                          "from": [evidence[(fact, v)].get(lang) for v in several(value) if (fact, v) in evidence]}
                         for fact, value in f.why],
        } for f in found.findings],
        "unknown": [{"fact": f.id, "label": f.label.get(lang), "howto": f.howto.get(lang)}
                    for f in tree.facts.values() if f.id not in facts or facts[f.id] == "unknown"
                    if tree.question_for(f.id) is not None or f.id in facts],
        "facts": facts,
        "tree_version": tree.version,
    }


def read_facts(args: argparse.Namespace, stdin: TextIO) -> object:
    """The raw facts from --facts JSON, --facts - (standard input) or --facts-file PATH."""
    if args.facts_file:
        try:
            with open(args.facts_file, encoding="utf-8") as f:
                text = f.read(MAX_INPUT + 1)
        except (OSError, UnicodeDecodeError) as err:
            raise FactError(f"--facts-file {args.facts_file}: cannot be read ({getattr(err, 'strerror', None) or err})") from None
    else:
        text = stdin.read(MAX_INPUT + 1) if args.facts == "-" else args.facts
    if len(text) > MAX_INPUT:
        raise FactError(f"the facts are over {MAX_INPUT} characters; expected a small JSON object")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:  # ValueError covers integers too long to convert
        raise FactError(f"the facts are not valid JSON ({str(err).splitlines()[0][:80]}); expected an object such as "
                        '{"balance": "arrears"}') from None


def interactive(tree: Tree, lang: str, stdin: TextIO, stdout: TextIO) -> int:
    facts: dict[str, Value] = {}
    history: list[dict[str, Value]] = []
    while True:
        current = step(tree, facts)
        print("\n" + render_text(tree, current, lang), file=stdout)
        if isinstance(current, ResultStep):
            return 0
        assert isinstance(current, QuestionStep)
        print(ui(tree, "cli_prompt", lang), end="", file=stdout, flush=True)
        answer = stdin.readline(100)
        if not answer:  # end of input
            print(file=stdout)
            return 1
        answer = answer.strip().lower()
        options = current.question.options
        if answer == "q":
            return 1
        if answer == "b":
            facts = history.pop() if history else facts
        elif answer.isascii() and answer.isdecimal() and len(answer) <= 3 and 1 <= int(answer) <= len(options):
            history.append(dict(facts))
            facts = choose(tree, facts, options[int(answer) - 1])
        else:
            print(ui(tree, "cli_invalid", lang), file=stdout)


def check(tree: Tree, stdout: TextIO, codes: bool = True) -> int:
    problems, found = validate_shipped(tree, codes=codes)  # a tree of your own: no codes check (its facts differ)
    if problems:
        raise TreeError(problems)
    s = summarize_paths(tree).stats
    print(f"{tree.source}: OK ({len(tree.questions)} questions, {len(tree.causes)} causes, version {tree.version}; "
          f"profiles: {', '.join(profile_ids()) or 'none'})", file=stdout)
    print(f"paths: {s['paths']}; questions: at most {s['max_questions']}, {s['mean_questions']} on average; "
          f"with no \"not sure\": at most {s['max_questions_sure']}, {s['mean_questions_sure']} on average; "
          f"ending at the fallback: {s['share_fallback']:.1%}", file=stdout)
    shares = s["share_per_cause"]
    assert isinstance(shares, dict)
    print("share of paths per cause: " + ", ".join(f"{cid} {share:.1%}" for cid, share in shares.items()), file=stdout)
    if found is not None:
        print(f"{found.source}: OK ({len(found.fields)} platform fields, "
              f"{sum(len(f.values) for f in found.fields.values())} values)", file=stdout)
    return 0


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    parser = _Parser(prog="python -m troubleshooter", description="Why is my IoT SIM card suspended?")
    parser.add_argument("--lang", choices=LANGS, default="zh", help="language of the questions (default zh)")
    parser.add_argument("--tree", help="another tree file to use (TOML or JSON)")
    parser.add_argument("--profile", help="a portal's profile: a shipped id (troubleshooter/profiles/<id>.toml) or "
                        "the path of your own .toml file: its seller, regions, causes, wording")
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("diagnose", help="diagnose from known facts")
    src = d.add_mutually_exclusive_group(required=True)
    src.add_argument("--facts", help='a JSON object, e.g. \'{"balance": "arrears"}\', or - to read it from standard input')
    src.add_argument("--facts-file", help="a file holding the JSON object")
    d.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    d.add_argument("--format", choices=("json", "text"), default="json")
    sub.add_parser("check", help="validate the tree file, say what is wrong, print path statistics")
    dc = sub.add_parser("decode", help="what a platform's status or stop-reason code means, e.g. onelink.stopReason 000020000000")
    dc.add_argument("code", help="<platform>.<field>, e.g. onelink.stopReason, onenet.cardstatus, aliyun.LockReason")
    dc.add_argument("value", help="the value the platform reports, e.g. 000020000000")
    dc.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    dc.add_argument("--format", choices=("json", "text"), default="text")
    for name, what in (("map", "the tree as a Graphviz DOT graph (render it with `dot -Tsvg`), as the site's tree map"),
                       ("paths", "every path to a first result: the answers, the causes and the facts behind them")):
        sub.add_parser(name, help=what).add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        profile = Path(args.profile) if args.profile and args.profile.endswith((".toml", ".json")) else args.profile
        tree = load_tree(args.tree, check=False) if args.tree else tree_for(profile)
        if args.command == "check":
            return check(tree, stdout, codes=not args.tree)
        if args.tree:
            load_tree(args.tree)  # a tree given on the command line is checked before it is used
        if args.command in ("map", "paths"):  # for reviewing a tree of one's own (README.md)
            print(to_dot(tree_graph(tree, args.lang)) if args.command == "map" else paths_text(tree, args.lang),
                  file=stdout)
            return 0
        if args.command == "decode":
            out = json.dumps(explain(tree, args.code, args.value, args.lang), ensure_ascii=False, indent=2) \
                if args.format == "json" else explain_text(tree, args.code, args.value, args.lang)
            print(out, file=stdout)
            return 0
        if args.command == "diagnose":
            reading = read_strict(tree, read_facts(args, stdin))
            facts = reading.facts
            overruled = [{"key": d.field.key, "value": d.raw, "notice": ui(tree, "overruled", args.lang,
                                                                          reading=d.evidence(part, args.lang))}
                         for d, part in reading.overruled]
            remarks = [{"key": d.field.key, "value": d.raw, "notice": ui(tree, "remark", args.lang, **dict(zip(
                ("reading", "meaning"), d.remark(part, args.lang))))} for d, part in reading.remarks]
            if args.format == "json":
                out = diagnosis_json(tree, facts, args.lang, reading.evidence) | {"overruled": overruled, "remarks": remarks}
                print(json.dumps(out, ensure_ascii=False, indent=2), file=stdout)
            else:
                notices = "".join(o["notice"] + "\n\n" for o in overruled + remarks)
                print(notices + render_text(tree, given_result(tree, facts), args.lang, reading.evidence), file=stdout)
            return 0
        return interactive(tree, args.lang, stdin, stdout)
    except TreeError as err:
        head = "" if len(err.problems) == 1 else "the tree is invalid:\n"
        print(f"troubleshooter: {head}{err}", file=sys.stderr)
        return 2
    except FactError as err:
        print(f"troubleshooter: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=stdout)
        return 130
    except BrokenPipeError:
        # the reader went away (`| head -1`): say so once, and keep Python from complaining at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("troubleshooter: the output was closed before everything was written", file=sys.stderr)
        return 1
