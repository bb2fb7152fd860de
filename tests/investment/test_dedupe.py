"""Which names name the same investor: the normalisation rules one by one, different investors kept apart, and the
`parkos investment dedupe FILE.xlsx --report json` contract on variants produced by scripts (random legal forms,
bracketed places, region prefixes, width, spacing, punctuation, traditional characters via OpenCC's phrase
converter, branches) of real company names, shuffled into a spreadsheet."""

import json
import os
import random
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opencc import OpenCC

from parkos.investment import engine
from tests.xlsx import write_xlsx

norm = engine.normalise


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("三一重工股份有限公司", "三一重工"),
        ("三一重工（北京）有限公司", "三一重工"),
        ("湖南省长沙市三一重工有限公司", "三一重工"),
        ("三一重工 股份 有限公司", "三一重工"),
        ("三一重工(集团)有限公司", "三一重工"),
        ("三一重工股份有限公司长沙分公司", "三一重工"),
        ("长沙经开区三一重工", "三一重工"),
        ("中聯重科股份有限公司", "中联重科"),
        ("ＡＢＢ（中国）有限公司", "abb"),
        ("SANY Heavy Industry Co., Ltd.", "sanyheavyindustry"),
        ("Robert Bosch GmbH", "robertbosch"),
        ("华为技术（长沙研究所）有限公司", "华为技术长沙研究所"),  # not a place: kept
        ("【湖南】山河智能装备股份有限公司", "山河智能装备"),
        ("潍柴动力（潍坊）有限公司", "潍柴动力"),  # any prefecture or county from the division table
        ("浏阳河酒业（浏阳）有限公司", "浏阳河酒业"),  # a county name inside the 字号 stays
        ("湘西土家族苗族自治州金湘矿业有限公司", "金湘矿业"),
    ],
)
def test_normalised_key(name, key):
    assert norm(name) == key


def test_zone_regions_from_settings_are_left_out():
    n = engine.Normaliser(regions=("松雅湖",))
    assert n("松雅湖蓝思科技有限公司") == n("蓝思科技股份有限公司") == "蓝思"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("三一重工股份有限公司", "中联重科股份有限公司"),
        ("湖南湾友智能装备有限公司", "湖南湾友佳智能装备有限公司"),  # a 字号 one character longer
        ("比亚迪汽车工业有限公司", "比亚迪电子（深圳）有限公司"),
        ("长沙华联火炬电子有限公司", "湖南华联瓷业股份有限公司"),
        ("中国铁建重工集团股份有限公司", "中国中铁股份有限公司"),
        ("蓝思科技股份有限公司", "蓝海华腾技术股份有限公司"),
        ("长沙银行股份有限公司", "上海银行股份有限公司"),  # a place is the 字号 when only an industry follows
        ("湘潭电机股份有限公司", "南京电机有限公司"),
        ("长安汽车股份有限公司", "东风汽车集团有限公司"),
    ],
)
def test_different_investors_stay_apart(a, b):
    assert engine.groups(engine.keys_of([a, b]), ["", ""]) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("三一汽车有限公司", "三一"),  # 字号 alone against 字号 + 行业 + 组织形式
        ("湖南三一汽车起重机械有限公司", "三一集团"),  # 行政区划 and 组织形式 on either side
        ("长沙景嘉微电子股份有限公司", "景嘉微"),
        ("山河智能装备股份有限公司", "山河"),
    ],
)
def test_a_brand_name_alone_matches_the_full_name_by_its_structure(a, b):
    """行政区划 + 字号 + 行业 + 组织形式: a name that is the 字号 alone is the same investor as that 字号 with its
    行业, though fuzz.ratio of the two keys is far below the threshold."""
    ka, kb = engine.keys_of([a, b])
    assert engine.similarity(ka, kb) < engine.DEFAULT_THRESHOLD
    assert engine.groups([ka, kb], ["", ""]) == [[0, 1]]
    (pair,) = engine.match([kb], [""], [ka], [""])
    assert (pair.score, pair.by) == (engine.BRAND_SCORE, "brand")


def test_two_full_names_with_one_brand_and_different_industries_stay_apart():
    assert engine.groups(engine.keys_of(["三一汽车有限公司", "三一重工股份有限公司"]), ["", ""]) == []


def test_same_uscc_is_the_same_investor_whatever_the_names():
    keys = engine.keys_of(["甲乙丙丁有限公司", "完全不同的名字有限公司", "第三家公司"])
    assert engine.groups(keys, ["91430100MA4L0X1234", "91430100ma4l0x1234 ".strip().upper(), ""]) == [[0, 1]]


def test_groups_are_transitive_and_ordered():
    names = [
        "三一重工股份有限公司",
        "中联重科",
        "三一重工（北京）有限公司",
        "中聯重科股份有限公司",
        "湖南三一重工有限公司",
    ]
    assert engine.groups(engine.keys_of(names), [""] * 5) == [[0, 2, 4], [1, 3]]


def test_match_reports_uscc_before_names():
    pairs = engine.match(
        ["三一重工"], ["91430100MA4L0X1234"], ["三一重工", "别的"], ["", "91430100MA4L0X1234"]
    )
    assert [(p.old, p.score, p.by) for p in pairs] == [(1, 100.0, "uscc"), (0, 100.0, "name")]


# ---- the CLI contract on scripted variants ---------------------------------------------------------------
BASES = [
    "三一重工股份有限公司", "中联重科股份有限公司", "山河智能装备股份有限公司", "铁建重工集团股份有限公司",
    "蓝思科技股份有限公司", "长沙景嘉微电子股份有限公司", "湖南博云新材料股份有限公司", "比亚迪汽车工业有限公司",
    "上汽大众汽车有限公司", "广汽三菱汽车有限公司", "华自科技股份有限公司", "威胜集团有限公司",
    "湖南星邦智能装备股份有限公司", "长沙格力暖通制冷设备有限公司", "北汽福田汽车股份有限公司", "索恩格汽车部件有限公司",
    "Caterpillar Inc.", "Siemens AG", "Schneider Electric SE", "Bosch Rexroth AG",
]  # fmt: skip
FORMS = ["股份有限公司", "有限公司", "有限责任公司", "集团有限公司", "集团", "股份公司", ""]
PLACES = ["湖南", "长沙", "北京", "上海", "深圳", "中国", "武汉", "苏州"]
_s2t = OpenCC("s2t")


def _stem(name: str) -> str:
    for f in sorted(FORMS, key=len, reverse=True):
        if f and name.endswith(f):
            return name[: -len(f)]
    return name


def _variant(rnd: random.Random, name: str) -> str:
    if name.isascii():
        stem = name.rsplit(" ", 1)[0].rstrip(",.")
        return rnd.choice(
            [stem.upper(), f"{stem} Co., Ltd.", f"{stem}  Limited", stem.lower() + " (China) Co.,Ltd"]
        )
    v = _stem(name)
    steps = rnd.sample(
        ["form", "bracket", "prefix", "space", "width", "trad", "branch", "punct"], k=rnd.randint(1, 3)
    )
    form = rnd.choice(FORMS)
    if "prefix" in steps and not v.startswith(("湖南", "长沙")):
        v = rnd.choice(["湖南省", "长沙市", "长沙经开区", "湖南"]) + v
    v += form if "form" in steps else name[len(_stem(name)) :]
    if "bracket" in steps:
        stem = _stem(v)
        v = f"{stem}{rnd.choice(['（', '('])}{rnd.choice(PLACES)}{rnd.choice(['）', ')'])}{v[len(stem) :] or '有限公司'}"
    if "branch" in steps:
        v += rnd.choice(["长沙分公司", "湖南分公司", "北京办事处"])
    if "space" in steps:
        v = " ".join(v)
    if "punct" in steps:
        v = v.replace("有限", "·有限", 1) if "有限" in v else v + "。"
    if "width" in steps:
        v = v.replace("(", "（").replace(")", "）")
    if "trad" in steps:
        v = _s2t.convert(v)
    return v


def _parkos(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "parkos.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data = tmp_path_factory.mktemp("dedupe")
    e = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PARKOS_ENV"}}
    e.update({"PARKOS_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'none.sqlite3'}"})
    return e


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10**9),
    picks=st.lists(st.integers(0, len(BASES) - 1), min_size=2, max_size=12, unique=True),
)
def test_scripted_variants_group_with_their_original_in_the_engine(seed, picks):
    rnd = random.Random(seed)
    names, truth = [], []
    for b in picks:
        for _ in range(rnd.randint(1, 3)):
            names.append(_variant(rnd, BASES[b]) if rnd.random() < 0.8 else BASES[b])
            truth.append(b)
    order = list(range(len(names)))
    rnd.shuffle(order)
    names, truth = [names[i] for i in order], [truth[i] for i in order]
    expected = {}
    for i, t in enumerate(truth):
        expected.setdefault(t, []).append(i)
    want = sorted((g for g in expected.values() if len(g) > 1), key=lambda g: g[0])
    assert engine.groups(engine.keys_of(names), [""] * len(names)) == want, names


def test_dedupe_cli_contract_on_a_spreadsheet(env, tmp_path):
    rnd = random.Random(20261128)
    rows, truth = [], []
    for b, base in enumerate(BASES):
        for _ in range(rnd.randint(1, 3)):
            rows.append(_variant(rnd, base))
            truth.append(b)
    order = list(range(len(rows)))
    rnd.shuffle(order)
    sheet = [[k + 1, rows[i], ""] for k, i in enumerate(order)]
    sheet.insert(5, [None, None, None])  # an empty row still counts in Excel's numbering
    path = write_xlsx(tmp_path / "names.xlsx", ["序号", "企业名称", "统一社会信用代码"], sheet)
    excel_row = {}
    for r, line in enumerate(sheet, start=2):
        if line[1]:
            excel_row[r] = truth[order[line[0] - 1]]
    r = _parkos(env, "investment", "dedupe", str(path), "--report", "json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    expected = {}
    for row, t in sorted(excel_row.items()):
        expected.setdefault(t, []).append(row)
    assert got == {"groups": sorted((g for g in expected.values() if len(g) > 1), key=lambda g: g[0])}


def test_dedupe_cli_uses_uscc_and_fails_clearly_on_bad_files(env, tmp_path):
    path = write_xlsx(
        tmp_path / "u.xlsx",
        ["企业名称", "统一社会信用代码"],
        [["甲公司", "91430100MA4L0X1234"], ["乙公司", ""], ["丙 公司", "91430100MA4L0X1234"]],
    )
    r = _parkos(env, "investment", "dedupe", str(path), "--report", "json")
    assert json.loads(r.stdout) == {"groups": [[2, 4]]}
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    r = _parkos(env, "investment", "dedupe", str(bad), "--report", "json")
    assert r.returncode == 2
    assert "not a readable Excel workbook" in r.stderr
    nocol = write_xlsx(tmp_path / "n.xlsx", ["名称X"], [["甲"]])
    r = _parkos(env, "investment", "dedupe", str(nocol))
    assert r.returncode == 2
    assert "企业名称" in r.stderr
