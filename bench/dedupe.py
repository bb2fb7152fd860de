"""Duplicate check of many new investor names against the open leads.

    python bench/dedupe.py --new 10000 --open 100000          (target: <= 10 s)

Open leads get synthetic company names (place prefix, a 2–4 character 字号 from 1,500 characters, an industry
word, a legal form). A fifth of the new names are variants of open leads' names (other legal form, bracketed
place, full-width letters, spaces, traditional characters, region prefix, branch suffix), the rest are fresh names.
The script times what the lead check does per batch: normalising the new names (the open leads' keys are
stored) and matching them by USCC and name against every open lead; it prints the figures, the share of planted
variants found, and exits 1 when the target is missed or fewer than 99 % of the variants are found.
"""

import argparse
import sys
import time

import numpy as np
from _setup import ROOT, machine

sys.path.insert(0, str(ROOT / "src"))

CHARS = (
    "安邦宝北博诚达大德鼎东方丰峰福富港高广贵国海瀚行昊合和恒红宏鸿华辉汇惠吉嘉佳建江金锦京晶精景九聚君凯康科"
    "坤蓝朗乐力立利联良林隆龙鲁伦罗迈茂美明铭南宁鹏平普齐启千强桥勤青清庆瑞润三山尚深晟盛世仕思泰腾天通同万"
    "旺威伟维文沃五祥翔新鑫信星兴旭轩雅亚阳耀一亿益英盈永友宇裕元远粤岳云展长兆哲振正之志中众洲卓紫湘楚潇衡"
    "沅澧芙蓉岳麓橘湾枫栖霞映雪松柏竹兰梅菊荷莲桂樟杉枫银铜铁钢锋锐铠甲盾矛弓弦琴棋书画诗词歌赋礼乐射御"
)
INDUSTRY = ["科技", "机械", "汽车零部件", "电子", "新材料", "智能装备", "生物医药", "物流", "精密制造", "半导体",
            "新能源", "工程机械", "液压", "电气", "软件", "环保", "食品", "化工", "光电", "通信"]  # fmt: skip
FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "科技有限公司"]
PLACES = ["", "湖南", "长沙", "湖南省", "深圳", "上海", "江苏", "北京"]
TRAD = str.maketrans("东华国龙电长汽车机械门发兴达丰宝庆贵乐联鸿众云兰钢锋锐铠书画诗词歌礼",
                     "東華國龍電長汽車機械門發興達豐寶慶貴樂聯鴻眾雲蘭鋼鋒銳鎧書畫詩詞歌禮")  # fmt: skip
FULL = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()",
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９（）",
)


def company(rng) -> tuple[str, str, str]:
    zihao = "".join(rng.choice(list(CHARS), size=int(rng.integers(2, 5))))
    return str(rng.choice(PLACES)), zihao + str(rng.choice(INDUSTRY)), str(rng.choice(FORMS))


def variant(rng, place: str, core: str, form: str) -> str:
    """Another way people write the same investor."""
    kind = int(rng.integers(0, 8))
    other_form = str(rng.choice([f for f in FORMS if f != form] + ["集团", "股份公司"]))
    if kind == 0:
        return place + core + other_form
    if kind == 1:
        return f"{core}（{rng.choice(['长沙', '湖南', '中国', '深圳'])}）{form}"
    if kind == 2:
        return (place + core + "(Hunan)" + form).translate(FULL)
    if kind == 3:
        return " ".join(place + core) + form
    if kind == 4:
        return (place + core + form).translate(TRAD)
    if kind == 5:
        return "长沙经开区" + core + form
    if kind == 6:
        return f"{place}{core}{form}长沙分公司"
    return f"【{place or '湖南'}】{core}{form}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--new", type=int, default=10_000)
    ap.add_argument("--open", type=int, default=100_000)
    ap.add_argument("--target", type=float, default=10.0, help="seconds")
    args = ap.parse_args()
    from parkos.investment import engine

    print(f"machine: {machine()}; new names: {args.new}; open leads: {args.open}")
    rng = np.random.default_rng(5)
    parts = [company(rng) for _ in range(args.open)]
    open_names = [p + c + f for p, c, f in parts]
    t0 = time.perf_counter()
    open_keys = engine.keys_of(open_names)
    t_open = time.perf_counter() - t0
    planted = rng.choice(args.open, size=args.new // 5, replace=False)
    new_names = [variant(rng, *parts[i]) for i in planted.tolist()]
    new_names += ["".join(company(rng)) for _ in range(args.new - len(new_names))]
    t0 = time.perf_counter()
    new_keys = engine.keys_of(new_names)
    pairs = engine.match(new_keys, [""] * len(new_keys), open_keys, [""] * len(open_keys))
    elapsed = time.perf_counter() - t0
    hits = {(p.new, p.old) for p in pairs}
    found = sum(
        (i, int(j)) in hits or open_keys[int(j)] == new_keys[i] for i, j in enumerate(planted.tolist())
    )
    share = found / max(len(planted), 1)
    print(f"  normalising the {args.open} open leads' names (stored with each lead): {t_open:.2f} s")
    print(f"  check of {args.new} new names: {elapsed:.2f} s; {len(pairs)} matching pairs")
    print(f"  planted variants found: {found}/{len(planted)} ({share:.1%})")
    ok = elapsed <= args.target and share >= 0.99
    print(
        f"target <= {args.target:.1f} s and >= 99 % of variants found: {'MET' if ok else 'MISSED'} ({elapsed:.2f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
