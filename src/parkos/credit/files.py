"""The draw's input files (CSV) for `parkos credit draw`: read, check, and name the row of every fault. No Django.

A file is UTF-8 (with or without BOM) or, as Excel writes it on a Chinese Windows, GBK. Row numbers are the
file's own: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

from stdnum.cn import uscc as stdnum_uscc

from .engine import CLASSES, DEFAULT_RATIOS, Inspector


class InputError(ValueError):
    """A file or an option the draw cannot use; the message names the file, the row and the column."""


def _rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror or exc}）") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover — gb18030 decodes every byte string
        raise InputError(f"{path}: 不是文本文件")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise InputError(f"{path}: 文件为空，第 1 行应为表头 {','.join(required)}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        raise InputError(f"{path} 第 1 行: 缺少列 {'、'.join(missing)}（表头应为 {','.join(required)}）")
    rows = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        rows.append((line, {n: (values[k].strip() if k < len(values) else "") for k, n in enumerate(names)}))
    return names, rows


def _uscc(path: Path, line: int, value: str, column: str = "uscc") -> str:
    code = value.strip().upper()
    if not code:
        raise InputError(f"{path} 第 {line} 行 [{column}]: 统一社会信用代码为空")
    if not stdnum_uscc.is_valid(code):
        raise InputError(f"{path} 第 {line} 行 [{column}]: “{value}”不是有效的统一社会信用代码")
    return code


def read_pool(path: Path) -> list[tuple[str, str]]:
    """POOL.csv `uscc,class`: class A–D, or empty (or UNKNOWN) for no class."""
    _, rows = _rows(path, ("uscc", "class"))
    seen: dict[str, int] = {}
    pool = []
    for line, row in rows:
        code = _uscc(path, line, row["uscc"])
        if code in seen:
            raise InputError(f"{path} 第 {line} 行 [uscc]: {code} 与第 {seen[code]} 行重复")
        seen[code] = line
        cls = row["class"].upper() or "UNKNOWN"
        if cls not in CLASSES:
            raise InputError(
                f"{path} 第 {line} 行 [class]: 未知的风险分类“{row['class']}”（应为 A、B、C、D 或留空）"
            )
        pool.append((code, cls))
    return pool


def read_exclusions(path: Path) -> set[str]:
    """EXCL.csv `uscc`: objects left out of the pool (recently inspected, closed, 无事不扰 …)."""
    _, rows = _rows(path, ("uscc",))
    return {_uscc(path, line, row["uscc"]) for line, row in rows}


def read_inspectors(path: Path) -> list[Inspector]:
    """INS.csv `inspector_id`, with optional `dept` (for joint tasks) and `load` (tasks already held)."""
    names, rows = _rows(path, ("inspector_id",))
    seen: dict[str, int] = {}
    out = []
    for line, row in rows:
        ins = row["inspector_id"]
        if not ins:
            raise InputError(f"{path} 第 {line} 行 [inspector_id]: 检查人员编号为空")
        if "," in ins or "|" in ins:
            raise InputError(f"{path} 第 {line} 行 [inspector_id]: 编号“{ins}”不能含逗号或竖线")
        if ins in seen:
            raise InputError(f"{path} 第 {line} 行 [inspector_id]: {ins} 与第 {seen[ins]} 行重复")
        seen[ins] = line
        load = 0
        if "load" in names and row.get("load"):
            try:
                load = int(row["load"])
            except ValueError:
                load = -1
            if load < 0:
                raise InputError(f"{path} 第 {line} 行 [load]: “{row['load']}”不是非负整数")
        out.append(Inspector(id=ins, dept=row.get("dept", ""), load=load))
    return out


def read_conflicts(path: Path) -> set[tuple[str, str]]:
    """CONF.csv `inspector_id,uscc`: who must withdraw (回避) from which object."""
    _, rows = _rows(path, ("inspector_id", "uscc"))
    out = set()
    for line, row in rows:
        if not row["inspector_id"]:
            raise InputError(f"{path} 第 {line} 行 [inspector_id]: 检查人员编号为空")
        out.add((row["inspector_id"], _uscc(path, line, row["uscc"])))
    return out


def parse_ratios(text: str | None) -> dict[str, Fraction]:
    """`A=0.03,B=0.1,…`: the classes named get their ratio (0–1, exact), the others 0; None → the defaults."""
    if text is None:
        return dict(DEFAULT_RATIOS)
    out = dict.fromkeys(CLASSES, Fraction(0))
    for part in filter(None, (p.strip() for p in text.split(","))):
        cls, sep, value = part.partition("=")
        cls = cls.strip().upper()
        if not sep or cls not in CLASSES:
            raise InputError(f"--ratios: “{part}”应为 类别=比例，类别为 A、B、C、D 或 UNKNOWN")
        try:
            r = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InputError(f"--ratios: {cls} 的比例“{value}”不是数") from None
        if not 0 <= r <= 1:
            raise InputError(f"--ratios: {cls} 的比例 {value} 应在 0 到 1 之间")
        out[cls] = r
    return out


def parse_seed(text: str) -> bytes:
    try:
        seed = bytes.fromhex(text.strip())
    except ValueError:
        raise InputError(f"--seed: “{text}”不是十六进制串") from None
    if not seed:
        raise InputError("--seed: 种子为空")
    return seed
