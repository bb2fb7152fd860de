"""The 工作要点 parser: the seed's contract, other zones' numbering styles, metadata and junk, warnings, and
hypothesis properties (any text parses; a generated document's tree comes back)."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.workplan.engine import cn_to_int, parse, split_tasks

SEED = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "parkos"
    / "workplan"
    / "data"
    / "changsha-etdz-2020-work-points.txt"
)
JUNK_WORDS = ["扫一扫", "发布时间", "来源", "打印", "2020年3月4日"]


@pytest.fixture(scope="module")
def seed():
    return parse(SEED.read_text(encoding="utf-8"))


def test_seed_title_date_and_counts(seed):
    assert seed.title == "长沙经济技术开发区党工委2020年工作要点"
    assert seed.published == dt.date(2020, 3, 4)
    assert [n.label for n in seed.items] == ["一、", "二、", "三、", "四、", "五、"]
    points = [c for n in seed.items for c in n.children]
    assert len(points) == 24
    assert [p.ordinal for p in points] == list(range(1, 25))  # numbering continues across chapters
    assert {p.level for p in points} == {2}
    assert seed.warnings == []


def test_seed_point_title_text_and_tasks(seed):
    first = seed.items[0].children[0]
    assert (first.label, first.title) == ("1.", "创新招商引资方式")
    assert first.text.startswith("大力开展工业地产项目招商")
    assert first.tasks[0] == "大力开展工业地产项目招商及现有企业二次招商,优化园区产业结构"
    assert len(first.tasks) == 6
    assert seed.items[0].title == "创新产业链条,全力打好产业链现代化攻坚战"
    assert seed.items[0].text == ""
    assert seed.preamble.startswith("2020年,长沙经开区经济社会发展总的指导思想")
    assert seed.preamble.endswith("2020年,要重点做好五个方面工作:")


def test_seed_has_no_junk_in_any_text(seed):
    for node in seed.nodes():
        for word in JUNK_WORDS:
            assert word not in node.text, (node.label, word)
    assert seed.items[-1].children[-1].text.endswith("提供坚强的纪律保障作用。")


OTHER = """首页 > 政务公开 > 计划总结
某某高新区管委会2021年工作要点
发布日期：2021-02-18    来源：党政办
2021年是“十四五”开局之年。全区工作的总体要求是：稳中求进。
一、聚焦主导产业
（一）强化招商引资。全年引进亿元以上项目30个；实际到位内资增长10%。
1.建立招商台账。每月调度一次。
2.开展驻点招商；组建三支小分队。
（二）抓好项目建设。确保新开工项目20个。
1.推进重大项目。
二、优化营商环境
（一）深化“放管服”改革。
1.推行告知承诺制。
（1）梳理事项清单。
（2）公布承诺标准。
（二）提升服务水平。
某某高新区管委会
2021年2月18日
【打印本页】【关闭窗口】
"""


def test_another_zone_with_restarting_numbers_and_four_levels():
    r = parse(OTHER)
    assert r.title == "某某高新区管委会2021年工作要点"
    assert r.published == dt.date(2021, 2, 18)
    assert r.preamble == "2021年是“十四五”开局之年。全区工作的总体要求是：稳中求进。"
    assert [n.label for n in r.items] == ["一、", "二、"]
    assert [c.label for c in r.items[0].children] == ["（一）", "（二）"]
    assert [c.level for c in r.items[0].children] == [2, 2]
    assert r.items[0].children[0].title == "强化招商引资"
    assert r.items[0].children[0].tasks == ["全年引进亿元以上项目30个", "实际到位内资增长10%"]
    third = r.items[1].children[0].children[0]
    assert (third.label, third.level, third.title) == ("1.", 3, "推行告知承诺制")
    assert [c.label for c in third.children] == ["（1）", "（2）"]
    assert third.children[0].level == 4
    assert r.items[0].children[0].children[1].tasks == ["组建三支小分队"]
    assert r.warnings == []
    last = r.items[1].children[1]
    assert (last.title, last.text) == ("提升服务水平", "")  # the signature and date are not its text


def test_circled_and_comma_numbers_and_a_chapter_style():
    doc = "2022年工作计划\n第一章 总体目标\n1、稳增长。\n①抓投资。②不会被当作新项\n第二章 重点任务\n1、抓项目；保投产。\n"
    r = parse(doc)
    assert [n.label for n in r.items] == ["第一章", "第二章"]
    assert r.items[0].children[0].children[0].label == "①"
    assert (r.items[1].children[0].title, r.items[1].children[0].tasks) == ("抓项目", ["保投产"])


def test_gaps_and_repeats_are_warnings_with_line_numbers():
    r = parse("计划\n一、甲\n1.一\n3.三\n3.又三\n二、乙\n四、丁\n")
    assert r.warnings == [
        "line 4: “3.” where 2 was expected",
        "line 5: “3.” repeats the previous number",
        "line 7: “四、” where 3 was expected",
    ]
    assert len(r.items) == 3


def test_no_markers_and_empty_input():
    assert parse("").items == []
    assert parse("").warnings == ["no numbered items found"]
    r = parse("只有一段话。没有编号。")
    assert (r.items, r.preamble) == ([], "只有一段话。没有编号。")


def test_numbers_inside_prose_are_not_items():
    r = parse("计划\n一、目标\n2020年营收增长10%。\n1.5亿元的项目要落地。\n")
    assert len(r.items) == 1
    assert r.items[0].children == []
    assert "1.5亿元" in r.items[0].text


def test_chinese_numerals():
    assert [cn_to_int(s) for s in ["一", "十", "十二", "二十", "二十三", "一百零五", "7", "③"]] == [
        1,
        10,
        12,
        20,
        23,
        105,
        7,
        3,
    ]


def test_tasks_split_on_full_stops_and_semicolons_not_inside_quotes():
    assert split_tasks("做好甲。做好乙；做好“丙。丁”。") == ["做好甲", "做好乙", "做好“丙。丁”"]


# ---- properties ------------------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_parses(text):
    r = parse(text)
    d = r.as_dict()
    assert set(d) == {"title", "published", "preamble", "items", "warnings"}


STYLES = [
    lambda i: f"{'一二三四五六七八九十'[i - 1]}、",
    lambda i: f"（{'一二三四五六七八九十'[i - 1]}）",
    lambda i: f"{i}.",
    lambda i: f"（{i}）",
    lambda i: "①②③④⑤⑥⑦⑧⑨⑩"[i - 1],
]


@settings(max_examples=150, deadline=None)
@given(
    shape=st.lists(st.lists(st.integers(0, 3), max_size=4), min_size=1, max_size=6),
    styles=st.permutations(list(range(5))),
    junk=st.booleans(),
)
def test_generated_documents_come_back(shape, styles, junk):
    """A random three-level tree written with a random choice of marker styles parses back to itself."""
    lines = ["测试区2023年工作要点", "发布时间：2023-01-05"] + (["扫一扫在手机打开当前页"] if junk else [])
    lines.append("总体要求如下：")
    expected = []
    for i, chapter in enumerate(shape, start=1):
        lines.append(f"{STYLES[styles[0]](i)}第{i}部分")
        kids = []
        for j, grandkids in enumerate(chapter, start=1):
            lines.append(f"{STYLES[styles[1]](j)}要点{i}-{j}。任务甲{i}{j}；任务乙{i}{j}。")
            for k in range(1, grandkids + 1):
                lines.append(f"{STYLES[styles[2]](k)}细项{i}-{j}-{k}。")
            kids.append(grandkids)
        expected.append(kids)
    lines += ["测试区管委会", "2023年1月5日"] + (["【打印本页】"] if junk else [])
    r = parse("\n".join(lines))
    assert r.title == "测试区2023年工作要点"
    assert r.published == dt.date(2023, 1, 5)
    assert [[len(p.children) for p in c.children] for c in r.items] == expected
    assert r.warnings == []
    for c in r.items:
        for p in c.children:
            assert p.tasks[:2] == [f"任务甲{c.ordinal}{p.ordinal}", f"任务乙{c.ordinal}{p.ordinal}"]
            for g in p.children:
                assert g.title == f"细项{c.ordinal}-{p.ordinal}-{g.ordinal}"
                assert "测试区管委会" not in g.text


WEB_PAGE = """您当前的位置：首页 > 政务公开 > 规划计划
中共某某经济技术开发区工作委员会2021年工作要点
来源：党政办   发布时间：2021-03-10 09:30   浏览次数：1024
【字体：大 中 小】
2021年，全区工作的总体要求是：坚持稳中求进。
一、全力抓好招商引资
1．完善招商机制。建立“一把手”招商制度；
深化“三类500强”对接。
2．强化项目落地。开展“签约项目落地年”活动。
- 2 -
二、持续优化营商环境
1．深化“放管服”改革。推行“一件事一次办”。
中共某某经济技术开发区工作委员会
二〇二一年三月十日
抄送：市委办公厅，市政府办公厅。
某某经开区党政综合办公室 2021年3月10日印发
扫一扫在手机打开当前页
"""


def test_a_web_page_with_metadata_on_one_line_page_numbers_and_distribution_list():
    r = parse(WEB_PAGE)
    assert r.title == "中共某某经济技术开发区工作委员会2021年工作要点"
    assert r.published == dt.date(2021, 3, 10)
    assert [len(c.children) for c in r.items] == [2, 1]
    first = r.items[0].children[0]
    assert first.tasks == [
        "建立“一把手”招商制度",
        "深化“三类500强”对接",
    ]  # a continuation line joins its point
    assert r.items[0].children[1].text == "开展“签约项目落地年”活动。"  # the page number is not text
    last = r.items[1].children[0]
    assert last.text == "推行“一件事一次办”。"
    for node in r.nodes():
        for junk in ("抄送", "印发", "扫一扫", "工作委员会", "二〇二一", "浏览"):
            assert junk not in node.text
    assert r.warnings == []  # numbering restarts in chapter two


NOTICE_FIRST = """关于印发《某某高新区2022年工作要点》的通知
各部门、各园区：
现将《某某高新区2022年工作要点》印发给你们，请认真贯彻落实。
某某高新区管委会
2022年2月15日
某某高新区2022年工作要点
2022年是实施“十四五”规划承上启下的关键之年。
一、坚持创新驱动
（一）加快科创平台建设。新增省级以上研发平台10个。
（二）壮大创新主体。新增高新技术企业50家。
二、坚持项目为王
（一）抓好项目签约。全年签约项目30个。
"""


def test_the_plan_title_wins_over_the_notice_that_issues_it():
    r = parse(NOTICE_FIRST)
    assert r.title == "某某高新区2022年工作要点"
    assert r.published == dt.date(2022, 2, 15)
    assert [len(c.children) for c in r.items] == [2, 1]
    assert r.items[0].children[1].tasks == ["新增高新技术企业50家"]


def test_full_width_digits_number_points():
    r = parse("计划\n一、甲\n１．第一点。内容。\n２．第二点。\n")
    assert [(c.label, c.ordinal, c.title) for c in r.items[0].children] == [
        ("１．", 1, "第一点"),
        ("２．", 2, "第二点"),
    ]
    assert r.warnings == []


def test_attachments_after_the_body_are_not_points():
    doc = "2023年工作要点\n一、甲\n1.第一点。内容一。\n2.第二点。内容二。\n（此件主动公开）\n附件：1.任务分解表\n2.责任清单\n"
    r = parse(doc)
    assert [c.title for c in r.items[0].children] == ["第一点", "第二点"]
    assert r.warnings == []
    assert "此件" not in r.items[0].children[1].text
