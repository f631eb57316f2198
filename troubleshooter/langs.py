"""The languages, in one place: every text of the tree comes in each of them, and the site serves the
first (the default) at its root and each other one under `<lang>/` (mkdocs.yml's i18n plugin, which
hooks/tree_check.py holds to this list). Python reads it from here; the site's JavaScript reads it from
the generated assets/troubleshooter/config.js (hooks/python_runtime.py)."""

from __future__ import annotations

LANGS = ("zh", "en")
# How each language joins a label to its value, the items of a list, and an aside: Chinese text takes
# full-width marks ("依据：…；…（…）").
COLON = {"zh": "：", "en": ": "}
SEPARATOR = {"zh": "；", "en": "; "}
PARENS = {"zh": ("（", "）"), "en": (" (", ")")}


def lang_root(lang: str) -> str:
    """Where a language's pages are, from the site's root: "" for the default language, "en/" for English."""
    return "" if lang == LANGS[0] else f"{lang}/"


def article_path(lang: str, article: str) -> str:
    """An article's path relative to the built site's root, as the site links it (`en/causes/arrears.html`)."""
    return lang_root(lang) + article + ".html"
