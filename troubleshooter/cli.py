"""The command line: ask interactively, diagnose from JSON facts, or check a tree file.

Bad input exits 2 with one line that says what was wrong and what is accepted, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn, TextIO

from . import default_tree, load_tree
from .engine import QuestionStep, ResultStep, diagnose, result, step
from .facts import FactError, parse_facts
from .render import render_text, ui
from .schema import LANGS, Tree, TreeError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"troubleshooter: {message} (see --help)\n")


def article_path(lang: str, article: str) -> str:
    """An article's path relative to the built site's root, as the site links it."""
    return ("" if lang == "zh" else f"{lang}/") + article + ".html"


def diagnosis_json(tree: Tree, facts: dict, lang: str) -> dict:
    return {
        "causes": [{
            "id": f.cause.id,
            "title": f.cause.title.get(lang),
            "steps": [s.text.get(lang) for s in f.cause.steps],
            "articles": [article_path(lang, a) for a in f.cause.articles],
            "why": [fact for fact, _ in f.why],
        } for f in diagnose(tree, facts)],
        "facts": facts,
    }


def interactive(tree: Tree, lang: str, stdin: TextIO, stdout: TextIO) -> int:
    facts: dict = {}
    history: list[dict] = []
    while True:
        current = step(tree, facts)
        print("\n" + render_text(tree, current, lang), file=stdout)
        if isinstance(current, ResultStep):
            return 0
        assert isinstance(current, QuestionStep)
        print(ui(tree, "cli_prompt", lang), end="", file=stdout, flush=True)
        answer = stdin.readline()
        if not answer:  # end of input
            print(file=stdout)
            return 1
        answer = answer.strip().lower()
        options = current.question.options
        if answer == "q":
            return 1
        if answer == "b":
            facts = history.pop() if history else facts
        elif answer.isdigit() and 1 <= int(answer) <= len(options):
            history.append(dict(facts))
            facts = {**facts, current.question.fact: options[int(answer) - 1].value}
        else:
            print(ui(tree, "cli_invalid", lang), file=stdout)


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    parser = _Parser(prog="python -m troubleshooter", description="Why is my IoT SIM card suspended?")
    parser.add_argument("--lang", choices=LANGS, default="zh", help="language of the questions (default zh)")
    parser.add_argument("--tree", help="another tree file to use (TOML or JSON)")
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("diagnose", help="diagnose from known facts")
    d.add_argument("--facts", required=True, help='a JSON object, e.g. \'{"balance": "arrears"}\'')
    d.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS)
    d.add_argument("--format", choices=("json", "text"), default="json")
    sub.add_parser("check", help="validate the tree file and say what is wrong")
    args = parser.parse_args(argv)
    try:
        tree = load_tree(args.tree) if args.tree else default_tree()
        if args.command == "check":
            print(f"{tree.source}: OK ({len(tree.questions)} questions, {len(tree.causes)} causes)", file=stdout)
            return 0
        if args.command == "diagnose":
            try:
                raw = json.loads(args.facts)
            except (json.JSONDecodeError, RecursionError) as err:
                raise FactError(f"--facts is not valid JSON ({str(err)[:80]}); expected an object such as "
                                '{"balance": "arrears"}') from None
            facts = parse_facts(tree, raw)
            if args.format == "json":
                print(json.dumps(diagnosis_json(tree, facts, args.lang), ensure_ascii=False, indent=2), file=stdout)
            else:
                print(render_text(tree, result(tree, facts), args.lang), file=stdout)
            return 0
        return interactive(tree, args.lang, stdin, stdout)
    except TreeError as err:
        print(f"troubleshooter: the tree is invalid:\n{err}", file=sys.stderr)
        return 2
    except FactError as err:
        print(f"troubleshooter: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=stdout)
        return 130
