"""Official documents (公文) as .docx in the GB/T 9704-2012 layout, for every app's reports (督查通报 now; 评价报告
and 月报 later).

    doc = OfficialDocument(issuer="经开区督查室文件", number="经开督查〔2020〕6号", title="关于……的通报",
                           addressee="各部门、各园区：")
    doc.heading("一、总体情况"); doc.paragraph("……"); doc.table(head, rows); doc.picture(png)
    doc.sign("经开区督查室", dt.date(2020, 6, 30)); doc.record(cc="……", printer="……", printed_on=…)
    data = doc.bytes()

The layout: A4, margins 37/35/28/26 mm (版心 156 × 225 mm); 发文机关标志 in red 方正小标宋简体 centred, 发文字号 in
三号仿宋 under it, a red line across the 版心; the title in 二号小标宋, body in 三号仿宋_GB2312 with a two-character
indent and a fixed 28.95 pt line (22 lines a page), 一级标题 in 黑体 and 二级 in 楷体_GB2312; page numbers as
"— 1 —" in 四号宋体, odd pages right and even pages left; the 版记 (抄送, 印发机关 and date) between rules at the
end. The Chinese fonts are named with their usual substitutes (仿宋, 宋体, 楷体) in the document's font table, so a
machine without the GB2312 fonts still shows the right faces.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

RED = RGBColor(0xFF, 0x00, 0x00)
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONTS = ("黑体", "楷体_GB2312")
NUMBER_FONT = "宋体"
SUBSTITUTES = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", "楷体_GB2312": "楷体", "黑体": "SimHei"}
SIZE = {"一号": Pt(26), "二号": Pt(22), "三号": Pt(16), "四号": Pt(14), "小四": Pt(12)}
LINE = Pt(28.95)  # 22 lines in the 225 mm 版心


def _font(run, name: str, size=None, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _rule(paragraph, color: str = "FF0000", size: int = 12, where: str = "bottom") -> None:
    """A line across the 版心 under (or over) a paragraph: the red 分隔线, the 版记's rules."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{where}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))  # eighths of a point
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_number(paragraph) -> None:
    """ "— N —" with N the PAGE field."""
    for text in ("— ", None, " —"):
        run = paragraph.add_run()
        _font(run, NUMBER_FONT, SIZE["四号"])
        if text is not None:
            run.text = text
            continue
        begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr.set(qn("xml:space"), "preserve")
        instr.text = "PAGE"
        end.set(qn("w:fldCharType"), "end")
        run._r.append(begin)
        run._r.append(instr)
        run._r.append(end)


class OfficialDocument:
    """One 公文: build it top to bottom, then `bytes()`."""

    def __init__(self, *, issuer: str, number: str, title: str, addressee: str = ""):
        self.doc = Document()
        self._page()
        self._styles()
        self._substitutes()
        head = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        head.paragraph_format.space_before = Pt(60)
        _font(head.add_run(issuer), TITLE_FONT, SIZE["一号"], color=RED)
        num = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        num.paragraph_format.space_before = Pt(40)
        _font(num.add_run(number), BODY_FONT, SIZE["三号"])
        _rule(num)
        self._para(indent=False)  # one empty line under the red line
        head_title = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _font(head_title.add_run(title), TITLE_FONT, SIZE["二号"])
        self._para(indent=False)
        if addressee:
            self.paragraph(addressee, indent=False)
        self.issuer, self.number, self.title = issuer, number, title

    # ---- layout ---------------------------------------------------------------------------------------------
    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7)  # the page number 7 mm under the 版心
        self.doc.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Pt(14)  # 空一字
        _page_number(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Pt(14)
        _page_number(even)

    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = SIZE["三号"]
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)

    def _substitutes(self) -> None:
        """Name each Chinese font's usual substitute in the font table (w:altName), charset GB2312."""
        part = next(r.target_part for r in self.doc.part.rels.values() if r.reltype.endswith("/fontTable"))
        table = etree.fromstring(part.blob)
        for name, alt in SUBSTITUTES.items():
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            for tag, value in (("w:altName", alt), ("w:charset", "86")):
                child = OxmlElement(tag)
                child.set(qn("w:val"), value)
                font.append(child)
            table.append(font)
        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _para(self, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
        p = self.doc.add_paragraph()
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
        return p

    # ---- content ---------------------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> None:
        """一级标题 (一、) in 黑体, 二级 (（一）) in 楷体."""
        p = self._para()
        _font(p.add_run(text), HEADING_FONTS[min(level, 2) - 1], SIZE["三号"])

    def paragraph(self, text: str, *, indent: bool = True, bold_lead: str = "") -> None:
        p = self._para(indent=indent)
        if bold_lead:
            _font(p.add_run(bold_lead), BODY_FONT, SIZE["三号"], bold=True)
        _font(p.add_run(text), BODY_FONT, SIZE["三号"])

    def table(self, head: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, h in zip(table.rows[0].cells, head, strict=True):
            _font(cell.paragraphs[0].add_run(str(h)), "黑体", SIZE["小四"])
        for row in rows:
            for cell, v in zip(table.add_row().cells, row, strict=True):
                _font(cell.paragraphs[0].add_run("" if v is None else str(v)), BODY_FONT, SIZE["小四"])
        for r in table.rows:
            for cell in r.cells:
                fmt = cell.paragraphs[0].paragraph_format
                fmt.first_line_indent = None
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def picture(self, image: bytes, *, width_mm: float = 150) -> None:
        """An image (a chart) centred in the 版心, on a line of its own height (the body's fixed line would clip it)."""
        p = self._para(align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.add_run().add_picture(io.BytesIO(image), width=Mm(min(width_mm, 156)))

    def sign(self, signer: str, on: dt.date) -> None:
        """发文机关署名 and 成文日期, right-aligned four characters in from the right margin."""
        self._para(indent=False)
        for text in (signer, f"{on.year}年{on.month}月{on.day}日"):
            p = self._para(align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
            p.paragraph_format.right_indent = Pt(64)
            _font(p.add_run(text), BODY_FONT, SIZE["三号"])

    def record(self, *, cc: str, printer: str, printed_on: dt.date) -> None:
        """版记: 抄送 and 印发机关/印发日期 between a thick first and last rule and a thin one between them."""
        self._para(indent=False)
        if cc:
            p = self._para(indent=False)
            _rule(p, "000000", 8, "top")
            _rule(p, "000000", 4, "bottom")
            p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
            _font(p.add_run(f"抄送：{cc}。"), BODY_FONT, SIZE["四号"])
        p = self._para(indent=False)
        if not cc:
            _rule(p, "000000", 8, "top")
        _rule(p, "000000", 8, "bottom")
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Pt(14)
        date = f"{printed_on.year}年{printed_on.month}月{printed_on.day}日印发"
        _font(p.add_run(f"{printer}\u3000\u3000{date}"), BODY_FONT, SIZE["四号"])

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()
