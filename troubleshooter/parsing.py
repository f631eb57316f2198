"""What every part of the tree parser shares: the problem list, bilingual text, and type-safe reads.

Each reader notes a problem and returns a harmless stand-in instead of raising, so one pass reports
every mistake in the file at once.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .langs import LANGS


class TreeError(ValueError):
    """The tree file is invalid. `problems` holds one line per problem, each naming the file and node."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Text:
    """One piece of text in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def shown(raw: object) -> str:
    """A value as it may appear in a one-line message: short, printable, no quotes added."""
    text = str(raw) if not isinstance(raw, (dict, list)) else type(raw).__name__
    return "".join(c if c.isprintable() else "?" for c in text[:40]) + ("…" if len(text) > 40 else "")


def is_whole(raw: object) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool)


class Parser:
    """Collects problems as `file: node: message` lines while the node parsers walk the raw data."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def text(self, raw: Any, where: str, required: bool = True) -> Text | None:
        if raw is None and not required:
            return None
        if not isinstance(raw, Mapping):
            self.problem(where, "expected a table with zh and en texts, e.g. { zh = \"…\", en = \"…\" }")
            return None
        for lang in LANGS:
            if not isinstance(raw.get(lang), str) or not raw[lang].strip():
                self.problem(where, f"missing the {lang} translation")
        extra = sorted(str(k) for k in raw if k not in LANGS)
        if extra:
            self.problem(where, f"unknown language {extra[0]}; expected zh and en")
        return Text(str(raw.get("zh", "")), str(raw.get("en", "")))

    def table(self, raw: Any, where: str) -> Mapping[str, Any]:
        if isinstance(raw, Mapping):
            return raw
        self.problem(where, "expected a table")
        return {}

    def items(self, raw: Any, where: str) -> list[Mapping[str, Any]]:
        if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
            self.problem(where, "expected a list of tables")
            return []
        return raw

    def strings(self, raw: Any, where: str) -> tuple[str, ...]:
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.problem(where, "expected a list of strings, e.g. [\"a\", \"b\"]")
            return ()
        return tuple(raw)


def plain_keys(p: Parser, raw: Mapping[str, Any], where: str, allowed: Iterable[str]) -> None:
    """An unknown key is a typo (`mn = 3` for `min = 3`) that would otherwise pass silently."""
    allowed = tuple(allowed)
    for key in raw:
        if key not in allowed:
            p.problem(where, f"unknown key {shown(key)}; expected one of {', '.join(allowed)}")


def read_table(path: str | Path) -> dict[str, Any]:
    """A data file's top-level table (.toml, or .json as the browser's copy has it). Any problem is one
    TreeError line naming the file, so callers have one kind of error to report."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw.decode("utf-8"))
    except OSError as err:
        raise TreeError([f"{path}: cannot be read ({err.strerror or err})"]) from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise TreeError([f"{path}: is not valid {path.suffix.lstrip('.').upper() or 'TOML'}: {err}"]) from None
    if not isinstance(data, dict):
        raise TreeError([f"{path}: expected a table at the top level"])
    return data
