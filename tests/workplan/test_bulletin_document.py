"""The 督查通报 is an official document in the GB/T 9704-2012 layout (issue 13 §8), read back with python-docx."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from parkos.workplan.models import WorkplanConfig
from tests.workplan.test_plans import office, plan, zone  # noqa: F401  (fixtures)


@pytest.fixture
def bulletin(client, plan, office, admin):  # noqa: F811  (the fixtures imported above)
    WorkplanConfig.save_values(
        user=admin, data={"number_prefix": "长经开督", "issuer": "长沙经开区督查室文件"}
    )
    client.force_login(office)
    r = client.get(reverse("workplan:bulletin", args=[plan.pk]), {"month": "2020-06"})
    assert r.status_code == 200
    return Document(io.BytesIO(r.content))


def _east_asia(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_issuing_mark_in_red_then_the_number_and_a_red_rule(bulletin):
    mark, number = bulletin.paragraphs[0], bulletin.paragraphs[1]
    assert mark.text == "长沙经开区督查室文件"
    assert mark.runs[0].font.color.rgb == RGBColor(0xFF, 0x00, 0x00)
    assert _east_asia(mark.runs[0]) == "方正小标宋简体"
    assert number.text == "长经开督〔2020〕6号"
    border = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000"


def test_title_body_fonts_page_and_numbers(bulletin):
    title = next(p for p in bulletin.paragraphs if p.text.startswith("关于2020年6月"))
    assert _east_asia(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)  # 二号
    body = next(p for p in bulletin.paragraphs if p.text.startswith("共 "))
    assert _east_asia(body.runs[0]) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)  # 三号
    heading = next(p for p in bulletin.paragraphs if p.text == "一、总体情况")
    assert _east_asia(heading.runs[0]) == "黑体"
    section = bulletin.sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]  # stored in twips
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml
    assert footer.text.replace(" ", "") == "——"  # — N — around the PAGE field
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml


def test_signature_and_the_record_at_the_end(bulletin):
    texts = [p.text for p in bulletin.paragraphs if p.text]
    today = dt.date.today()
    assert texts[-4:-2] == ["经开区督查室", f"{today.year}年{today.month}月{today.day}日"]
    assert texts[-2] == "抄送：区党工委、管委会领导。"
    assert texts[-1].startswith("经开区党政综合办公室")
    assert texts[-1].endswith("印发")


def test_the_fonts_name_their_substitutes(bulletin):
    part = next(r.target_part for r in bulletin.part.rels.values() if r.reltype.endswith("/fontTable"))
    xml = part.blob.decode()
    assert 'w:name="仿宋_GB2312"' in xml
    assert 'w:val="仿宋"' in xml
