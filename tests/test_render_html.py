"""The HTML report: snapshots, verbatim citations, audit block, escaping, self-contained, and headless Chromium."""

from __future__ import annotations

import html
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from atmp_cli.render.html import render_html
from reporting import FIXED_TIME, INJECTION, OUTCOMES, assert_snapshot, audit_values, cited_texts, example_result

VOID = {"meta", "br", "link", "img", "hr", "input"}


class _Structure(HTMLParser):
    """Checks that every element is closed in order and collects the text of <h1>."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()
        self.h1 = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "h1":
            self.h1 += data


def parse(page: str) -> _Structure:
    parser = _Structure()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_html_report_snapshot(outcome):
    assert_snapshot(f"{OUTCOMES[outcome]}.html", render_html(example_result(OUTCOMES[outcome], country="SE"), produced_at=FIXED_TIME))


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_html_quotes_every_cited_text_verbatim_with_audit(outcome):
    result = example_result(OUTCOMES[outcome])
    page = render_html(result, produced_at=FIXED_TIME)
    structure = parse(page)
    assert structure.errors == [] and structure.stack == []
    assert structure.h1 == result.classification.label
    shown = html.unescape(page)
    for text in cited_texts(result):
        if text.text:
            assert f"<blockquote>{text.text}</blockquote>" in shown, text.id
        if text.paraphrase:  # shown, labelled, and never laid out as a quotation
            assert text.paraphrase in shown and f"<blockquote>{text.paraphrase}" not in shown, text.id
        assert text.citation in shown
        if text.caveat:
            assert f'<p class="caveat">({text.caveat})</p>' in shown
    assert "<h2>Audit</h2>" in page
    for value in audit_values(result):
        assert f"<td>{html.escape(value)}</td>" in page
    assert html.escape(result.ruleset.disclaimer) in page


def test_html_is_self_contained_and_printable():
    page = render_html(example_result("cells-on-scaffold", country="SE"), produced_at=FIXED_TIME)
    lowered = page.lower()
    for forbidden in ("<script", "<link", "src=", "@import", "url(", "<iframe", "<img", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert "@media print" in page
    assert page.startswith("<!DOCTYPE html>")


def test_html_escapes_user_text():
    page = render_html(example_result("car-t", product=INJECTION))
    assert "<script" not in page and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold] red" in page
    assert parse(page).errors == []


# ---------------------------------------------------------------------------------------------- Chromium


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _png_colours(path: Path, limit: int = 2) -> int:
    """How many distinct pixel values the PNG holds (stops counting at `limit`); no imaging library needed."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type = header[0], header[1], header[2], header[3]
    assert depth == 8 and colour_type in (2, 6), "expected 8-bit RGB(A) from Chromium"
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    seen: set[bytes] = set()
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):  # undo the PNG row filter
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            upleft = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upleft)) & 0xFF
        seen.update(bytes(line[i : i + bpp]) for i in range(0, stride, bpp))
        if len(seen) >= limit:
            return len(seen)
        previous = line
    return len(seen)


def _run_chromium(chromium: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
    ]
    return subprocess.run([chromium, *flags, *args], capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})


def test_html_opens_in_headless_chromium(tmp_path):
    """One Chromium launch (a second costs a second or two): the DOM it parsed and a screenshot it drew."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium installed (.ci/run installs one)")
    result = example_result("cells-on-scaffold", product=INJECTION, country="SE")
    page = tmp_path / "report.html"
    page.write_text(render_html(result, produced_at=FIXED_TIME), encoding="utf-8")
    shot = tmp_path / "report.png"

    browser = _run_chromium(chromium, tmp_path, "--dump-dom", f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert browser.returncode == 0, browser.stderr
    assert f"<h1>{html.escape(result.classification.label)}</h1>" in browser.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in browser.stdout and "<script" not in browser.stdout
    page_errors = [line for line in browser.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "report.html" in line]
    assert page_errors == []
    assert shot.is_file() and shot.stat().st_size > 5000
    assert _png_colours(shot) >= 2, "the screenshot is blank"
