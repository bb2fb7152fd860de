"""Pure computation for work-plan supervision: the 工作要点 parser, task status and department rates.

Parser. A 工作要点 is a title, metadata (发布时间, 来源), a preamble, numbered points in any nesting of marker
styles (一、 /（一）/ 1. / 1、 /（1）/ ① / 第一章…), and web-page junk. Each line is classified: metadata, junk,
a date, a marked item, or prose. A marker style's level is the order in which styles first appear, so any
nesting works. Prose after an item continues that item; prose before the first item is the preamble.
Trailing signature and date lines end the document and are never glued to the last point. Numbering gaps
and repeats are warnings with line numbers, never errors.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parkos.core.numbers import percent

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_NUM = "[一二三四五六七八九十百零〇两]+"

# style, pattern (group 1 = the number); tried in this order at the start of a line
MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第({CN_NUM}|\d{{1,3}})[章部篇节](?:分)?[、：:\s　]*")),
    ("cn", re.compile(rf"^({CN_NUM})[、，,．.](?!\d)\s*")),
    ("paren_cn", re.compile(rf"^[（(]({CN_NUM})[）)][、，,．.]?\s*")),
    ("paren_num", re.compile(r"^[（(](\d{1,3})[）)][、，,．.]?\s*")),
    ("num_dot", re.compile(r"^(\d{1,3})[.．](?![\d.．])\s*")),
    ("num_comma", re.compile(r"^(\d{1,3})[、，](?!\d)\s*")),
    ("circled", re.compile(rf"^([{CIRCLED}])[、，,．.]?\s*")),
]
DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
ONLY_DATE = re.compile(r"^[（(]?\s*" + DATE_RE.pattern + r"\s*[）)]?$")
PUBLISHED = re.compile(r"^(发布时间|发布日期|发文日期|成文日期|印发日期|日期|时间)\s*[:：]\s*(.*)$")
META = re.compile(
    r"^(来源|信息来源|作者|发布机构|发布单位|文号|索引号|主题分类|所属机构|浏览次数|点击数|阅读次数|访问量|责任编辑|编辑|审核|字号|"
    r"抄送|主送|印发|附件|联系人|联系电话)\s*[:：]|印发$|^[-—–\s]*\d{1,3}[-—–\s]*$|^第\s*\d+\s*页|^共\s*\d+\s*页"
)
ATTACHMENTS = re.compile(r"^(相关)?附件(\s*\d*\s*[:：]|\s*\d+\s*$|下载|$)")
PUBLISHED_ANYWHERE = re.compile(r"(发布时间|发布日期|发文日期|成文日期|印发日期)\s*[:：]\s*")
CN_DATE = re.compile(
    r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日$"
)
JUNK = re.compile(
    r"扫一扫|在手机打开|打印本页|打印此页|【打印】|关闭窗口|【关闭】|分享到|字体[:：]|【字体|字号[:：]|浏览次数|"
    r"上一篇|下一篇|返回顶部|相关链接|收藏本页|加入收藏|微信扫|微博|^【?\s*(大|中|小)\s*】?$|^(打印|关闭|分享|收藏)$|"
    r"版权所有|ICP备|网站地图|联系我们|您当前的位置|当前位置[:：]|^首页\s*[>＞»]|^[（(]此件.{0,8}[）)]$|阅读量|阅读数"
)
SENTENCE_END = "。；;！!？?"
TITLE_END = re.compile(r"[。；;：:！!？?]")
MAX_TITLE = 60


class ParseWarning(str):
    """A warning as English text (the CLI's JSON), with its parts kept so pages can say it in Chinese."""

    kind: str
    parts: dict[str, Any]

    TEXT = {
        "repeat": "line {line}: “{label}” repeats the previous number",
        "gap": "line {line}: “{label}” where {expected} was expected",
        "no_items": "no numbered items found",
    }

    def __new__(cls, kind: str, **parts):
        obj = super().__new__(cls, cls.TEXT[kind].format(**parts))
        obj.kind, obj.parts = kind, parts
        return obj


@dataclass
class Node:
    label: str
    level: int
    ordinal: int
    title: str
    text: str
    tasks: list[str]
    children: list[Node] = field(default_factory=list)
    line: int = 0
    style: str = ""

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "level": self.level,
            "ordinal": self.ordinal,
            "title": self.title,
            "text": self.text,
            "tasks": self.tasks,
            "children": [c.as_dict() for c in self.children],
        }

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass
class ParseResult:
    title: str
    published: dt.date | None
    preamble: str
    items: list[Node]
    warnings: list[str]
    signature: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "preamble": self.preamble,
            "items": [n.as_dict() for n in self.items],
            "warnings": self.warnings,
        }

    def nodes(self):
        for n in self.items:
            yield from n.walk()


def cn_to_int(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23, 一百零五 → 105; digits pass through."""
    if len(s) == 1 and s in CIRCLED:
        return CIRCLED.index(s) + 1
    if s.isdecimal():  # ASCII or full-width digits
        return int(s)
    total, digit = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
    return total + digit


def _cn_date(line: str) -> dt.date | None:
    """二〇二一年一月五日 (a signature date written in Chinese numerals)."""
    m = CN_DATE.match(line)
    if not m:
        return None
    year = int("".join(str(CN_DIGITS[c]) for c in m[1]))
    try:
        return dt.date(year, cn_to_int(m[2]), cn_to_int(m[3]))
    except ValueError:
        return None


def parse_date(s: str) -> dt.date | None:
    m = DATE_RE.search(s)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def split_tasks(text: str) -> list[str]:
    """Task sentences: the text split after 。 and ；(and ! ?), stripped, empty ones dropped."""
    out, cur = [], []
    depth = 0
    for ch in text:
        if ch in "“‘《（(【":
            depth += 1
        elif ch in "”’》）)】" and depth:
            depth -= 1
        cur.append(ch)
        if ch in SENTENCE_END and depth == 0:
            s = "".join(cur).strip().rstrip("。；;").strip()
            if s:
                out.append(s)
            cur = []
    tail = "".join(cur).strip().rstrip("。；;").strip()
    if tail:
        out.append(tail)
    return out


def _split_title(body: str) -> tuple[str, str]:
    """`创新招商引资方式。大力开展…` → (`创新招商引资方式`, `大力开展…`); a line without a sentence end is all title."""
    m = TITLE_END.search(body)
    if m is None:
        return body.strip(), ""
    title, rest = body[: m.start()].strip(), body[m.end() :].strip()
    if len(title) > MAX_TITLE:  # no heading sentence: the whole paragraph is text
        return "", body.strip()
    return title, rest


def _clean(line: str) -> str:
    line = line.replace("\u3000", " ").replace("\xa0", " ").replace("\ufeff", "").replace("\t", " ")
    line = "".join(ch for ch in line if ch >= " " or ch == "\n")
    return line.strip()


def _classify_marker(line: str) -> tuple[str, str, int, str] | None:
    for style, pattern in MARKERS:
        m = pattern.match(line)
        if m is None:
            continue
        body = line[m.end() :].strip()
        if not body:  # a bare number on a line (page numbers, table cells) is not an item
            return None
        if style in {"num_dot", "num_comma"} and DATE_RE.match(line):
            return None
        label = line[: m.end()].strip()
        return style, label, cn_to_int(m.group(1)), body
    return None


def parse(text: str) -> ParseResult:
    """Parse a 工作要点 into a tree. Never raises for any str."""
    raw_lines = (text or "").splitlines()
    lines = [(i + 1, _clean(line)) for i, line in enumerate(raw_lines)]
    warnings: list[str] = []
    published: dt.date | None = None
    preamble: list[str] = []
    levels: dict[str, int] = {}
    stack: list[Node] = []
    items: list[Node] = []
    last_ordinal: dict[
        tuple[int, str], int
    ] = {}  # (level, style) -> last ordinal anywhere (numbering may continue)
    # prose after the last item, held until we know it is not a signature; prose before the first item
    trailing: list[tuple[int, str]] = []
    head: list[str] = []

    def flush_trailing(into: Node | None) -> None:
        for _n, t in trailing:
            if into is not None:
                into.text = f"{into.text}\n{t}" if into.text else t
            else:
                preamble.append(t)
        trailing.clear()

    for n, line in lines:
        if not line:
            continue
        if JUNK.search(line) and len(line) <= 40:
            continue
        pm = PUBLISHED.match(line)
        if pm:
            d = parse_date(pm.group(2))
            if d and published is None:
                published = d
            continue
        anywhere = PUBLISHED_ANYWHERE.search(line)
        if (
            anywhere and len(line) <= 120 and _classify_marker(line) is None
        ):  # 来源：… 发布时间：… 浏览次数：…
            d = parse_date(line[anywhere.end() :])
            if d and published is None:
                published = d
            continue
        if stack and ATTACHMENTS.match(line):
            break  # attachments follow the body: their lists are not points of the plan
        if META.search(line):
            continue
        cn_date = _cn_date(line)
        if ONLY_DATE.match(line) or cn_date:
            d = cn_date or parse_date(line)
            if d and (published is None or not stack):
                published = published or d
            if stack and _signature(trailing) is not None:
                trailing.clear()  # the issuer's signature above the date line is not the last point's text
            continue
        marker = _classify_marker(line)
        if marker is None:
            if not stack:
                head.append(line)
            else:
                trailing.append((n, line))
            continue
        style, label, ordinal, body = marker
        current = stack[-1] if stack else None
        flush_trailing(current)
        level = levels.setdefault(style, len(levels) + 1)
        while stack and stack[-1].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        siblings = parent.children if parent else items
        same = [s for s in siblings if s.style == style]
        if same:
            expected = same[-1].ordinal + 1
            ok = ordinal == expected
        else:
            carried = last_ordinal.get((level, style))
            ok = ordinal == 1 or (carried is not None and ordinal == carried + 1)
            expected = 1 if carried is None else carried + 1
        if not ok:
            if same and ordinal == same[-1].ordinal:
                warnings.append(ParseWarning("repeat", line=n, label=label))
            else:
                warnings.append(ParseWarning("gap", line=n, label=label, expected=expected))
        title_text, rest = _split_title(body)
        node = Node(
            label=label,
            level=level,
            ordinal=ordinal,
            title=title_text,
            text=rest,
            tasks=[],
            line=n,
            style=style,
        )
        siblings.append(node)
        stack.append(node)
        last_ordinal[(level, style)] = ordinal
    title, preamble = _title_and_preamble(head)
    if stack:
        signature = _signature(trailing)
        if signature is not None:
            trailing.clear()
        flush_trailing(stack[-1])
    else:
        signature = None
        preamble.extend(t for _n, t in trailing)
    result = ParseResult(
        title=title,
        published=published,
        preamble="\n".join(preamble),
        items=items,
        warnings=warnings,
        signature=signature or "",
    )
    for node in result.nodes():
        node.tasks = split_tasks(node.text)
    if not items:
        result.warnings.append(ParseWarning("no_items"))
    return result


NOTICE = re.compile(r"^关于|通知$|印发《|的通知")
TITLE_WORDS = re.compile(r"工作要点|要点|工作计划|计划|实施方案|方案|意见|安排|任务分解|清单")


def _title_and_preamble(head: list[str]) -> tuple[str, list[str]]:
    """The title is the first short line naming a plan (工作要点, 计划, 方案…), else the first short line."""
    short = [i for i, t in enumerate(head) if len(t) <= MAX_TITLE and not any(c in t for c in "。；;")]
    named = [i for i in short if TITLE_WORDS.search(head[i])]
    plain = [i for i in named if not NOTICE.search(head[i])]  # the plan itself, not the notice issuing it
    pick = (plain or named)[0] if named else (short[0] if short and short[0] == 0 else None)
    if pick is None:
        return "", head
    return head[pick], head[:pick] + head[pick + 1 :]


def _signature(trailing: list[tuple[int, str]]) -> str | None:
    """Short lines without sentence punctuation after the last item are the issuer's signature."""
    if not trailing:
        return None
    if all(len(t) <= 30 and not any(c in t for c in "。；;，,") for _n, t in trailing) and len(trailing) <= 3:
        return " ".join(t for _n, t in trailing)
    return None


# ---- suggestions ---------------------------------------------------------------------------------------------
def suggest(text: str, rules: list[tuple[str, int]]) -> tuple[list[int], list[str]]:
    """Departments suggested by keyword rules (keyword, department id), most matched first, and the words."""
    score: dict[int, int] = {}
    words: list[str] = []
    for kw, dept in rules:
        k = text.count(kw) if kw else 0
        if k:
            score[dept] = score.get(dept, 0) + k
            words.append(kw)
    order = sorted(score, key=lambda d: (-score[d], d))
    return order, words


# ---- status ------------------------------------------------------------------------------------------------------
NOT_STARTED, IN_PROGRESS, LAGGING, DONE, OVERDUE = "not_started", "in_progress", "lagging", "done", "overdue"


def task_status(
    *,
    percent: int,
    reported: bool,
    start: dt.date,
    deadline: dt.date | None,
    today: dt.date,
    elapsed_wd: int,
    total_wd: int,
    margin: int = 20,
) -> str:
    """未开始 / 推进中 / 滞后 / 已完成 / 逾期. Lagging: progress more than `margin` points behind the share of
    the task's working days elapsed (start → deadline, on the zone's calendar)."""
    if percent >= 100:
        return DONE
    if deadline is not None and today > deadline:
        return OVERDUE
    if deadline is not None and total_wd > 0 and today >= start:
        expected = 100 * min(elapsed_wd, total_wd) / total_wd
        if percent < expected - margin:
            return LAGGING
    if not reported or percent <= 0:
        return NOT_STARTED
    return IN_PROGRESS


def rate(numerator: int, denominator: int) -> Decimal | None:
    """A rate in % with one decimal, half up (the kernel's one helper)."""
    return percent(numerator, denominator, 1)


__all__ = ["parse", "split_tasks", "cn_to_int", "task_status", "suggest", "rate"]
