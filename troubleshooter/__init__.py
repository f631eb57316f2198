"""IoT SIM card troubleshooter: asks about balance, data, plan, device and location, and says what is wrong
and what to do. Standard library only, so the same code runs on CPython 3.11+ and in Pyodide.

    >>> from troubleshooter import default_tree, diagnose
    >>> [f.cause.id for f in diagnose(default_tree(), {"balance": "arrears"})]
    ['arrears']
"""

from __future__ import annotations

import json
import tomllib
from functools import lru_cache
from pathlib import Path

from .checks import check_graph, validate
from .parsing import read_table
from .engine import Finding, QuestionStep, ResultStep, Step, diagnose, next_question, step, walk
from .facts import FactError, parse_facts, parse_query
from .schema import LANGS, Tree, TreeError, parse_tree

__all__ = [
    "LANGS", "FactError", "Finding", "QuestionStep", "ResultStep", "Step", "Tree", "TreeError",
    "default_tree", "tree_for", "diagnose", "load_tree", "next_question", "parse_facts", "parse_query", "step", "walk",
]

HERE = Path(__file__).parent
TREE_TOML = HERE / "tree.toml"
TREE_JSON = HERE / "tree.json"  # written into the browser's copy of the package by the site build


def load_tree(path: str | Path, check: bool = True) -> Tree:
    """Read, parse and (unless `check` is False) validate a tree file (.toml or .json).

    Raises TreeError whose lines each name the file and the node; a file that cannot be read or decoded
    is one such line too, so callers have one kind of error to report.
    """
    tree = parse_tree(read_table(path), str(path))
    if check:
        problems = validate(tree)
        if problems:
            raise TreeError(problems)
    return tree


@lru_cache(maxsize=1)
def _tree_text() -> tuple[str, str]:
    path = TREE_JSON if TREE_JSON.exists() else TREE_TOML
    return path.read_text("utf-8"), str(path)


def tree_data() -> dict:
    """The shipped tree's raw data (a fresh copy): what profiles are applied to."""
    text, source = _tree_text()
    return json.loads(text) if source.endswith(".json") else tomllib.loads(text)


def tree_for(profile: str | Path | None = None, inline: str | None = None) -> Tree:
    """The shipped tree with a portal's rules (see _tree_for); a profile file (a Path, the command line's)
    is read afresh each time, a shipped id or inline subset once."""
    return _tree_for.__wrapped__(profile, inline) if isinstance(profile, Path) else _tree_for(profile, inline)


@lru_cache(maxsize=64)
def _tree_for(profile: str | Path | None = None, inline: str | None = None) -> Tree:
    """The shipped tree with a portal's rules: a shipped profile by id, and/or an inline subset (JSON of
    {"sellerName", "restrictedRegions"}). Raises TreeError naming the profile and key on a mistake."""
    if profile is None and inline is None:
        return default_tree()
    from .profiles import apply_profile, inline_profile, read_profile

    data, source = tree_data(), _tree_text()[1]
    if profile is not None:
        raw, source = read_profile(profile)
        data = apply_profile(data, raw, source)
    if inline is not None:
        source = "the portal's inline profile (restricted-regions, seller-name)"
        data = apply_profile(data, inline_profile(json.loads(inline)), source)
    tree = parse_tree(data, source)
    problems = check_graph(tree)
    if problems:
        raise TreeError(problems)
    return tree


tree_for.cache_clear = _tree_for.cache_clear  # type: ignore[attr-defined]  # tests that edit a shipped profile


@lru_cache(maxsize=1)
def default_tree() -> Tree:
    """The shipped tree: the prebuilt JSON in the browser's package (checked at build), else the TOML.
    Its every path is walked by the build, the tests and `check`; loading it here checks only its shape
    and graph, which is quick, so the CLI starts at once."""
    if TREE_JSON.exists():
        return load_tree(TREE_JSON, check=False)
    tree = load_tree(TREE_TOML, check=False)
    problems = check_graph(tree)
    if problems:
        raise TreeError(problems)
    return tree
