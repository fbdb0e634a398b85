"""Bytes → text → CSV records, checked line by line (private to :mod:`evalkit.io`).

Two steps that must never lose or garble a row silently:

Decoding (:func:`decode`)
    UTF-8 (with or without BOM) and UTF-16 (with a BOM, or without one when every
    other byte of the text is zero) are read as such. A file that is not valid UTF-8
    is read as Windows-1252 (cp1252, what Excel writes; Latin-1 for the five bytes
    cp1252 leaves undefined) when *no* line of it is UTF-8 text; when some lines are
    UTF-8 and a few are not (a UTF-8 file with rows pasted from a cp1252 file), each
    line is decoded on its own and the lines read as cp1252 are reported, so an
    accented name is never shown as ``Ã©`` or ``�``.

Splitting (:func:`split_records`)
    The record boundaries and the number of cells of every record are found on the
    bytes with numpy (a separator or line break inside double quotes does not count),
    and every record is checked against the header before any cell is read:

    * more cells than the header, and the extra cells not empty: an unquoted
      separator in a value shifted the cells; the row is rejected;
    * fewer cells (a non-empty row): a separator was lost or the line was cut; the
      row is rejected (reading it would shift its cells);
    * a quote that opens a value and is not closed on its line, where the lines it
      swallows look like rows of their own (or the quote is never closed at all):
      the line where it opens is rejected with "a quote opened on line N is never
      closed", and reading resumes on the next line, so the swallowed rows are read
      as the rows they are.

    Only the records that passed go to pandas' C parser, so a malformed row costs a
    copy of the text, not a slower parser.

Control characters (NUL and the other C0 codes except tab and line breaks) are
removed from the text and reported with their lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._values import recode

_QUOTE = 34
_LF = 10
_CR = 13
#: C0 control characters other than tab, LF and CR, and DEL: never part of a value.
_CONTROL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Decoded:
    """A CSV file's text as UTF-8 bytes, and what decoding it had to do."""

    data: bytes
    encoding: str
    #: physical lines (1 = first line of the file) read as cp1252 in a UTF-8 file
    cp1252_lines: list[int] = field(default_factory=list)
    #: physical lines from which control characters were removed
    control_lines: list[int] = field(default_factory=list)


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when the bytes look like UTF-16 text without a
    byte-order mark (most ASCII characters leave a zero byte beside them)."""
    n = len(data) - len(data) % 2
    if n < 4:
        return None
    sample = np.frombuffer(data[: min(n, 1 << 16)], dtype=np.uint8)
    even_zero = float(np.mean(sample[0::2] == 0))
    odd_zero = float(np.mean(sample[1::2] == 0))
    if odd_zero > 0.6 and even_zero < 0.1:
        return "utf-16-le"
    if even_zero > 0.6 and odd_zero < 0.1:
        return "utf-16-be"
    return None


def _decode_cp1252(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode(data: bytes) -> Decoded:
    """Decode a CSV file's bytes (see the module docstring) and return UTF-8 bytes.

    Raises
    ------
    UnicodeDecodeError
        When a file with a UTF-16 byte-order mark is not valid UTF-16 is *not*
        raised: such a file is read as cp1252, as before. Nothing else raises.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return _sanitised(_decode_cp1252(data).encode("utf-8"), "cp1252", [])
        return _sanitised(text.encode("utf-8"), "utf-16", [])
    else:
        encoding = "utf-8"
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            try:
                return _sanitised(data.decode(utf16).encode("utf-8"), utf16, [])
            except UnicodeDecodeError:
                pass
    if _is_utf8(data):
        return _sanitised(data, encoding, [])
    text = data.decode("utf-8", errors="surrogateescape")
    # lines with bytes that are not UTF-8 hold lone surrogates now
    bad_pos = [m.start() for m in re.finditer(r"[\udc80-\udcff]", text)]
    has_utf8 = re.search(r"[\u0080-\udc7f\ue000-\U0010ffff]", text) is not None
    if not has_utf8:
        return _sanitised(_decode_cp1252(data).encode("utf-8"), "cp1252", [])
    lines = text.split("\n")
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])
    bad_lines = sorted(set(np.searchsorted(starts, bad_pos, side="right").tolist()))
    for number in bad_lines:
        raw = lines[number - 1].encode("utf-8", errors="surrogateescape")
        lines[number - 1] = _decode_cp1252(raw)
    return _sanitised("\n".join(lines).encode("utf-8"), "utf-8", bad_lines)


def _is_utf8(data: bytes, chunk: int = 1 << 24) -> bool:
    """Whether ``data`` is valid UTF-8, checked 16 MB at a time (decoding a large file
    whole would hold a second copy of it as text only to throw it away)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_CONTROL_SEARCH = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")


def _sanitised(data: bytes, encoding: str, cp1252_lines: list[int]) -> Decoded:
    """Remove control characters (with their lines noted)."""
    if _CONTROL_SEARCH.search(data) is None:  # the usual case, without a copy
        return Decoded(data, encoding, cp1252_lines)
    cleaned = data.translate(None, _CONTROL_BYTES)
    b = np.frombuffer(data, dtype=np.uint8)
    control = np.flatnonzero(np.isin(b, np.frombuffer(_CONTROL_BYTES, dtype=np.uint8)))
    newlines = np.flatnonzero(b == _LF)
    lines = np.unique(np.searchsorted(newlines, control) + 1).tolist()
    return Decoded(cleaned, encoding, cp1252_lines, lines)


def has_control_characters(text: str) -> bool:
    """True when ``text`` holds a control character other than tab and line breaks."""
    return _CONTROL_RE.search(text) is not None


def remove_control_characters(s: pd.Series) -> pd.Series:
    """Text cells with control characters (NUL …) removed."""
    return s.str.replace(_CONTROL_RE, "", regex=True)


# --------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------


@dataclass
class Records:
    """The records of a CSV text: the header cells, the data rows (one positional
    column per header cell, all ``str``), each row's spreadsheet line, and the
    rejected rows as quarantine records (``line, column, value, reason``)."""

    header: list[str]
    body: pd.DataFrame
    lines: np.ndarray
    rejected: list[dict]


def _toggles(b: np.ndarray, q: np.ndarray, sep: int) -> np.ndarray:
    """The quotes that open or close a quoted value (the others are literal).

    A quote opens a value only at the start of a cell; inside a quoted value ``""`` is
    a quote character and a single quote closes it (as Python's :mod:`csv` and pandas
    read it). When every quote of the file sits where that rule expects it (the usual
    case) the answer is all quotes, found without a loop; otherwise the quotes are
    walked one by one.
    """
    n = len(b)
    if not len(q):
        return q
    prev = np.where(q > 0, b[np.maximum(q - 1, 0)], _LF)
    nxt = np.where(q < n - 1, b[np.minimum(q + 1, n - 1)], _LF)
    at_start = np.isin(prev, (sep, _LF, _CR))
    at_end = np.isin(nxt, (sep, _LF, _CR)) | (q == n - 1)
    after_quote = np.r_[False, q[1:] == q[:-1] + 1]
    before_quote = np.r_[q[1:] == q[:-1] + 1, False]
    opening = np.arange(len(q)) % 2 == 0
    ok = np.where(opening, at_start | after_quote, at_end | before_quote)
    if ok.all():
        return q
    out = []
    inside = False
    i, m = 0, len(q)
    data = b
    while i < m:
        p = q[i]
        if not inside:
            if p == 0 or data[p - 1] in (sep, _LF, _CR):
                inside = True
                out.append(p)
            i += 1
        elif i + 1 < m and q[i + 1] == p + 1:
            i += 2  # "" inside a quoted value
        else:
            inside = False
            out.append(p)
            i += 1
    return np.asarray(out, dtype=np.int64)


def _scan(b: np.ndarray, sep: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Record starts, ends (before the line break), cell counts, and whether the last
    record ends inside a quoted value."""
    n = len(b)
    newlines = np.flatnonzero(b == _LF)
    seps = np.flatnonzero(b == sep)
    q = np.flatnonzero(b == _QUOTE)
    open_at_end = False
    if len(q):
        t = _toggles(b, q, sep)
        open_at_end = len(t) % 2 == 1
        newlines = newlines[np.searchsorted(t, newlines) % 2 == 0]
        seps = seps[np.searchsorted(t, seps) % 2 == 0]
    starts = np.r_[0, newlines + 1].astype(np.int64)
    ends = np.r_[newlines, n].astype(np.int64)
    if len(starts) > 1 and starts[-1] >= n:  # the file ends with a line break
        starts, ends = starts[:-1], ends[:-1]
    counts = np.searchsorted(seps, ends) - np.searchsorted(seps, starts) + 1
    return starts, ends, counts, open_at_end


def _cells(raw: bytes, sep: str) -> list[str]:
    text = raw.decode("utf-8", errors="replace").rstrip("\r")
    return next(csv.reader([text], delimiter=sep), [])


def _line_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\r\n")


#: Files larger than :data:`LARGE_BYTES` and without a double quote are split in blocks
#: of about this size (cut at line breaks), each read on its own with the header, and
#: their cells kept as categories: memory then grows with the distinct values of a
#: column, not with its cells (a 42-million-row behaviour file of eight quarters).
BLOCK_BYTES = 1 << 23

#: The size from which a file is read in blocks; smaller ones (the shipped regency's
#: among them) are read whole, their text as ``str`` columns.
LARGE_BYTES = 1 << 25


def split_records(data: bytes, sep: str) -> Records:
    """Split UTF-8 CSV bytes (header first) into checked records; see the module
    docstring for what is rejected and why.

    A file larger than :data:`LARGE_BYTES` without any double quote (where every line
    break ends a record, so a block cut at a line break is read exactly as the whole
    file would be) is read block by block; its cells come back stripped, as
    categorical columns (:func:`_split_in_blocks`).
    """
    if len(data) > LARGE_BYTES and b'"' not in data:
        return _split_in_blocks(data, sep)
    return _split_whole(data, sep)


def _split_in_blocks(data: bytes, sep: str) -> Records:
    """:func:`_split_whole` on each block of lines (with the header in front), lines and
    rejected rows renumbered to the file's lines, cells stripped and categorical."""
    cut = data.find(b"\n")

    def blocks():
        pos = cut + 1
        while pos < len(data):
            if pos + BLOCK_BYTES >= len(data):
                end = len(data)
            else:  # the last line break in the block, or the first after it (a long line)
                end = data.rfind(b"\n", pos, pos + BLOCK_BYTES)
                end = data.find(b"\n", pos + BLOCK_BYTES) if end < 0 else end
                end = len(data) if end < 0 else end + 1
            yield data[pos:end]
            pos = end

    records = _split_blocks(data[: cut + 1], blocks(), sep, data.count(b"\n") + 1)
    return _split_whole(data, sep) if records is None else records


def _split_blocks(head: bytes, blocks, sep: str, capacity: int) -> Records | None:
    """The records of a quote-free CSV given as its header line and its blocks of whole
    lines; ``None`` when there is no block.

    Each block's categories are merged into the column's categories as the block is
    read, and its codes written into arrays of the whole file (grown when ``capacity``
    rows are not enough), so that the blocks' own category lists and codes are never
    all held at once (each block of an eight-quarter behaviour file names every
    employee)."""
    header: list[str] = []
    lines = np.empty(capacity, dtype=np.int64)
    codes: list[np.ndarray] = []
    categories: list[pd.Index] = []
    rejected: list[dict] = []
    filled = 0
    first_line = 2  # the block's first line as a spreadsheet numbers it
    for block in blocks:
        rec = _split_whole(head + block, sep, categorical=True)
        header = rec.header
        shift = first_line - 2
        rows = len(rec.body)
        if not codes:
            codes = [np.empty(capacity, dtype=np.int32) for _ in rec.body.columns]
            categories = [pd.Index([], dtype="str") for _ in rec.body.columns]
        if filled + rows > len(lines):  # more rows than the estimate
            grown = max(filled + rows, len(lines) * 3 // 2)
            lines = np.resize(lines, grown)
            codes = [np.resize(c, grown) for c in codes]
        for i, c in enumerate(rec.body.columns):
            cells = categorical_text(rec.body[c])
            where = categories[i].get_indexer(cells.cat.categories)
            new = where < 0
            if new.any():
                where[new] = len(categories[i]) + np.arange(int(new.sum()))
                categories[i] = categories[i].append(cells.cat.categories[new])
            block_codes = cells.cat.codes.to_numpy()
            codes[i][filled : filled + rows] = np.where(block_codes < 0, -1, where[block_codes])
        lines[filled : filled + rows] = rec.lines + shift
        filled += rows
        rejected.extend({**r, "line": r["line"] + shift} for r in rec.rejected)
        first_line += block.count(b"\n")
    if not header:
        return None
    columns = {}
    for i in range(len(codes)):  # narrowed one column at a time, each int32 array freed
        columns[i] = pd.Categorical.from_codes(codes[i][:filled], categories=categories[i])
        codes[i] = None
    return Records(header, pd.DataFrame(columns, copy=False), lines[:filled], rejected)


class NotPlain(Exception):
    """A file :func:`stream_records` cannot read block by block from disk."""


def stream_records(path, sep: str, skip_bom: bool) -> Records | None:
    """The records of a large CSV file read from disk block by block, without holding
    the file: the way :func:`split_records` reads such a file from its bytes.

    Only a plain file takes this way: UTF-8 without a byte-order mark other than
    UTF-8's, no double quote, no control character and no carriage return without a
    line feed. Each block is checked before it is read; at the first block that is not
    plain (or when the file has no data line) the answer is ``None`` and the caller
    reads the whole file the careful way, as it would have without this path.
    """
    import os

    size = os.path.getsize(path)
    with open(path, "rb") as f:
        if skip_bom:
            f.read(len(codecs.BOM_UTF8))
        head = f.readline()
        if not head.endswith(b"\n") or not _plain(head):
            return None
        first = f.read(BLOCK_BYTES)
        # rows: the file's size at the first block's bytes per line, with a margin (the
        # arrays grow if that is short; pages never written take no memory)
        per_line = len(first) / max(first.count(b"\n"), 1)
        capacity = int(size / max(per_line, 1.0) * 1.05) + 64

        def blocks():
            carry = b""
            chunk = first
            while chunk:
                buf = carry + chunk
                cut = buf.rfind(b"\n") + 1
                if cut == 0:  # a line longer than a block
                    carry, chunk = buf, f.read(BLOCK_BYTES)
                    continue
                block, carry = buf[:cut], buf[cut:]
                if not _plain(block):
                    raise NotPlain
                yield block
                chunk = f.read(BLOCK_BYTES)
            if carry:
                if not _plain(carry):
                    raise NotPlain
                yield carry

        try:
            return _split_blocks(head, blocks(), sep, capacity)
        except NotPlain:
            return None


def _plain(block: bytes) -> bool:
    """Whether a block of whole lines can be read block by block as it is (see
    :func:`stream_records`)."""
    if b'"' in block or _CONTROL_SEARCH.search(block) is not None:
        return False
    if block.count(b"\r") != block.count(b"\r\n"):
        return False
    try:
        block.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def categorical_text(s: pd.Series) -> pd.Series:
    """Text cells stripped of surrounding white space, as a categorical column (the
    distinct cells stripped once; cells that differ only in their spaces share a
    category)."""
    if not isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("category")
    categories = s.cat.categories
    stripped = pd.Index(categories.astype("str").str.strip(), dtype="str")
    if categories.dtype == stripped.dtype and stripped.equals(categories):
        return s
    return recode(s, stripped)


def _split_whole(data: bytes, sep: str, categorical: bool = False) -> Records:
    """Split CSV bytes in one go (the reading of :func:`split_records`); ``categorical``:
    the cells as categories (pandas' parser builds them without a string per cell)."""
    sep_byte = ord(sep)
    rejected: list[dict] = []
    keep_starts: list[np.ndarray] = []
    keep_ends: list[np.ndarray] = []
    keep_numbers: list[np.ndarray] = []
    keep_counts: list[np.ndarray] = []
    width = None
    header: list[str] = []
    offset = 0  # where the current scan starts
    number0 = 1  # spreadsheet line of the first record of the current scan
    whole = np.frombuffer(data, dtype=np.uint8)
    while offset < len(data):
        starts, ends, counts, open_at_end = _scan(whole[offset:], sep_byte)
        starts, ends = starts + offset, ends + offset
        numbers = np.arange(number0, number0 + len(starts), dtype=np.int64)
        if width is None:
            header = _cells(data[starts[0] : ends[0]], sep)
            width = len(header)
        # a record that spans lines because of a quote, where a swallowed line looks
        # like a row of its own, or the quote is never closed
        spans = _spanning(whole, starts, ends)
        suspect = None
        for i in spans:
            if i == 0 and number0 == 1:
                continue  # the header: a broken header is reported by its columns
            swallowed = _swallows_rows(whole[starts[i] : ends[i]], sep_byte, width)
            never_closed = open_at_end and i == len(starts) - 1
            if swallowed or never_closed:
                suspect = i
                break
        if suspect is None and open_at_end and (len(starts) > 1 or number0 > 1):
            suspect = len(starts) - 1
        stop = len(starts) if suspect is None else suspect
        keep_starts.append(starts[:stop])
        keep_ends.append(ends[:stop])
        keep_numbers.append(numbers[:stop])
        keep_counts.append(counts[:stop])
        if suspect is None:
            break
        first_line_end = data.find(b"\n", starts[suspect])
        first_line_end = len(data) if first_line_end < 0 else first_line_end
        chunk = data[starts[suspect] : ends[suspect]]
        n_lines = chunk.count(b"\n") + 1
        line = int(numbers[suspect])
        if n_lines > 1 and not (open_at_end and suspect == len(starts) - 1):
            reason = (
                f"a quote opened on line {line} is never closed on that line: it runs on to "
                f"line {line + n_lines - 1} and swallows the rows between; remove the stray "
                'quote (") or close it'
            )
        else:
            reason = (
                f'a quote opened on line {line} is never closed; remove the stray quote (") '
                "or close it"
            )
        rejected.append(
            {
                "line": line,
                "column": "",
                "value": _line_text(data[starts[suspect] : first_line_end]),
                "reason": reason,
            }
        )
        offset = first_line_end + 1
        number0 = line + 1
    starts = np.concatenate(keep_starts) if keep_starts else np.zeros(0, np.int64)
    ends = np.concatenate(keep_ends) if keep_ends else np.zeros(0, np.int64)
    numbers = np.concatenate(keep_numbers) if keep_numbers else np.zeros(0, np.int64)
    if width is None or not len(starts):
        body = pd.DataFrame(columns=range(width or 0), dtype=object)
        return Records(header, body, np.zeros(0, np.int64), rejected)
    counts = np.concatenate(keep_counts)
    drop = np.zeros(len(starts), dtype=bool)
    drop[0] = True  # the header
    extra_width = width
    for i in np.flatnonzero(counts != width):
        if i == 0:
            continue
        raw = data[starts[i] : ends[i]]
        if counts[i] < width:
            if not any(c.strip() for c in _cells(raw, sep)):
                continue  # an empty row (skipped later, counted in the notes)
            reason = (
                f"row has {counts[i]} cells but the header has {width} columns: a separator "
                "is missing or the line was cut short, so its cells would shift; check that "
                "every cell is there"
            )
        else:
            cells = _cells(raw, sep)
            if not any(c.strip() for c in cells[width:]):
                extra_width = max(extra_width, int(counts[i]))
                continue  # trailing empty cells are harmless
            reason = (
                f"row has {counts[i]} cells but the header has {width} columns: a value "
                f"contains the separator {sep!r}; put that value in double quotes or remove "
                "the separator"
            )
        drop[i] = True
        rejected.append(
            {"line": int(numbers[i]), "column": "", "value": _line_text(raw), "reason": reason}
        )
    keep = ~drop
    good_numbers = numbers[keep]
    body = _parse_kept(data, starts, ends, keep, sep, extra_width, categorical)
    if len(body) != int(keep.sum()):  # pandas split differently: read exactly
        body = _parse_exact(data, starts[keep], ends[keep], sep, extra_width)
    body = body.iloc[:, :width]
    body.columns = range(width)
    rejected.sort(key=lambda r: r["line"])
    return Records(header, body.reset_index(drop=True), good_numbers, rejected)


def _swallows_rows(chunk: np.ndarray, sep: int, width: int) -> bool:
    """True when a line that a quoted value runs over holds, inside the quotes, as many
    separators as a row of the file: the quote swallowed rows instead of a line break."""
    q = np.flatnonzero(chunk == _QUOTE)
    t = _toggles(chunk, q, sep)
    seps = np.flatnonzero(chunk == sep)
    quoted = seps[np.searchsorted(t, seps) % 2 == 1]
    if len(quoted) < max(width - 1, 1):
        return False
    newlines = np.flatnonzero(chunk == _LF)
    per_line = np.bincount(np.searchsorted(newlines, quoted), minlength=len(newlines) + 1)
    return bool((per_line[1:] >= max(width - 1, 1)).any())


def _spanning(whole: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Records that hold a line break (inside quotes)."""
    newlines = np.flatnonzero(whole == _LF)
    return np.flatnonzero(np.searchsorted(newlines, ends) - np.searchsorted(newlines, starts) > 0)


def _parse_kept(
    data: bytes,
    starts: np.ndarray,
    ends: np.ndarray,
    keep: np.ndarray,
    sep: str,
    width: int,
    categorical: bool = False,
) -> pd.DataFrame:
    """The kept records (header excluded) read by pandas' C parser."""
    idx = np.flatnonzero(keep)
    if not len(idx):
        return pd.DataFrame(columns=range(width), dtype=object)
    # contiguous runs of kept records become one slice each
    breaks = np.flatnonzero(np.diff(idx) != 1)
    run_first = np.r_[idx[0], idx[breaks + 1]]
    run_last = np.r_[idx[breaks], idx[-1]]
    parts = []
    for a, z in zip(run_first, run_last, strict=True):
        end = ends[z]
        parts.append(data[starts[a] : end])
    text = b"\n".join(parts) + b"\n"
    try:
        return pd.read_csv(
            io.BytesIO(text),
            sep=sep,
            header=None,
            names=range(width),
            dtype="category" if categorical else str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            encoding="utf-8",
            encoding_errors="replace",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return _parse_exact(data, starts[keep], ends[keep], sep, width)


def _parse_exact(
    data: bytes, starts: np.ndarray, ends: np.ndarray, sep: str, width: int
) -> pd.DataFrame:
    """The records read one by one with :mod:`csv` (when pandas disagrees)."""
    rows = []
    for a, z in zip(starts.tolist(), ends.tolist(), strict=True):
        cells = _cells(data[a:z], sep)
        rows.append((cells + [""] * width)[:width])
    return pd.DataFrame(rows, columns=range(width), dtype=object).fillna("")
