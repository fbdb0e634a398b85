"""The PDF route (evalkit.report.pdf): A4 by default, offline, text kept as text."""

from __future__ import annotations

import pytest

from evalkit.report.pdf import html_to_pdf, render

# ISO 216: A4 is 210 x 297 mm; WeasyPrint measures in CSS px (96 per inch)
A4_PX = (210 / 25.4 * 96, 297 / 25.4 * 96)


def _sizes(doc) -> list[tuple[float, float]]:
    return [(p.width, p.height) for p in doc.pages]


def test_pages_are_a4_unless_the_css_says_otherwise():
    assert _sizes(render("<h1>Rapor unit</h1>")) == [pytest.approx(A4_PX)]
    landscape = render("<style>@page { size: A5 landscape }</style><p>x</p>")
    a5_landscape = (210 / 25.4 * 96, 148 / 25.4 * 96)  # A5 is 148 x 210 mm
    assert _sizes(landscape) == [pytest.approx(a5_landscape)]


def test_a_page_break_gives_a_second_page():
    assert len(render('<p>satu</p><p style="break-before: page">dua</p>').pages) == 2


def test_remote_resources_are_skipped_not_fetched(monkeypatch):
    from urllib import request

    def no_network(*args, **kwargs):
        raise AssertionError("the PDF route must not open a network connection")

    monkeypatch.setattr(request.OpenerDirector, "open", no_network)
    doc = render('<p>ok</p><img src="https://example.org/x.png">')
    assert len(doc.pages) == 1


def test_the_pdf_file_is_written(tmp_path):
    path = html_to_pdf("<p>Indeks Kepuasan Masyarakat</p>", tmp_path / "e.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
