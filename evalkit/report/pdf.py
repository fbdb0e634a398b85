"""The PDF route shared by the period study and the unit scorecards: HTML → A4 PDF.

WeasyPrint lays out HTML and CSS (``@page`` rules for size, margins, running headers and
page numbers) into PDF with the pango text stack that Debian and most Linux distributions ship; it installs from PyPI, needs no browser and fetches nothing: every
resource the page uses is embedded (figures as ``data:`` URIs) or resolved from
``base_url`` on disk, and any ``http(s)`` URL is skipped (:func:`render`), so a report
renders the same on a machine without network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["html_to_pdf", "render"]


def render(html: str, *, base_url: str | Path | None = None) -> Any:
    """Lay ``html`` out into pages (a ``weasyprint.Document``), offline: only ``data:`` and
    ``file:`` resources are read; any other URL is skipped, never fetched."""
    import logging
    import warnings

    with warnings.catch_warnings():  # "HarfBuzz-Subset will be required by future versions"
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint logs every CSS property it does not support and every resource it
    # skips: noise for the reader of a terminal.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    base = None if base_url is None else Path(base_url).resolve().as_uri() + "/"
    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    return HTML(string=html, base_url=base, url_fetcher=fetcher).render()


def html_to_pdf(html: str, path: str | Path, *, base_url: str | Path | None = None) -> Path:
    """Write ``html`` as a PDF file.

    Parameters
    ----------
    html : str
        A complete HTML document; page size, margins and running headers come from its
        ``@page`` CSS (A4 unless the document says otherwise).
    path : str or Path
        The PDF to write (its folder must exist).
    base_url : str or Path, optional
        Folder against which relative links and images are resolved.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.pdf"
    >>> html_to_pdf("<h1>Rapor</h1>", out).read_bytes()[:5]
    b'%PDF-'
    """
    path = Path(path)
    render(html, base_url=base_url).write_pdf(path)
    return path
