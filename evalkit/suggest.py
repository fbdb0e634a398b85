"""Draft a mapping (``evalkit.toml``) from a folder's files: ``validate --suggest-mapping``.

The draft is a proposal, never applied: :func:`write_suggestion` writes it to
``DIR/evalkit.suggested.toml`` (or another path) and the loader reads only
``evalkit.toml``, which the user saves after reviewing it. Every line carries its
confidence; a line below :data:`CONFIDENT` is commented out, so that saving the draft
unchanged applies only what is certain.

How each proposal is made (all matching by the standard library's :mod:`difflib`):

* **table of a file or sheet**: the table whose headers the file's headers match best
  (built-in headers count fully, fuzzy ones by their score), with the file name as a
  tie-breaker; a file that matches no table well is listed, commented out;
* **columns**: a built-in header (:data:`evalkit.tables.TABLE_HEADERS`) has confidence
  1; otherwise the best fuzzy match against the column's names, where a header that
  contains every word of a known header scores 0.9; an SKM question text is matched to
  its item by the item's key words (``persyaratan`` → u1, ``sarana`` → u9 …), never by
  its position; KoboToolbox's ``_submission_time`` and Google Forms' ``Timestamp`` are
  the survey date;
* **values**: a sample of each coded column's values (and SKM answers) that are not
  built-in spellings, matched to the codes' spellings;
* **derived columns**: a survey without ``period`` gets ``period_from`` its date, one
  without ``response_id`` gets ``line_id``; a required column that nothing provides is
  named in a comment (for example a constant ``unit_id`` of a one-unit survey).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .io import parse as P
from .io.read import EXTENSIONS, InputError, Source, _sheet_names, read_source
from .mapping import MAPPING_FILE
from .tables import (
    CODES,
    LABEL_CODES,
    SKM_ANSWER_CODES,
    SKM_SCALES,
    TABLE_HEADERS,
    TABLE_NAMES,
    TABLES,
    normalise_label,
)

__all__ = ["CONFIDENT", "SUGGESTED_FILE", "suggest_mapping", "write_suggestion"]

#: Where the draft goes by default (in the data folder).
SUGGESTED_FILE = "evalkit.suggested.toml"
#: Lines at or above this confidence are written active, the others commented out.
CONFIDENT = 0.85
#: Rows read per file for the sample of values.
SAMPLE_ROWS = 5000

#: Key words of each SKM item in question texts (PermenPANRB 14/2017's questionnaire).
SKM_KEYWORDS: dict[str, tuple[str, ...]] = {
    "u1": ("persyaratan",),
    "u2": ("prosedur", "mekanisme", "alur"),
    "u3": ("waktu", "kecepatan"),
    "u4": ("biaya", "tarif"),
    "u5": ("produk", "spesifikasi"),
    "u6": ("kompetensi", "kemampuan"),
    "u7": ("perilaku", "kesopanan", "keramahan", "sopan"),
    "u8": ("pengaduan", "keluhan"),
    "u9": ("sarana", "prasarana", "fasilitas"),
}
#: Survey-tool columns: normalised header → (column, confidence).
_SURVEY_TOOL = {
    "submission_time": ("survey_date", 0.95),
    "timestamp": ("survey_date", 0.9),
    "stempel_waktu": ("survey_date", 0.9),
    "cap_waktu": ("survey_date", 0.9),
    "start": ("survey_date", 0.6),
}


@dataclass
class _Line:
    key: str
    value: object
    confidence: float
    note: str = ""
    bare: bool = False

    def render(self) -> str:
        key = self.key if self.bare else json.dumps(self.key, ensure_ascii=False)
        text = f"{key} = {_toml(self.value)}"
        comment = f"confidence {self.confidence:.2f}" + (f": {self.note}" if self.note else "")
        prefix = "" if self.confidence >= CONFIDENT else "# "
        return f"{prefix}{text}  # {comment}"


@dataclass
class _TableDraft:
    table: str
    file: str
    sheet: str | None
    confidence: float
    keys: list[_Line] = field(default_factory=list)
    columns: list[_Line] = field(default_factory=list)
    values: dict[str, list[_Line]] = field(default_factory=dict)
    constants: list[_Line] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _tokens(text: str) -> set[str]:
    return {t for t in text.split("_") if t}


def _similarity(header: str, known: str) -> float:
    """How well a normalised header matches a normalised known header (0–1)."""
    if header == known:
        return 1.0
    ratio = difflib.SequenceMatcher(None, header, known).ratio()
    known_tokens, header_tokens = _tokens(known), _tokens(header)
    if known_tokens and known_tokens <= header_tokens and len(known) >= 3:
        # every word of a known header: strong when few other words surround them
        extra = len(header_tokens) - len(known_tokens)
        ratio = max(ratio, {0: 1.0, 1: 0.9, 2: 0.8}.get(extra, 0.7))
    return ratio


def _skm_item(header: str) -> tuple[str | None, float]:
    """The SKM item a question text asks about, by its key words (one item only)."""
    words = _tokens(header)
    hits = [u for u, keys in SKM_KEYWORDS.items() if any(k in words for k in keys)]
    if len(hits) == 1 and len(words) >= 3:
        return hits[0], 0.9
    return None, 0.0


def _match_header(table: str, header: object) -> tuple[str | None, float, str]:
    """Best column of ``table`` for one header: (column, confidence, note)."""
    norm = normalise_label(str(header))
    if not norm:
        return None, 0.0, ""
    known = TABLE_HEADERS[table]
    if norm in known:
        return known[norm], 1.0, "built in"
    if norm in _SURVEY_TOOL and "survey_date" in known.values():
        column, conf = _SURVEY_TOOL[norm]
        return column, conf, "survey tool's time stamp"
    if table == "citizen":
        item, conf = _skm_item(norm)
        if item is not None:
            return item, conf, "SKM question, matched by its key words"
    best, score = None, 0.0
    for alias, column in known.items():
        s = _similarity(norm, alias)
        if s > score:
            best, score = column, s
    return best, round(score, 2), "similar to a known header"


def _sample(source: Source) -> tuple[list[str], pd.DataFrame, bool]:
    header, raw = read_source(source)
    frame = raw.frame.iloc[:SAMPLE_ROWS]
    return [str(h) for h in header], frame, raw.text_only


def _sources(folder: Path) -> list[Source]:
    out = []
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith((".", "~$")) or p.suffix.lower() not in EXTENSIONS:
            continue
        if p.suffix.lower() == ".xlsx":
            for sheet in _sheet_names(p):
                out.append(Source("units", p, sheet))
        else:
            out.append(Source("units", p))
    return out


def _table_of(source: Source, header: list[str]) -> tuple[str | None, float, dict]:
    """The table a file holds, its confidence and the header matches for it."""
    name = normalise_label(source.sheet if source.sheet is not None else source.path.stem)
    best: tuple[float, str | None, dict] = (0.0, None, {})
    for table, t in TABLES.items():
        matches = {h: _match_header(table, h) for h in header}
        strong = {h: m for h, m in matches.items() if m[0] is not None and m[1] >= 0.6}
        covered = {m[0] for m in strong.values()}
        if any(t.column(c).dtype == "date" for c in covered if c in t.column_names):
            covered.add("period")  # derivable: the quarter of a date (period_from)
        if "response_id" in t.column_names:
            covered.add("response_id")  # derivable: the line number (line_id)
        required = set(t.required_columns)
        coverage = len(covered & required) / len(required)
        precision = sum(m[1] for m in strong.values()) / max(len(header), 1)
        named = (
            0.1
            if name == table or any(n in _tokens(name) or n == name for n in TABLE_NAMES[table])
            else 0.0
        )
        score = 0.6 * coverage + 0.3 * precision + named
        if score > best[0]:
            best = (score, table, matches)
    return best[1], min(1.0, round(best[0], 2)), best[2]


def _value_lines(table: str, column: str, cells: pd.Series, text_only: bool) -> list[_Line]:
    """Mapping lines for sampled values of one column that no built-in spelling covers."""
    col = TABLES[table].column(column)
    if column in SKM_SCALES:
        known: dict[str, object] = dict(SKM_ANSWER_CODES[column])
        fallback = (0, "no answer of the scale is close: write 1-4")
    elif col.dtype == "category":
        known = dict(LABEL_CODES[col.codes])
        fallback = ("?", f"no code is close; the codes are {', '.join(CODES[col.codes])}")
    else:
        return []
    text = P.cell_text(cells, text_only)
    lines: list[_Line] = []
    for u in pd.unique(text):
        norm = normalise_label(u)
        number = column in SKM_SCALES and re.fullmatch(r"\d+(?:[.,]0+)?", u)
        if u == "" or norm in known or number:
            continue
        close = difflib.get_close_matches(norm, list(known), n=1, cutoff=0.5)
        if close:
            score = difflib.SequenceMatcher(None, norm, close[0]).ratio()
            lines.append(_Line(u, known[close[0]], round(score, 2), f"like {close[0]!r}"))
        else:
            lines.append(_Line(u, fallback[0], 0.0, fallback[1]))
    return lines


def _date_format(cells: pd.Series, text_only: bool) -> str | None:
    """``"%m/%d/%Y"`` when text dates can only be month first (a second number above
    12, none in the first place), else ``None`` (the loader reads day first)."""
    text = P.cell_text(cells, text_only)
    parts = text.str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
    parts = parts.dropna().astype(int)
    if parts.empty:
        return None
    if (parts[1] > 12).any() and not (parts[0] > 12).any():
        sep = re.search(r"[/.-]", text[text.str.match(r"^\d")].iloc[0]).group(0)
        return f"%m{sep}%d{sep}%Y"
    return None


def _draft_table(source: Source, folder: Path) -> _TableDraft | None:
    header, frame, text_only = _sample(source)
    if not any(h.strip() for h in header):
        return None
    table, conf, matches = _table_of(source, header)
    rel = source.path.relative_to(folder).as_posix()
    if table is None:
        return None
    draft = _TableDraft(table, rel, source.sheet, conf)
    t = TABLES[table]
    # columns: best header per column wins; the others are commented out
    chosen: dict[str, tuple[str, float]] = {}
    for h, (column, score, _note) in matches.items():
        if column is not None and score >= CONFIDENT:
            if column not in chosen or score > chosen[column][1]:
                chosen[column] = (h, score)
    positions = {}
    for i, h in enumerate(header):
        column, score, note = matches[h]
        if column is None or score < 0.5:
            if h.strip():
                draft.comments.append(
                    f"# {json.dumps(h, ensure_ascii=False)}: no column matches (not used)"
                )
            continue
        if chosen.get(column, (h,))[0] != h:
            score = min(score, CONFIDENT - 0.01)
            note = f"{column} is taken by {chosen[column][0]!r}"
        draft.columns.append(_Line(h, column, score, note))
        if score >= CONFIDENT:
            positions[column] = i
    # dates
    for c in t.columns:
        if c.dtype == "date" and c.name in positions:
            fmt = _date_format(frame[positions[c.name]], text_only)
            if fmt is not None:
                draft.keys.append(
                    _Line("date_format", fmt, 0.9, f"{c.name} is written month first", bare=True)
                )
                break
    # derived and missing columns
    if "period" in t.column_names and "period" not in positions:
        dates = [c.name for c in t.columns if c.dtype == "date" and c.name in positions]
        if dates:
            note = f"no period column: the quarter of {dates[0]}"
            draft.keys.append(_Line("period_from", dates[0], 0.9, note, bare=True))
            positions["period"] = -1
    for key in t.key:
        if key not in positions and t.column(key).dtype == "str" and key.endswith("_id"):
            if key == "response_id":
                draft.keys.append(
                    _Line("line_id", key, 0.9, "no id column: the line number", bare=True)
                )
                positions[key] = -1
    for c in t.columns:
        if c.required and c.name not in positions:
            draft.constants.append(
                _Line(c.name, "?", 0.0, "required, and no header matches: a header or a constant")
            )
    # values
    for column, j in positions.items():
        if j < 0:
            continue
        lines = _value_lines(table, column, frame[j], text_only)
        if lines:
            draft.values[column] = lines
    return draft


def suggest_mapping(folder: str | Path) -> str:
    """The draft mapping of ``folder`` as TOML text (see the module's description).

    Raises
    ------
    InputError
        When ``folder`` is not a folder or holds no data file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: --suggest-mapping needs a data folder")
    drafts = [d for s in _sources(folder) if (d := _draft_table(s, folder)) is not None]
    if not drafts:
        raise InputError(f"{folder}: no data file (.csv, .xlsx, .parquet) to suggest a mapping for")
    best: dict[str, _TableDraft] = {}
    for d in drafts:
        if d.table not in best or d.confidence > best[d.table].confidence:
            best[d.table] = d
    out = [
        f"# {SUGGESTED_FILE}: a DRAFT mapping written by `evalkit validate --suggest-mapping`.",
        f"# Nothing here is used until you review it and save it as {MAPPING_FILE} in the",
        "# data folder. Every line gives its confidence (1.00 = a built-in header or",
        f"# spelling). Lines below {CONFIDENT:.2f} are commented out (#): check each one, then",
        "# uncomment it, correct it or delete it. The format is described in the README",
        '# (section "Your own data") and in evalkit/mapping.py.',
    ]
    for d in drafts:
        if best[d.table] is not d:
            out += [
                "",
                f"# {d.file}{':' + d.sheet if d.sheet else ''}: also looks like "
                f"{d.table} (confidence {d.confidence:.2f}); not used",
            ]
    for name in TABLES:
        d = best.get(name)
        if d is None:
            continue
        active = d.confidence >= CONFIDENT
        p = "" if active else "# "
        out += ["", f"{p}[tables.{name}]"]
        out.append(f"{p}file = {_toml(d.file)}  # confidence {d.confidence:.2f}")
        if d.sheet is not None:
            out.append(f"{p}sheet = {_toml(d.sheet)}")
        out += [line.render() if active else "# " + line.render().lstrip("# ") for line in d.keys]
        if d.columns:
            out += ["", f"{p}[tables.{name}.columns]"]
            out += [
                line.render() if active else "# " + line.render().lstrip("# ") for line in d.columns
            ]
            out += d.comments
        for column, lines in d.values.items():
            out += ["", f"{p}[tables.{name}.values.{column}]"]
            out += [
                line.render() if active else "# " + line.render().lstrip("# ") for line in lines
            ]
        if d.constants:
            out += ["", f"# [tables.{name}.constants]"]
            out += ["# " + line.render().lstrip("# ") for line in d.constants]
    return "\n".join(out) + "\n"


def write_suggestion(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write :func:`suggest_mapping`'s draft to ``out`` (default
    ``folder/evalkit.suggested.toml``) and return its path. It never writes
    ``evalkit.toml``."""
    folder = Path(folder)
    target = Path(out) if out is not None else folder / SUGGESTED_FILE
    if target.name == MAPPING_FILE:
        raise InputError(
            f"{target}: the draft is never written as {MAPPING_FILE}; review it and save it "
            "yourself"
        )
    text = suggest_mapping(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
