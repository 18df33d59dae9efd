"""The report as an A4 PDF, laid out with ReportLab's Platypus from the same blocks as the HTML.

Fonts are the DejaVu Sans files matplotlib ships (embedded and subset), so Swedish letters and
signs like ≥ and – print without any system font. Charts and maps are embedded as 150 dpi PNG.
Tables repeat their header on each page; a heading is kept with what follows it; the
signature block is never split.
"""

from __future__ import annotations

import io
import os
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from traffic.report.model import Chart, Heading, Para, Report, Signatures, Table
from traffic.report.numbers import day_text
from traffic.report.texts import t
from traffic.timeutil import local

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#d0d7de")
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
SHORT_TEXT = 32 * mm  # text columns narrower than this are never wrapped
LONG_TEXT = 75 * mm  # longer texts share the room as if they were this long
rl_config.useA85 = 0  # binary image streams: ASCII85 in pure Python costs a third of the time


@cache
def _fonts() -> None:
    base = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(base, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(base, "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, spaceAfter=5, alignment=TA_LEFT)
    return {
        "body": body,
        "note": ParagraphStyle(
            "note", parent=body, fontSize=8, leading=10.5, textColor=colors.HexColor("#555555")
        ),
        "caveat": ParagraphStyle(
            "caveat",
            parent=body,
            fontSize=8.5,
            leading=11.5,
            borderColor=colors.HexColor("#e0c36a"),
            borderWidth=0.8,
            borderPadding=6,
            backColor=colors.HexColor("#fff8e1"),
            spaceBefore=6,
            spaceAfter=10,
        ),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=20, leading=25, textColor=ACCENT, spaceAfter=6
        ),
        "kicker": ParagraphStyle("kicker", parent=body, fontSize=9, textColor=colors.HexColor("#555555")),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=13.5,
            leading=17,
            textColor=ACCENT,
            spaceBefore=12,
            spaceAfter=6,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "caption": ParagraphStyle(
            "caption", parent=body, fontName=BOLD, fontSize=9, leading=12, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "cell_small": ParagraphStyle("cell_small", parent=body, fontSize=6.5, leading=8, spaceAfter=0),
        "notice": ParagraphStyle(
            "notice",
            parent=body,
            fontSize=9,
            leading=12,
            borderPadding=6,
            borderWidth=0,
            backColor=colors.HexColor("#eef3f8"),
            spaceBefore=6,
            spaceAfter=12,
        ),
    }


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), _styles()[style])


def _table(block: Table) -> list[Any]:
    style = "cell_small" if block.small else "cell"
    align = block.alignment()
    right = ParagraphStyle("r", parent=_styles()[style], alignment=2)
    bold = ParagraphStyle("h", parent=_styles()[style], fontName=BOLD)
    bold_right = ParagraphStyle("hr", parent=bold, alignment=2)

    def cell(text: str, col: int, head: bool = False) -> Paragraph:
        st = (
            (bold_right if align[col] == "r" else bold)
            if head
            else (right if align[col] == "r" else _styles()[style])
        )
        return Paragraph(escape(text), st)

    data = [[cell(h, i, True) for i, h in enumerate(block.header)]]
    data += [[cell(c, i) for i, c in enumerate(row)] for row in block.rows]
    widths = _widths(block)
    commands: list[tuple[Any, ...]] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f6f8fa")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 if block.small else 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 if block.small else 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5 if block.small else 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5 if block.small else 3),
    ]
    if block.shade:
        for r, row in enumerate(block.shade, start=1):
            for c, v in enumerate(row, start=1):
                v = max(0.0, min(1.0, v))
                commands.append(
                    ("BACKGROUND", (c, r), (c, r), colors.Color(1 - v * 0.97, 1 - v * 0.68, 1 - v * 0.39))
                )
    table = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    out: list[Any] = [CondPageBreak(40 * mm), _p(block.caption, "caption"), table]
    if block.note:
        out += [Spacer(1, 2), _p(block.note, "note")]
    out.append(Spacer(1, 8))
    return out


def _widths(block: Table) -> list[float]:
    """Number columns as wide as their widest number (a header may wrap); text columns share the rest."""
    n = len(block.header)
    if block.shade:
        first = 14 * mm
        return [first] + [(WIDTH - first) / (n - 1)] * (n - 1)
    size, pad = (6.5, 4.0) if block.small else (8.0, 7.0)
    align = block.alignment()

    def width(text: str, font: str = FONT) -> float:
        return pdfmetrics.stringWidth(text, font, size) + pad

    cells = [[r[i] for r in block.rows] for i in range(n)]
    natural, least = [], []
    for i in range(n):
        body = max((width(c) for c in cells[i]), default=0.0)
        words = [w for c in [*cells[i], block.header[i]] for w in c.split()]
        least.append(max((width(w, BOLD) for w in words), default=pad))
        natural.append(max(body, least[i]) if align[i] == "r" else max(body, width(block.header[i], BOLD)))
    out = list(natural)
    texts = [i for i in range(n) if align[i] != "r"]
    short = [i for i in texts if natural[i] <= SHORT_TEXT]
    long = [i for i in texts if natural[i] > SHORT_TEXT]
    room = WIDTH - sum(natural[i] for i in range(n) if i not in long)
    want = sum(min(natural[i], LONG_TEXT) for i in long)
    for i in long:
        out[i] = max(least[i], room * min(natural[i], LONG_TEXT) / want) if want else least[i]
    if not long and short:  # spread spare room over the text columns
        spare = (WIDTH - sum(out)) / len(short)
        for i in short:
            out[i] += max(spare, 0.0)
    scale = WIDTH / sum(out)
    return [w * scale for w in out]


def _chart(block: Chart) -> list[Any]:
    png = block.render("png")
    img = Image(io.BytesIO(png), width=block.width_mm * mm, height=block.height_mm * mm)
    img.hAlign = "LEFT"
    return [KeepTogether([_p(block.caption, "caption"), img]), Spacer(1, 8)]


def _signatures(block: Signatures) -> list[Any]:
    """Signature lines side by side, with a gap between them, never split over two pages."""
    gap = 12 * mm
    k = len(block.signers)
    col = (WIDTH - gap * (k - 1)) / k
    widths = [w for i in range(k) for w in ((col, gap) if i < k - 1 else (col,))]
    top: list[Any] = [Spacer(1, 16 * mm) for _ in widths]
    names: list[Any] = []
    for i, (name, title) in enumerate(block.signers):
        names.append(Paragraph(f"<b>{escape(name)}</b><br/>{escape(title)}", _styles()["body"]))
        if i < k - 1:
            names.append("")
    table = RLTable([top, names], colWidths=widths, hAlign="LEFT")
    lines = [("LINEBELOW", (2 * i, 0), (2 * i, 0), 0.8, colors.black) for i in range(k)]
    table.setStyle(TableStyle([*lines, ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [KeepTogether([Spacer(1, 6 * mm), _p(block.place_date, "body"), Spacer(1, 6 * mm), table])]


def _story(report: Report) -> list[Any]:
    lang = report.lang
    story: list[Any] = [
        _p(report.subtitle.upper(), "kicker"),
        _p(report.title, "title"),
        _p(f"{t('period', lang)}: {report.period_text}", "body"),
        _p(t("generated", lang, date=day_text(local(report.generated_at).date(), lang)), "note"),
        _p(report.notice, "notice"),
    ]
    for number, section in enumerate(report.sections, start=1):
        story += [CondPageBreak(35 * mm), _p(f"{number}. {section.title}", "h2")]
        for block in section.blocks:
            if isinstance(block, Para):
                story.append(_p(block.text, block.style))
            elif isinstance(block, Heading):
                story += [CondPageBreak(30 * mm), _p(block.text, "h3")]
            elif isinstance(block, Table):
                story += _table(block)
            elif isinstance(block, Chart):
                story += _chart(block)
            elif isinstance(block, Signatures):
                story += _signatures(block)
    return story


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    _fonts()
    buf = io.BytesIO()
    footer = f"{report.title} · {report.period.label}"
    kind = t("notice_public" if report.public else "notice_internal", report.lang).split(".")[0]

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, t("page", report.lang, n=doc.page))
        canvas.drawString(MARGIN, A4[1] - 10 * mm, kind)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{report.title} – {report.period_text}",
        author="Trafiktrygg",
        subject=report.subtitle,
        lang=report.lang,
        invariant=1,
    )
    doc.build(_story(report), onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()
