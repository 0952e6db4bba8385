"""pairlab's translations: the guide's catalogs and the server's gettext messages.

The guide (JupyterLab) reads `<lang>/LC_MESSAGES/pairlab.json` here, compiled from the `.po`
beside it. The server's messages have their own gettext catalogs, domain `pairlab`, under
`server/<lang>/LC_MESSAGES/pairlab.{po,mo}`: a message is written once, in English, with `_()`
and named placeholders; it stays that English text for every caller (CLI, tests, logs), and a
reply says it in the language the request asks for (`translate`, `localize`).
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

SERVER_LOCALE = Path(__file__).parent / "server"
DOMAIN = "pairlab"
_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")  # a language tag; not "*"


class Message(str):
    """A server message: its English text, and the msgid and values to say it in another."""

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, /, **values: Any) -> Message:
        """Return the English text of `msgid` with `values` in its {named} placeholders."""
        text = super().__new__(cls, msgid.format(**values))
        text.msgid, text.values = msgid, values
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as msgid and values (str's own way would rebuild from the English text)."""
        return (_rebuild, (self.msgid, self.values))


def _rebuild(msgid: str, values: dict[str, Any]) -> Message:
    """Return the Message a pickle holds."""
    return Message(msgid, **values)


def _(msgid: str, /, **values: Any) -> Message:
    """Mark a server message for translation (pybabel extracts the calls of `_`).

    `msgid` is a str.format text: {name} placeholders filled from `values`, braces doubled.
    """
    return Message(msgid, **values)


@lru_cache(maxsize=32)
def _catalog(languages: tuple[str, ...]) -> gettext.NullTranslations:
    """Return the server's catalogs for `languages`, in order; English when none has one."""
    return gettext.translation(DOMAIN, SERVER_LOCALE, languages=languages, fallback=True)


def translate(text: str, languages: Sequence[str]) -> str:
    """Return `text` in the first of `languages` with a catalog entry for it, else as is."""
    if not isinstance(text, Message) or not languages:
        return str(text)
    said = _catalog(tuple(languages)).gettext(text.msgid)
    try:
        return said.format(**text.values)
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder
        return str(text)


def localize(value: Any, languages: Sequence[str]) -> Any:
    """Return a JSON value with every Message in it translated (other strings are content)."""
    if not languages:  # English: every Message is its English text already; no walk needed
        return value
    if isinstance(value, Message):
        return translate(value, languages)
    if isinstance(value, dict):
        return {key: localize(item, languages) for key, item in value.items()}
    if isinstance(value, list):
        return [localize(item, languages) for item in value]
    return value


def _quality(params: list[str]) -> float | None:
    """Return an Accept-Language entry's q (1 when absent), or None when it is not a number."""
    for param in params:
        name, _equals, value = param.partition("=")
        if name.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return None
    return 1.0


def accepted_languages(header: str | None) -> list[str]:
    """Return the languages an Accept-Language header asks for, best first, as gettext names.

    English is the messages' own language: the list stops there, so a reader who prefers
    English to Norwegian never gets the Norwegian catalog as the next language found.
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = _quality(params)
        if _TAG.fullmatch(tag) and quality is not None and quality > 0:
            ranked.append((-quality, index, tag.replace("-", "_")))
    languages: list[str] = []
    for _rank, _order, tag in sorted(ranked):
        if tag.lower() == "en" or tag.lower().startswith("en_"):
            break
        languages.append(tag)
    return languages
