"""Pure computations of investment promotion: investor-name normalisation and duplicate matching (rapidfuzz over
length buckets), and the team/officer scoring of a year (numpy over event rows).

Two names "name the same investor" when their USCCs are equal, when their normalised names score at least the
threshold with `rapidfuzz.fuzz.ratio` (normalised Indel similarity, 0–100), or by the structure of a Chinese company
name (行政区划 + 字号 + 行业 + 组织形式) when one is the 字号 alone and the other that 字号 with its 行业
(三一 and 三一汽车有限公司). Normalisation folds full/half width and
case, drops punctuation and spaces, legal-form suffixes (股份有限公司, 有限公司, 集团, Co., Ltd. …), bracketed
places and legal forms (（长沙）, (集团)), leading places (湖南省, 长沙市, 中国) and the zone's own region names, and
a branch's place (…有限公司长沙分公司).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 90

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
    "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
]  # fmt: skip
CITIES = [
    "长沙", "株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州", "怀化", "娄底", "湘西",
    "广州", "深圳", "珠海", "佛山", "东莞", "中山", "惠州", "南京", "苏州", "无锡", "常州", "南通", "杭州", "宁波",
    "温州", "嘉兴", "绍兴", "合肥", "芜湖", "福州", "厦门", "泉州", "南昌", "济南", "青岛", "烟台", "郑州", "洛阳",
    "武汉", "宜昌", "襄阳", "成都", "绵阳", "贵阳", "昆明", "西安", "兰州", "西宁", "银川", "乌鲁木齐", "拉萨",
    "南宁", "柳州", "桂林", "海口", "三亚", "石家庄", "唐山", "保定", "太原", "大同", "呼和浩特", "包头", "沈阳",
    "大连", "长春", "哈尔滨", "雄安", "浦东", "滨海",
]  # fmt: skip
COUNTRIES = [
    "中国", "中华", "美国", "日本", "德国", "韩国", "英国", "法国", "意大利", "瑞士", "瑞典", "荷兰", "比利时",
    "丹麦", "芬兰", "挪威", "奥地利", "西班牙", "葡萄牙", "加拿大", "澳大利亚", "新西兰", "新加坡", "马来西亚",
    "泰国", "越南", "印度", "印尼", "以色列", "俄罗斯", "巴西", "墨西哥", "亚太", "亚洲", "欧洲", "大中华", "国际",
    "china", "usa", "us", "japan", "germany", "korea", "uk", "france", "singapore", "hongkong", "hk", "asia",
    "asiapacific", "international", "beijing", "shanghai", "shenzhen", "changsha", "hunan",
]  # fmt: skip
# the zone's own region names (the administration adds more in the investment settings)
ZONE_REGIONS = [
    "长沙经济技术开发区", "长沙经开区", "长沙经济开发区", "经济技术开发区", "经开区", "开发区", "高新区", "长沙县",
    "星沙", "湖南星沙", "黄花", "榔梨", "螺丝塘", "临空", "黄兴", "泉塘", "湘龙", "安沙",
]  # fmt: skip
LEGAL_FORMS_ZH = [
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "股份合作公司",
    "有限合伙企业", "普通合伙企业", "有限公司", "股份公司", "集团公司", "控股公司", "总公司", "分公司", "子公司",
    "办事处", "代表处", "研究院", "公司", "集团", "控股", "股份", "有限", "总部", "厂",
    # generic words of the 行业 part that say nothing about who the investor is
    "高新技术", "高科技", "新技术", "科技", "技术", "实业", "发展", "投资", "国际", "贸易", "工业", "产业", "企业",
]  # fmt: skip
LEGAL_FORMS_EN = [
    "corporation", "incorporated", "holdings", "holding", "limited", "company", "group", "corp", "ltd", "llc", "inc",
    "gmbh", "plc", "ag", "sa", "s.a", "bv", "nv", "kk", "co", "pte", "pty", "srl", "spa", "se",
]  # fmt: skip
# the 行业 part of a Chinese company name (行政区划 + 字号 + 行业 + 组织形式): what is left before it is the 字号,
# which must itself match, so that 湾友智能装备 and 湾友佳智能装备 stay two investors
INDUSTRY_WORDS = [
    "工程机械", "智能装备", "汽车零部件", "零部件", "精密制造", "智能制造", "新材料", "新能源", "生物医药", "医药",
    "生物", "医疗器械", "半导体", "集成电路", "微电子", "电子", "电气", "电器", "电力", "电池", "光电", "通信",
    "信息", "软件", "网络", "数据", "智能", "机械", "机电", "重工", "装备", "设备", "制造", "汽车", "液压", "环保",
    "能源", "材料", "化工", "化学", "食品", "物流", "供应链", "建设", "建筑", "工程", "置业", "地产", "房地产",
    "商贸", "文化", "传媒", "农业", "钢铁", "金属", "纺织", "服装", "轨道交通", "交通", "航空", "仪器", "仪表",
    "自动化", "机器人", "精工", "五金", "塑胶", "塑料", "包装", "印刷", "家居", "家具", "陶瓷", "玻璃",
    "银行", "农商银行", "证券", "保险", "信托", "电机", "电缆", "钢铁", "电信", "燃气", "水务", "城投", "建工", "路桥",
    "百货", "酒业", "药业", "制药", "矿业", "机床", "轴承", "起重机械", "起重机", "起重", "科技", "技术", "实业", "发展", "投资", "国际", "贸易",
]  # fmt: skip
BRACKET_WORDS = {"集团", "控股", "有限合伙", "普通合伙", "特殊普通合伙", "中国", "股份", "有限"}

_OPEN = "([{【〔［〈《「『"
_CLOSE = ")]}】〕］〉》」』"
_BRACKETS = re.compile(r"[(\[{【〔［〈《「『]([^()\[\]{}【】〔〕［］〈〉《》「」『』]*)[)\]}】〕］〉》」』]")
_PLACE_SUFFIX = re.compile(
    r"^[\u4e00-\u9fff]{1,6}(省|市|县|区|州|盟|旗|镇|乡|街道|自治区|自治州|特别行政区|新区)$"
)
_DROP = re.compile(r"[\W_]+", re.UNICODE)


@functools.cache
def _traditional_to_simplified() -> dict[int, str]:
    """Character table of OpenCC (TSCharacters): 重慶 → 重庆, so traditional spellings meet simplified ones."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1:
            table[ord(parts[0])] = parts[1]
    return table


_ADMIN_SUFFIX = re.compile(
    r"^(.{2,}?)(?:(?:[\u4e00-\u9fff]{1,5}族)+自治[州县旗区]|自治[州县旗区]|特别行政区|地区|林区|新区|省|市|县|区|盟|旗)$"
)


@functools.cache
def _divisions() -> tuple[frozenset[str], frozenset[str]]:
    """China's administrative divisions from python-stdnum's table (行政区划代码, all years): (provinces and
    prefecture-level cities in full and short form, with counties in full form; county short forms). Company
    names start with the first kind (湖南、长沙市、长沙县); a bracket may hold either (（潍坊）, （浏阳）)."""
    import stdnum.cn

    path = Path(stdnum.cn.__file__).parent / "loc.dat"
    major: set[str] = set()
    minor: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r'^(\s*)(\d+) \w+="(.*)"', line)
        if not m:
            continue
        indent, code, value = m.groups()
        for name in re.sub(r"\[[^\]]*\]", "", value).split(","):
            name = name.strip()
            if len(name) < 2 or name.startswith("市辖") or name in {"县", "郊区", "矿区", "城区"}:
                continue
            short = _ADMIN_SUFFIX.match(name)
            short_name = short.group(1) if short else name
            if not indent or code.endswith("00"):  # province or prefecture-level city
                major.update({name, short_name})
            else:
                major.add(name)
                if len(short_name) >= 2:
                    minor.add(short_name)
    return frozenset(major), frozenset(minor - major)


@dataclass(frozen=True)
class Normaliser:
    """Turns investor names into comparison keys; `regions` are the zone's extra place names."""

    regions: tuple[str, ...] = ()
    # computed in __post_init__ from the place lists and `regions`
    _places: frozenset[str] = field(init=False, repr=False, compare=False)
    _bracket_places: frozenset[str] = field(init=False, repr=False, compare=False)
    _longest: int = field(init=False, repr=False, compare=False)
    _forms_zh: re.Pattern = field(init=False, repr=False, compare=False)
    _forms_en: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        major, minor = _divisions()
        extra = {p.lower() for p in [*PROVINCES, *CITIES, *COUNTRIES, *ZONE_REGIONS, *self.regions] if p}
        object.__setattr__(self, "_places", frozenset(major | extra))
        object.__setattr__(self, "_bracket_places", frozenset(major | minor | extra))
        object.__setattr__(self, "_longest", max(map(len, major | minor | extra)))
        forms = "|".join(sorted(map(re.escape, LEGAL_FORMS_ZH), key=len, reverse=True))
        object.__setattr__(self, "_forms_zh", re.compile(rf"(?:{forms})$"))
        en = "|".join(sorted(map(re.escape, LEGAL_FORMS_EN), key=len, reverse=True))
        # English forms only as separate words after the name: "Sany Heavy Industry Co., Ltd."
        object.__setattr__(
            self, "_forms_en", re.compile(rf"(?<=[a-z0-9])(?:[\s,.&/-]+(?:{en})\b\.?)+[\s,.]*$")
        )

    def _lead(self, s: str, places) -> int:
        """Length of the longest place (with 省/市/县/区 after it) that `s` starts with; 0 if none."""
        for n in range(min(self._longest, len(s)), 1, -1):
            if s[:n] in places:
                return n + (1 if n < len(s) and s[n] in "省市县区" else 0)
        return 0

    def _tail(self, s: str) -> int:
        """Length of the longest place `s` ends with (a branch's place: …有限公司长沙); 0 if none."""
        for n in range(min(self._longest + 1, len(s)), 1, -1):
            t = s[-n:]
            if t in self._places or (t[-1] in "省市县区" and t[:-1] in self._places):
                return n
        return 0

    def is_place(self, text: str) -> bool:
        t = _DROP.sub("", text.lower())
        if not t:
            return True
        if t in self._bracket_places or _PLACE_SUFFIX.match(t):
            return True
        rest = t
        while rest:  # 湖南长沙, 中国香港, 长沙市星沙: places one after another
            n = self._lead(rest, self._bracket_places)
            if not n:
                return False
            rest = rest[n:]
        return True

    def _bracket(self, m: re.Match) -> str:
        inner = m.group(1)
        word = _DROP.sub("", inner)
        if word in BRACKET_WORDS or self.is_place(inner) or self._forms_zh.fullmatch(word):
            return " "
        return f" {inner} "

    def __call__(self, name: str | None) -> str:
        if not name:
            return ""
        s = unicodedata.normalize("NFKC", str(name)).lower().translate(_traditional_to_simplified())
        for o in _OPEN:
            s = s.replace(o, "(")
        for c in _CLOSE:
            s = s.replace(c, ")")
        prev = None
        while prev != s:  # innermost brackets first
            prev, s = s, _BRACKETS.sub(self._bracket, s)
        s = _DROP.sub("", self._forms_en.sub("", s.strip()).replace("&", "and"))
        changed = True
        while changed:
            changed = False
            m = self._forms_zh.search(s)
            if m and m.start() >= 2:  # always keep at least two characters of the name
                s, changed = s[: m.start()], True
            n = self._tail(s)
            if n and len(s) - n >= 2:
                s, changed = s[:-n], True
            n = self._lead(s, self._places)
            if n and len(s) - n >= 2 and not is_generic(s[n:]):  # 长沙银行 stays apart from 上海银行
                s, changed = s[n:], True
        return s


DEFAULT_NORMALISER = Normaliser()
_INDUSTRY = re.compile("(?:" + "|".join(sorted(map(re.escape, INDUSTRY_WORDS), key=len, reverse=True)) + ")$")


@functools.lru_cache(maxsize=65536)
def core(key: str) -> str:
    """The 字号 of a normalised key: industry words taken off its end while two characters remain."""
    while (m := _INDUSTRY.search(key)) and m.start() >= 2:
        key = key[: m.start()]
    return key


def is_generic(text: str) -> bool:
    """Whether `text` is only industry words (银行, 工程机械, 电机): no 字号 of its own."""
    while text and (m := _INDUSTRY.search(text)):
        text = text[: m.start()]
    return not text


def similarity(a: str, b: str) -> float:
    """fuzz.ratio of two keys, but no more than that of their 字号 (so a shared industry word never carries
    two different names over the threshold)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return min(fuzz.ratio(a, b), fuzz.ratio(core(a), core(b)))


def normalise(name: str | None) -> str:
    return DEFAULT_NORMALISER(name)


BRAND_SCORE = 95.0  # a 字号 alone against the full name with its 行业 (三一 / 三一汽车): the same investor


def is_brand(key: str) -> bool:
    """Whether a normalised key is a 字号 alone (no 行业 words after it, not only 行业 words)."""
    return bool(key) and core(key) == key and not is_generic(key)


def _brand_of(key: str, brands: dict[str, list[int]]) -> list[int]:
    """The 字号-only keys that `key` starts with when all that follows them is 行业 words."""
    out: list[int] = []
    for k in range(2, len(key)):
        if key[:k] in brands and is_generic(key[k:]):
            out.extend(brands[key[:k]])
    return out


def _brand(queries: Sequence[str], choices: Sequence[str], threshold: float):
    """Yield (query index, choice index, BRAND_SCORE) where one key is a 字号 alone and the other is that 字号
    followed only by 行业 words (三一 and 三一汽车, 景嘉微 and 景嘉微电子). Two full names with different 行业
    (三一汽车, 三一重工) are not paired here: the 名称 structure says they are two companies."""
    if BRAND_SCORE < threshold:
        return
    brand_choices: dict[str, list[int]] = {}
    for j, c in enumerate(choices):
        if is_brand(c):
            brand_choices.setdefault(c, []).append(j)
    brand_queries: dict[str, list[int]] = {}
    for i, q in enumerate(queries):
        if is_brand(q):
            brand_queries.setdefault(q, []).append(i)
    for i, q in enumerate(queries):
        for j in _brand_of(q, brand_choices):
            yield i, j, BRAND_SCORE
    for j, c in enumerate(choices):
        for i in _brand_of(c, brand_queries):
            yield i, j, BRAND_SCORE


def clean_uscc(value: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()


@dataclass(frozen=True)
class Pair:
    """`new` (index into the queries) matches `old` (index into the choices) with `score`; `by` is uscc or name."""

    new: int
    old: int
    score: float
    by: str


def _length_window(n: int, threshold: float) -> tuple[int, int]:
    """Lengths a string of length n can be compared with and still reach `threshold` with fuzz.ratio:
    ratio ≤ 200·min/(n+m), so m ∈ [n·t/(200−t), n·(200−t)/t]."""
    t = max(min(threshold, 100.0), 1.0)
    return math.ceil(n * t / (200 - t) - 1e-9), math.floor(n * (200 - t) / t + 1e-9)


def _fuzzy(queries: Sequence[str], choices: Sequence[str], threshold: float, chunk: int = 4_000_000):
    """Yield (query index, choice index, score) for every pair scoring ≥ threshold; empty keys never match."""
    if not queries or not choices:
        return
    qlen = np.fromiter((len(q) for q in queries), dtype=np.int64, count=len(queries))
    clen = np.fromiter((len(c) for c in choices), dtype=np.int64, count=len(choices))
    corder = np.argsort(clen, kind="stable")
    csorted = clen[corder]
    for n in np.unique(qlen[qlen > 0]):
        qi = np.flatnonzero(qlen == n)
        lo, hi = _length_window(int(n), threshold)
        a, b = np.searchsorted(csorted, max(lo, 1), "left"), np.searchsorted(csorted, hi, "right")
        if a >= b:
            continue
        ci = corder[a:b]
        cands = [choices[i] for i in ci]
        step = max(1, chunk // len(ci))
        for s in range(0, len(qi), step):
            block = qi[s : s + step]
            m = process.cdist(
                [queries[i] for i in block],
                cands,
                scorer=fuzz.ratio,
                score_cutoff=threshold,
                dtype=np.float32,
                workers=-1,
            )
            rows, cols = np.nonzero(m)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i, j = int(block[r]), int(ci[c])
                score = float(m[r, c]) if queries[i] == choices[j] else similarity(queries[i], choices[j])
                if score >= threshold:
                    yield i, j, score


def match(
    new_keys: Sequence[str],
    new_usccs: Sequence[str],
    old_keys: Sequence[str],
    old_usccs: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Pair]:
    """Every (new, old) pair naming the same investor, best first per new name."""
    best: dict[tuple[int, int], Pair] = {}
    by_uscc: dict[str, list[int]] = {}
    for j, u in enumerate(old_usccs):
        if u:
            by_uscc.setdefault(u, []).append(j)
    for i, u in enumerate(new_usccs):
        for j in by_uscc.get(u, []) if u else []:
            best[(i, j)] = Pair(i, j, 100.0, "uscc")
    for i, j, score in _fuzzy(new_keys, old_keys, threshold):
        if (i, j) not in best:
            best[(i, j)] = Pair(i, j, round(score, 1), "name")
    for i, j, score in _brand(new_keys, old_keys, threshold):
        if (i, j) not in best:
            best[(i, j)] = Pair(i, j, score, "brand")
    return sorted(best.values(), key=lambda p: (p.new, -p.score, p.by != "uscc", p.old))


def groups(
    keys: Sequence[str], usccs: Sequence[str], threshold: float = DEFAULT_THRESHOLD
) -> list[list[int]]:
    """Indices naming the same investor, grouped transitively (union–find); only groups of two or more, each
    sorted, in order of their first index."""
    parent = list(range(len(keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    seen: dict[str, int] = {}
    for i, u in enumerate(usccs):
        if u:
            if u in seen:
                union(seen[u], i)
            else:
                seen[u] = i
    exact: dict[str, int] = {}
    uniq: list[str] = []
    rep: list[int] = []
    for i, k in enumerate(keys):
        if not k:
            continue
        if k in exact:
            union(exact[k], i)
        else:
            exact[k] = i
            uniq.append(k)
            rep.append(i)
    for a, b, _s in _fuzzy(uniq, uniq, threshold):
        if a < b:
            union(rep[a], rep[b])
    for a, b, _s in _brand(uniq, uniq, threshold):
        union(rep[a], rep[b])
    out: dict[int, list[int]] = {}
    for i in range(len(keys)):
        out.setdefault(find(i), []).append(i)
    return sorted((g for g in out.values() if len(g) > 1), key=lambda g: g[0])


# ---- scoring -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scheme:
    """Points of a year's scheme: `bands` are (lower bound in 万元, points) for a signed project by its amount;
    `per_10k_funds` per 万元 of funds in place; bonuses per signed project; `neglect` is deducted (a positive
    number) per lead lost by neglect. `grades` are (grade, minimum points) from the best down."""

    bands: tuple[tuple[float, float], ...]
    per_10k_funds: float
    top500: float
    foreign: float
    headquarters: float
    gap_filled: float
    neglect: float
    grades: tuple[tuple[str, float], ...] = (("A", 100.0), ("B", 60.0), ("C", 30.0), ("D", float("-inf")))

    def band_points(self, amounts: np.ndarray) -> np.ndarray:
        """Points for signed amounts: the band with the highest lower bound not above the amount."""
        if not self.bands:
            return np.zeros(len(amounts))
        bands = sorted(self.bands)
        lows = np.array([b for b, _p in bands], dtype=float)
        pts = np.array([p for _b, p in bands], dtype=float)
        idx = np.searchsorted(lows, np.asarray(amounts, dtype=float), side="right") - 1
        return np.where(idx >= 0, pts[np.clip(idx, 0, None)], 0.0)

    def grade(self, points: float) -> str:
        for g, lo in self.grades:
            if points >= lo:
                return g
        return self.grades[-1][0] if self.grades else ""


@dataclass(frozen=True)
class Events:
    """One row per scoring event of a lead: kind is 'signed', 'funds' or 'lost'; month is 1–12."""

    lead: np.ndarray  # int
    kind: np.ndarray  # str
    month: np.ndarray  # int
    amount: np.ndarray  # float: signed amount or funds in place (万元); 0 for lost
    top500: np.ndarray  # bool
    foreign: np.ndarray  # bool
    headquarters: np.ndarray  # bool
    gap: np.ndarray  # bool


def event_points(scheme: Scheme, ev: Events) -> np.ndarray:
    """Points each event earns (a deduction is negative)."""
    signed = ev.kind == "signed"
    bonus = (
        ev.top500 * scheme.top500
        + ev.foreign * scheme.foreign
        + ev.headquarters * scheme.headquarters
        + ev.gap * scheme.gap_filled
    )
    return np.where(
        signed,
        scheme.band_points(ev.amount) + bonus,
        np.where(
            ev.kind == "funds",
            ev.amount * scheme.per_10k_funds,
            np.where(ev.kind == "lost", -scheme.neglect, 0.0),
        ),
    ).astype(float)


def credit(
    points: np.ndarray,
    ev_lead: np.ndarray,
    ev_month: np.ndarray,
    share_lead: np.ndarray,
    share_holder: np.ndarray,
    share_pct: np.ndarray,
    holders: int,
) -> np.ndarray:
    """Spread the events' points over holders (teams or officers) by the leads' credit shares (percent);
    returns a holders × 12 matrix of points per month."""
    out = np.zeros((holders, 12))
    if not len(points) or not len(share_lead):
        return out
    order = np.argsort(share_lead, kind="stable")
    sl = share_lead[order]
    a = np.searchsorted(sl, ev_lead, "left")
    cnt = np.searchsorted(sl, ev_lead, "right") - a
    ev_idx = np.repeat(np.arange(len(points)), cnt)  # each event once per share of its lead
    offs = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    sh = order[np.repeat(a, cnt) + offs]
    np.add.at(out, (share_holder[sh], ev_month[ev_idx] - 1), points[ev_idx] * share_pct[sh] / 100.0)
    return out


def keys_of(names: Iterable[str | None], normaliser: Normaliser | None = None) -> list[str]:
    n = normaliser or DEFAULT_NORMALISER
    return [n(x) for x in names]


# ---- investment figures (specs/metrics.md §5) ------------------------------------------------------------------
TOP500_PUBLISHED = {"fortune_global": 8, "china": 9, "china_private": 9}  # the month each list comes out
BIG_PROJECT = 10_000  # 亿元以上: a signed amount of at least 10,000 万元


def top500_edition(list_kind: str, signed_on) -> int | None:
    """The list edition current on the signing day: Fortune's Global 500 comes out in early August, the 中国企业
    500强 and 中国民营企业500强 in September; an edition is named for its year. None for an investor on no list."""
    if not list_kind:
        return None
    month = TOP500_PUBLISHED.get(list_kind, 9)
    return signed_on.year if signed_on.month >= month else signed_on.year - 1


def split_funds(amount, usd, rate) -> tuple[np.ndarray, np.ndarray]:
    """Each record of funds in place (¥ 万元, of which foreign direct investment in US$ at the record's own rate) as
    (foreign in ¥, domestic in ¥): the same money is never counted as both."""
    amount = np.asarray(amount, dtype=float)
    foreign = np.nan_to_num(np.asarray(usd, dtype=float)) * np.nan_to_num(np.asarray(rate, dtype=float))
    return foreign, amount - foreign
