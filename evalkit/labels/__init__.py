"""Label catalogues: every word a person reads in a report, in Bahasa Indonesia and English.

The study computes with canonical codes (``sangat_baik``, ``di_atas``, ``atasan``) and
column names (``unit_id``, ``mean_score``); people read labels. The labels live in
two JSON catalogues next to this module, ``id.json`` (the default) and ``en.json``,
which hold the same keys (a test checks). Keys are dotted:

``section.<name>.title``           section headings of the period study
``text.<name>``                    narrative sentences, ``str.format`` templates
``finding.<name>``                 executive-summary findings, templates with numbers
``column.<name>``                  table headers and axis labels, by column name
``code.<kind>.<code>``             a canonical code of :data:`evalkit.tables.CODES`
``table.<name>``                   table captions (and ``tables.xlsx`` sheet names)
``figure.<name>``                  figure titles

Use :class:`Labels` (a read-only mapping, so plot functions that take
``labels: dict`` accept it) or the shortcut :func:`t`:

>>> from evalkit.labels import Labels, t
>>> Labels("en").code("predikat", "sangat_baik")
'Outstanding'
>>> t("code.predikat.sangat_baik", "id")
'Sangat Baik'
>>> Labels("id").number(1234.5, 1)
'1.234,5'
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "Labels", "catalogue", "t"]

#: Languages with a catalogue, the default first.
LANGUAGES: tuple[str, ...] = ("id", "en")
DEFAULT_LANGUAGE = "id"

# decimal and thousands separators per language
_SEPARATORS = {"id": (",", "."), "en": (".", ",")}


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(
            f"language must be one of {', '.join(map(repr, LANGUAGES))}; got {language!r}"
        )
    return language


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> Mapping[str, str]:
    """The label catalogue of ``language`` as a read-only ``{key: text}`` mapping.

    Parameters
    ----------
    language : {"id", "en"}
        Catalogue to read (``evalkit/labels/<language>.json``).

    Returns
    -------
    Mapping[str, str]
        Every key of the catalogue and its text.

    Raises
    ------
    ValueError
        If ``language`` has no catalogue.
    """
    _check_language(language)
    text = resources.files(__name__).joinpath(f"{language}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return _FrozenDict(data)


class _FrozenDict(Mapping[str, str]):
    def __init__(self, data: dict[str, str]):
        self._data = data

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Labels(Mapping[str, str]):
    """Labels of one language, with helpers for codes, columns and numbers.

    Parameters
    ----------
    language : {"id", "en"}, default "id"
        Bahasa Indonesia (the default) or English.

    Notes
    -----
    ``labels[key]`` returns the raw text and raises a ``KeyError`` that names the key
    and the catalogue file when a key is missing. ``labels(key, **values)`` formats a
    template; numbers in ``values`` are written the way the language writes them
    (Indonesian ``3,45`` and ``1.234``; English ``3.45`` and ``1,234``).

    Examples
    --------
    >>> labels = Labels("en")
    >>> labels("text.rows_read", rows=1200, files=8)
    '1,200 rows were read from 8 files.'
    """

    def __init__(self, language: str = DEFAULT_LANGUAGE):
        self.language = _check_language(language)
        self._catalogue = catalogue(language)

    # -- mapping ------------------------------------------------------------------------
    def __getitem__(self, key: str) -> str:
        try:
            return self._catalogue[key]
        except KeyError:
            raise KeyError(
                f"no label {key!r} in evalkit/labels/{self.language}.json; add it to both "
                "id.json and en.json"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._catalogue)

    def __len__(self) -> int:
        return len(self._catalogue)

    def __repr__(self) -> str:
        return f"Labels({self.language!r})"

    # -- helpers ------------------------------------------------------------------------
    def __call__(self, key: str, **values: Any) -> str:
        """Format the template ``key`` with ``values`` (numbers in the language's style)."""
        template = self[key]
        formatted = {name: self.format_value(v) for name, v in values.items()}
        try:
            return template.format(**formatted)
        except KeyError as exc:
            raise KeyError(
                f"label {key!r} in {self.language}.json needs the value {exc.args[0]!r}; "
                f"got {sorted(values)}"
            ) from None

    def code(self, kind: str, code: Any) -> str:
        """Label of the canonical ``code`` of the category ``kind`` (a key of ``CODES``).

        A code without a label is returned unchanged, so a new code shows as itself
        rather than breaking a report (a test checks every code of ``CODES`` has one).
        """
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return ""
        return self._catalogue.get(f"code.{kind}.{code}", str(code))

    def column(self, name: str) -> str:
        """Header label of the column ``name`` (the name itself if there is none)."""
        return self._catalogue.get(f"column.{name}", name)

    def prefixed(self, prefix: str) -> dict[str, str]:
        """Every label under ``prefix.`` with the prefix removed, e.g. the texts of one
        plot function: ``labels.prefixed("plot.impact")["title"]``."""
        start = prefix.rstrip(".") + "."
        return {k[len(start) :]: v for k, v in self._catalogue.items() if k.startswith(start)}

    def number(self, value: Any, digits: int = 2) -> str:
        """Write a number with ``digits`` decimals in the language's style; NaN → ``"–"``."""
        if value is None:
            return "–"
        try:
            x = float(value)
        except (TypeError, ValueError):
            return str(value)
        if math.isnan(x):
            return "–"
        decimal, thousands = _SEPARATORS[self.language]
        text = f"{x:,.{digits}f}"
        return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)

    def integer(self, value: Any) -> str:
        """Write a whole number with the language's thousands separator."""
        return self.number(value, 0)

    def percent(self, share: Any, digits: int = 1) -> str:
        """Write a share (0–1) as a percentage, e.g. ``0.253`` → ``"25,3%"``."""
        if share is None:
            return "–"
        try:
            x = float(share)
        except (TypeError, ValueError):
            return str(share)
        if math.isnan(x):
            return "–"
        return f"{self.number(100 * x, digits)}%"

    def format_value(self, value: Any) -> str:
        """A value for a narrative template: integers grouped, floats with 2 decimals."""
        if isinstance(value, bool) or isinstance(value, str):
            return str(value)
        if isinstance(value, numbers.Integral):
            return self.integer(value)
        if isinstance(value, numbers.Real):
            return self.number(value, 2)
        return str(value)


def t(key: str, language: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The label ``key`` in ``language``, formatted with ``values`` if any.

    Parameters
    ----------
    key : str
        Dotted catalogue key, e.g. ``"section.scoring.title"``.
    language : {"id", "en"}, default "id"
        Catalogue to read.
    **values
        Values for the template's ``{placeholders}``.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> t("section.trend.title", "en")
    'Trend against earlier periods'
    """
    return Labels(language)(key, **values)
