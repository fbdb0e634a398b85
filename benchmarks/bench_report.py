"""The stakeholder document: how long it is, on paper, on a laptop and on a phone, and how
long it takes to render.

On the shipped data (2025Q4, Bahasa Indonesia and English), builds the report in this
process (:func:`evalkit.report.build_report`) and measures:

- the time to build the report, to write its HTML, and to lay it out as PDF (WeasyPrint);
- PDF pages in all, and pages before the appendix (the body; target ≤ 10 A4 pages);
- the height of the HTML page with the appendix closed at 1,400 px and at 400 px wide
  (target ≤ 12,000 px at 1,400 px), and whether the page scrolls sideways at 400 px;
  measured with headless Chromium when it is installed (Debian's ``chromium``), skipped
  with a note otherwise.

Targets are printed next to the numbers, never asserted. Run alone with
``python benchmarks/bench_report.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025Q4"
MAX_BODY_PAGES = 10
MAX_HEIGHT_1400 = 12_000

# The page is shown in an iframe exactly ``width`` px wide (headless Chromium will not
# make a window narrower than 500 px); the probe reads the frame's document once loaded.
_WRAPPER = (
    "<!DOCTYPE html><html><body style='margin:0'>"
    "<iframe id='f' style='border:0;width:{width}px;height:900px' srcdoc=\"{page}\"></iframe>"
    "<script>document.getElementById('f').addEventListener('load', function () {{"
    "var w = this.contentWindow, d = w.document.documentElement;"
    "document.title = 'EKH=' + d.scrollHeight + ';EKW=' + d.scrollWidth + ';EKV=' + "
    "w.innerWidth;}});</script></body></html>"
)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def page_size(html: str, width: int) -> tuple[int, int, int] | None:
    """``(height, scroll width, viewport width)`` in CSS px of ``html`` at ``width``, by
    headless Chromium; None when Chromium is not installed or fails."""
    exe = _chromium()
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        import html as html_lib

        page = Path(tmp) / "page.html"
        page.write_text(
            _WRAPPER.format(width=width, page=html_lib.escape(html, quote=True)),
            encoding="utf-8",
        )
        cmd = [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--window-size={width + 100},1000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
    m = re.search(r"EKH=(\d+);EKW=(\d+);EKV=(\d+)", out)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def body_pages(document) -> int:
    """Pages of a laid-out document before the one holding the ``appendix`` anchor."""
    for i, page in enumerate(document.pages):
        if "appendix" in page.anchors:
            return i
    return len(document.pages)


def main() -> None:
    os.environ.setdefault("EVALKIT_PSEUDONYM_KEY", "benchmark-key")
    from evalkit.io import load_study
    from evalkit.report import build_report
    from evalkit.report.pdf import render

    data = ROOT / "data" / "tanjungselor"
    t = time.perf_counter()
    study = load_study(data)
    print(f"load the shipped data: {time.perf_counter() - t:.1f} s")
    for language in ("id", "en"):
        t = start = time.perf_counter()
        report = build_report(study, PERIOD, language=language)
        built = time.perf_counter() - t
        t = time.perf_counter()
        html = report.document()
        written = time.perf_counter() - t
        t = time.perf_counter()
        doc = render(html)
        laid_out = time.perf_counter() - t
        total = time.perf_counter() - start
        body = body_pages(doc)
        print(f"\n{PERIOD} {language}: HTML {len(html) / 1e6:.2f} MB")
        print(f"  build the report (all analyses) {built:7.1f} s")
        print(f"  write the HTML                  {written:7.1f} s")
        print(f"  lay out the PDF (WeasyPrint)    {laid_out:7.1f} s")
        print(f"  rendering in all                {total:7.1f} s")
        print(
            f"  PDF pages: {len(doc.pages)} in all, {body} before the appendix "
            f"(target ≤ {MAX_BODY_PAGES}: {'met' if body <= MAX_BODY_PAGES else 'NOT met'})"
        )
        for width in (1400, 400):
            size = page_size(html, width)
            if size is None:
                print(f"  HTML at {width} px: headless Chromium not available, not measured")
                continue
            height, scroll, view = size
            note = ""
            if width == 1400:
                ok = height <= MAX_HEIGHT_1400
                note = f" (target ≤ {MAX_HEIGHT_1400:,}: {'met' if ok else 'NOT met'})"
            sideways = "scrolls sideways" if scroll > view else "no sideways scrolling"
            print(
                f"  HTML at {width} px, appendix closed: {height:,} px tall{note}; "
                f"{sideways} (page {scroll} px wide in a {view} px view)"
            )


if __name__ == "__main__":
    main()
