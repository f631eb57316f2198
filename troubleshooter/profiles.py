"""A portal's own rules, as data: `profiles/<id>.toml` beside the tree.

A profile says who the seller is (the name shown where a step is the seller's), an optional contact line,
which regions its cards may not be used in, which causes cannot happen to its cards, and its own wording
for any cause's title, summary or step (a step worded anew drops the tree's "how long" line, which was about
the tree's wording; `stepN.wait` gives the seller's own). It never changes the public facts and causes, only which apply and
how they read: it is applied to the tree's raw data, which is then parsed and checked like the tree itself,
so every mistake is one line naming the profile file and the key.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .parsing import Parser, TreeError, plain_keys, shown

HERE = Path(__file__).parent
PROFILES = HERE / "profiles"
KEYS = ("name", "contact", "restricted_regions", "hidden_causes", "texts")
PROFILE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
TEXT_KEY = re.compile(r"(?P<cause>[a-z_]+)\.(?P<part>title|summary|step(?P<n>[1-9])(?P<wait>\.wait)?)")
MAX_SELLER_NAME = 60


def profile_ids() -> list[str]:
    """The profiles that ship with the site (JSON in the browser's package, TOML in the source tree)."""
    return sorted({p.stem for p in PROFILES.glob("*.toml")} | {p.stem for p in PROFILES.glob("*.json")})


def read_profile(pid: str | Path) -> tuple[dict[str, Any], str]:
    """A shipped profile's raw data and the file it came from; TreeError if there is no such profile. A Path
    (the command line's --profile FILE, for a carrier's own backend) is read as it is; a page passes only ids."""
    if isinstance(pid, Path):
        if not pid.is_file():
            raise TreeError([f"{pid}: no such profile file; give a shipped profile id or the path of a .toml file"])
        candidates = [(pid, json.loads if pid.suffix == ".json" else tomllib.loads)]
    elif not PROFILE_ID.fullmatch(pid):
        raise TreeError([f"profile {shown(pid)}: not a profile id; expected lowercase letters, digits and dashes"])
    else:
        candidates = [(PROFILES / f"{pid}{suffix}", load) for suffix, load in ((".json", json.loads), (".toml", tomllib.loads))]
    for path, load in candidates:
        if path.exists():
            try:
                return load(path.read_text("utf-8")), str(path)
            except (OSError, ValueError, UnicodeDecodeError) as err:
                raise TreeError([f"{path}: is not valid {path.suffix[1:].upper()}: {err}"]) from None
    raise TreeError([f"profile {pid}: no such profile; expected one of {', '.join(profile_ids()) or '(none)'}"])


OWN_REGIONS_NOTE = {"zh": "这里列的是卖家为这些卡给出的限制地区。",
                    "en": "These are the regions your seller lists as restricted for its cards."}


def apply_profile(tree_data: Mapping[str, Any], profile: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The tree's raw data with the profile's rules in it, or TreeError listing every problem."""
    p = Parser(source)
    profile = p.table(profile, "the top level")
    plain_keys(p, profile, "the top level", KEYS)
    data = copy.deepcopy(dict(tree_data))
    settings, ui = data.setdefault("settings", {}), data.setdefault("ui", {})
    causes = {c.get("id"): c for c in data.get("causes", []) if isinstance(c, Mapping)}
    for key, ui_key in (("name", "who_seller"), ("contact", "contact")):
        if key in profile:
            text = p.text(profile[key], key)
            if text and max(len(text.zh), len(text.en)) > MAX_SELLER_NAME * (1 if key == "name" else 4):
                p.problem(key, "is too long for one line")
            if text:
                ui[ui_key] = {"zh": text.zh, "en": text.en}
    if "restricted_regions" in profile:
        settings["restricted_regions"] = profile["restricted_regions"]  # checked by the tree's own parser
        ui["restricted_note"] = OWN_REGIONS_NOTE  # the site's note says its list is examples from its sources
    if "hidden_causes" in profile:
        hidden = p.strings(profile["hidden_causes"], "hidden_causes")
        for cid in hidden:
            if cid not in causes or causes[cid].get("fallback") or causes[cid].get("resume_pending"):
                p.problem("hidden_causes", f"{shown(cid)} is not a cause that can be hidden; expected ids such as "
                          "region_restricted or calls_restricted")
        settings["hidden_causes"] = list(hidden)
    texts = p.table(profile.get("texts", {}), "texts")
    # A step's own text first: it drops the tree's wait, which described the tree's text; then the waits.
    for key, raw in sorted(texts.items(), key=lambda item: str(item[0]).endswith(".wait")):
        m = TEXT_KEY.fullmatch(str(key))
        cause = causes.get(m.group("cause")) if m else None
        where = f"texts.{shown(key)}"
        if cause is None or m is None:
            p.problem(where, "expected <cause id>.title, <cause id>.summary, <cause id>.stepN or <cause id>.stepN.wait, "
                      "e.g. arrears.step3")
            continue
        text = p.text(raw, where)
        if text is None:
            continue
        if m.group("n"):
            steps = cause.get("steps", [])
            n = int(m.group("n"))
            if n > len(steps):
                p.problem(where, f"cause {cause['id']} has {len(steps)} steps")
                continue
            if m.group("wait"):
                steps[n - 1]["wait"] = {"zh": text.zh, "en": text.en}
            else:  # the seller's own procedure: the tree's timing was for the tree's text
                steps[n - 1]["text"] = {"zh": text.zh, "en": text.en}
                steps[n - 1].pop("wait", None)
        else:
            cause[m.group("part")] = {"zh": text.zh, "en": text.en}
    if p.problems:
        raise TreeError(p.problems)
    return data


def inline_profile(raw: object) -> dict[str, Any]:
    """A portal's inline subset (the component's `restricted-regions` and `seller-name`) as a profile."""
    out: dict[str, Any] = {}
    if isinstance(raw, Mapping):
        name = raw.get("sellerName")
        if isinstance(name, str) and name.strip():
            clean = " ".join(name.split())[:MAX_SELLER_NAME]
            out["name"] = {"zh": clean, "en": clean}
        regions = raw.get("restrictedRegions")
        if isinstance(regions, str):
            regions = [r.strip() for r in regions.replace(",", " ").split() if r.strip()]
        if regions is not None:
            out["restricted_regions"] = regions
    return out


def check_profiles() -> list[str]:
    """Every problem of every shipped profile, one line each (for `check` and the site build)."""
    from . import tree_for

    problems: list[str] = []
    for pid in profile_ids():
        try:
            tree_for(pid)
        except TreeError as err:
            problems += err.problems
    return problems
