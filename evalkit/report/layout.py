"""The page around a report: one stylesheet for screen, phone and print, and the HTML shell.

The period study (:meth:`evalkit.report.PeriodReport.document`) and the unit scorecards
use the same page: :func:`page_html` wraps a body in a complete, self-contained HTML
document (no script, no font or stylesheet fetched from anywhere) with :data:`CSS`:

- screen: a readable column (at most 60 em), tables that scroll sideways inside their
  own box with the first column (the unit) fixed, figures never wider than the screen
  (nor than 46 em); from 900 px wide, the contents, the methods and the glossary in two
  columns (reference text, short lines);
- phone (under 600 px): the same page without side margins; the page itself never
  scrolls sideways; a figure is shown at least at 80 % of its drawn size (its text stays
  legible) and scrolls sideways in its own box when wider than the screen;
- print and PDF (:mod:`evalkit.report.pdf`, WeasyPrint): A4 pages, a cover (elements
  of class ``ek-cover``, hidden on screen), the contents with page numbers
  (``target-counter``), a running header with the title and page numbers, the appendix
  on a new page and opened (``<details>`` has no "closed" on paper); figures at most
  72 % of the text width and 66 mm tall, methods and glossary in two columns.

:func:`table_html` and :func:`figure_html` write tables and figures the way the
stylesheet expects them.
"""

from __future__ import annotations

import base64
import html
import struct

import pandas as pd

__all__ = ["CSS", "figure_html", "page_html", "png_size", "table_html"]

CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --line: #d9d9d9; --accent: #0072B2;
        --alert: #D55E00; --soft: #f3f6f9; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "DejaVu Sans", "Noto Sans", "Liberation Sans", Arial, sans-serif;
       color: var(--ink); line-height: 1.4; font-size: 16px; margin: 0 auto;
       padding: 1rem 1.25rem 3rem; max-width: 60em; overflow-wrap: break-word; }
h1 { font-size: 1.6em; margin: .2rem 0 .3rem; line-height: 1.2; }
h2 { font-size: 1.3em; margin: 1.5rem 0 .6rem; padding-top: .4rem;
     border-top: 2px solid var(--accent); }
h3 { font-size: 1.05em; margin: 1.2rem 0 .4rem; }
p { margin: .35rem 0; }
a { color: var(--accent); }
.ek-cover { display: none; }
.ek-head .ek-kicker, .ek-head .ek-meta { color: var(--muted); margin: 0; font-size: .9em; }
.ek-synthetic { background: #fff3cd; border: 2px solid #b8860b; color: #5c4300;
                padding: .35rem .7rem; font-weight: bold; margin: .5rem 0; }
ol.evalkit-findings { list-style: none; padding: 0; margin: .5rem 0 1rem; }
li.ek-finding { display: flex; gap: .9rem; align-items: center; padding: .55rem .7rem;
                margin: 0 0 .4rem; background: var(--soft); border-left: 4px solid var(--accent);
                break-inside: avoid; }
li.ek-finding.ek-attention { border-left-color: var(--alert); }
.ek-ftext { flex: 1 1 auto; min-width: 0; }
.ek-ftext p { margin: 0; }
.ek-ftext .ek-uncertain { color: var(--muted); font-size: .88em; margin-top: .15rem; }
.ek-fspark { flex: 0 0 auto; }
svg.ek-spark { display: block; }
nav.ek-toc ol { margin: .3rem 0; padding-left: 1.4rem; }
nav.ek-toc li { margin: .1rem 0; }
figure { margin: .8rem 0; max-width: 100%; }
figure img { max-width: min(100%, 46rem); height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85em; }
.ek-scroll { overflow-x: auto; max-width: 100%; margin: .3rem 0 .8rem;
             -webkit-overflow-scrolling: touch; }
table.ek-table { border-collapse: collapse; font-size: .85em; }
table.ek-table th, table.ek-table td { padding: .25rem .55rem; border-bottom: 1px solid var(--line);
             text-align: right; white-space: nowrap; vertical-align: top; }
table.ek-table th { background: #eef2f6; text-align: center; white-space: normal; }
table.ek-table th:first-child, table.ek-table td:first-child { position: sticky; left: 0;
             background: #fff; text-align: left; white-space: normal; min-width: 8rem;
             max-width: 16rem; box-shadow: 1px 0 0 var(--line); }
table.ek-table th:first-child { background: #eef2f6; }
table.ek-table td.ek-text { text-align: left; white-space: normal; min-width: 10rem; }
.ek-more { color: var(--muted); font-size: .88em; }
dl.ek-glossary dt { font-weight: bold; margin-top: .5rem; }
dl.ek-glossary dd { margin: 0 0 .3rem 1rem; }
details.ek-appendix { margin-top: 2rem; border-top: 2px solid var(--accent); }
details.ek-appendix > summary { font-size: 1.3em; font-weight: bold; cursor: pointer;
                                padding: .6rem 0; }
@media screen and (min-width: 900px) {
  nav.ek-toc ol { columns: 2; column-gap: 2.5rem; }
  #s-methods { columns: 2; column-gap: 2.5rem; font-size: .92em; }
  #s-methods h2 { column-span: all; font-size: 1.41em; }
  #s-methods p { margin-top: 0; }
  dl.ek-glossary { columns: 2; column-gap: 2.5rem; font-size: .92em; }
  dl.ek-glossary dt { break-after: avoid; }
  dl.ek-glossary dd { break-inside: avoid; }
}
@media (max-width: 600px) {
  body { padding: .6rem .6rem 2rem; font-size: 15px; }
  h1 { font-size: 1.3em; }
  li.ek-finding { flex-direction: column; align-items: flex-start; gap: .3rem; }
  table.ek-table { font-size: .8em; }
  table.ek-table th:first-child, table.ek-table td:first-child { min-width: 6.5rem;
                                                                  max-width: 9rem; }
  /* a figure keeps its text legible (at least 80% of its drawn size) and scrolls
     sideways inside its own box, never the page */
  figure { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  figure img { max-width: none; width: calc(var(--ek-w, 23rem) * .8); }
}
@page { size: A4; margin: 20mm 16mm 18mm;
        @top-left { content: string(ek-title); font-size: 8pt; color: #5a5a5a;
                    font-family: "DejaVu Sans", sans-serif; }
        @top-right { content: string(ek-period); font-size: 8pt; color: #5a5a5a;
                     font-family: "DejaVu Sans", sans-serif; }
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt;
                        font-family: "DejaVu Sans", sans-serif; } }
@page :first { @top-left { content: none } @top-right { content: none }
               @bottom-right { content: none } }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; line-height: 1.3; }
  p { margin: 1.2mm 0; }
  li.ek-finding { padding: 1.5mm 2.5mm; margin-bottom: 1.5mm; }
  dl.ek-glossary { columns: 2; column-gap: 8mm; font-size: 8pt; }
  #s-methods { columns: 2; column-gap: 7mm; font-size: 8.5pt; }
  #s-methods h2 { column-span: all; font-size: 12.5pt; }
  dl.ek-glossary dt { break-after: avoid; }
  dl.ek-glossary dd { break-inside: avoid; }
  h2 { break-after: avoid; margin-top: .6rem; }
  h3 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  .ek-head { display: none; }
  .ek-cover { display: block; break-after: page; padding-top: 55mm; }
  .ek-cover h1 { font-size: 24pt; string-set: ek-title content(); }
  .ek-cover .ek-period { font-size: 16pt; string-set: ek-period content(); }
  .ek-cover .ek-synthetic { font-size: 14pt; margin-top: 12mm; padding: 4mm 6mm; }
  .ek-cover dl { margin-top: 20mm; font-size: 11pt; }
  .ek-cover dt { font-weight: bold; } .ek-cover dd { margin: 0 0 3mm 0; }
  nav.ek-toc a { text-decoration: none; color: var(--ink); }
  nav.ek-toc a::after { content: leader(".") target-counter(attr(href), page); }
  .ek-scroll { overflow: visible; }
  table.ek-table { font-size: 7.5pt; }
  table.ek-table th, table.ek-table td { white-space: normal; padding: .6mm 1.2mm; }
  table.ek-table th:first-child, table.ek-table td:first-child { position: static; }
  details.ek-appendix { break-before: page; }
  details.ek-appendix > summary { list-style: none; }
  figure { text-align: center; margin: 2mm 0; }
  figure img { max-height: 66mm; width: auto; max-width: 72%; margin: 0 auto; }
}
"""


def page_html(title: str, body: str, language: str, *, css: str = CSS) -> str:
    """A complete, self-contained HTML document around ``body``.

    Parameters
    ----------
    title : str
        The page title (browser tab; the PDF's metadata).
    body : str
        The content (HTML).
    language : str
        The ``lang`` of the page (``"id"`` or ``"en"``).
    css : str, default :data:`CSS`
        The stylesheet.

    Returns
    -------
    str
        The document.

    Examples
    --------
    >>> page = page_html("Rapor", "<p>isi</p>", "id")
    >>> page.startswith("<!DOCTYPE html>") and '<html lang="id">' in page
    True
    """
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def table_html(frame: pd.DataFrame, *, text_columns: tuple[str, ...] = ()) -> str:
    """A table (already labelled, values as text) in its own sideways-scrolling box.

    The first column stays in view when the table scrolls (CSS ``position: sticky``);
    columns named in ``text_columns`` are left-aligned and wrap (sentences, lists).

    Examples
    --------
    >>> out = table_html(pd.DataFrame({"Unit": ["Dinas A"], "n": ["5"]}))
    >>> out.startswith('<div class="ek-scroll">') and "<td>Dinas A</td>" in out
    True
    """
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values, strict=True):
            cls = ' class="ek-text"' if column in text_columns else ""
            cells.append(f"<td{cls}>{html.escape(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<div class="ek-scroll"><table class="ek-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG file (from its header).

    >>> import zlib
    >>> png_size(b"\\x89PNG\\r\\n\\x1a\\n" + struct.pack(">I", 13) + b"IHDR"
    ...          + struct.pack(">II", 640, 480) + b"\\x08\\x06\\x00\\x00\\x00")
    (640, 480)
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", png[16:24])


def figure_html(png: bytes, alt: str, *, scale: int = 2, caption: str = "") -> str:
    """A PNG figure drawn at ``scale`` × its display size (sharp on phones and paper).

    The ``width`` and ``height`` attributes give the display size (the pixel size over
    ``scale``), so that the page does not jump while it loads; CSS keeps the figure
    within the screen. The display width is also the custom property ``--ek-w``, from
    which the phone stylesheet keeps the figure at 80 % of its drawn size.

    Examples
    --------
    >>> import zlib
    >>> png = (b"\\x89PNG\\r\\n\\x1a\\n" + struct.pack(">I", 13) + b"IHDR"
    ...        + struct.pack(">II", 1400, 800) + b"\\x08\\x06\\x00\\x00\\x00")
    >>> 'width="700" height="400"' in figure_html(png, "IKM")
    True
    """
    width, height = png_size(png)
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        f'width="{width // scale}" height="{height // scale}" '
        f'style="--ek-w: {width // scale}px">{cap}</figure>'
    )
