"""Messages of loading and validating, in the reader's language (private to :mod:`evalkit.io`).

The loader writes its quarantine reasons, notes and errors in English, in the exact
words of the templates ``io.*`` of ``evalkit/labels/en.json``; the key of the
template a text matches is its canonical, stable code (``reason.too_many_cells``),
and the same key in ``id.json`` gives its Bahasa Indonesia version, with the same
values filled in. A text that matches no template is shown as it is.

>>> translate("exact duplicate of line 7", "id")
'duplikat persis dari baris 7'
>>> reason_code("exact duplicate of line 7")
'reason.exact_duplicate'
"""

from __future__ import annotations

import re
import string
from functools import cache

from ..labels import LANGUAGES, catalogue

__all__ = ["reason_code", "translate", "translate_message"]

#: Values that are themselves messages (translated in turn).
_NESTED = ("reason",)


def _regex(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>.+?)")
    return re.compile("".join(parts), re.S)


@cache
def _templates() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``(key, pattern)`` of every ``io.*`` template, the most specific first."""
    en = catalogue("en")
    keys = [k for k in en if k.startswith("io.")]
    # longer literal text first, so that a template never shadows a longer one
    keys.sort(key=lambda k: -len(re.sub(r"\{[^}]*\}", "", en[k])))
    return tuple((k, _regex(en[k])) for k in keys)


def _match(text: str) -> tuple[str, dict[str, str]] | None:
    for key, rx in _templates():
        m = rx.fullmatch(text)
        if m:
            return key, m.groupdict()
    return None


def reason_code(text: str) -> str | None:
    """The stable code of a loader message (its template key without ``io.``), or
    ``None`` when it matches no template."""
    found = _match(str(text))
    return None if found is None else found[0].removeprefix("io.")


def translate(text: str, language: str) -> str:
    """One loader message (a reason, note or error line) in ``language``."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}")
    if language == "en" or not text:
        return text
    found = _match(str(text))
    if found is None:
        return text
    key, values = found
    for name in _NESTED:
        if name in values:
            values[name] = translate(values[name], language)
    return catalogue(language)[key].format(**values)


def translate_message(text: str, language: str) -> str:
    """A multi-line message (an :class:`~evalkit.io.InputError`), line by line; list
    items (``  - …``) and notes joined by ``; `` are translated one by one."""
    if language == "en":
        return text
    out = []
    for line in str(text).split("\n"):
        m = re.match(r"(\s*-\s+|\s*)(.*)$", line, re.S)
        prefix, body = m.group(1), m.group(2)
        out.append(prefix + translate(body, language))
    return "\n".join(out)


def translate_notes(notes: str, language: str) -> str:
    """A summary's notes cell (notes joined by ``; ``) in ``language``."""
    if language == "en" or not notes:
        return notes
    parts = _split_notes(notes)
    return "; ".join(translate(p, language) for p in parts)


def _split_notes(notes: str) -> list[str]:
    """Notes joined by ``"; "``, split where a whole note ends (a note may hold ``;``)."""
    pieces = notes.split("; ")
    out: list[str] = []
    i = 0
    while i < len(pieces):
        # the longest run of pieces that forms one known note
        for j in range(len(pieces), i, -1):
            candidate = "; ".join(pieces[i:j])
            if _match(candidate) is not None:
                out.append(candidate)
                i = j
                break
        else:
            out.append(pieces[i])
            i += 1
    return out
