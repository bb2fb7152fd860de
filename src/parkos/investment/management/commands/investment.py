"""`parkos investment dedupe FILE.xlsx [--report json|text] [--threshold T]`: which rows of a spreadsheet name the
same investor (columns 企业名称, optional 统一社会信用代码; rows numbered as in Excel, header = row 1)."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand


def read_names(path: Path) -> tuple[list[int], list[str], list[str]]:
    """Excel row numbers, names and USCCs of a sheet's non-empty rows; raises ValueError for a bad file."""
    from python_calamine import CalamineWorkbook

    from parkos.core.excel import text

    try:
        with path.open("rb") as fh:
            data = CalamineWorkbook.from_filelike(fh).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except Exception as exc:  # calamine raises several kinds for a file that is not a workbook
        raise ValueError(f"{path} is not a readable Excel workbook ({exc})") from None
    if not data:
        raise ValueError(f"{path}: the sheet is empty")
    heads = [text(h).replace(" ", "").replace("（", "(").replace("）", ")") for h in data[0]]
    name_col = next(
        (
            i
            for i, h in enumerate(heads)
            if h in {"企业名称", "投资方", "投资方名称", "客商名称", "名称", "name"}
        ),
        None,
    )
    if name_col is None:
        raise ValueError(f"{path}: no 企业名称 column in the first row")
    uscc_col = next(
        (i for i, h in enumerate(heads) if h in {"统一社会信用代码", "USCC", "uscc", "信用代码"}), None
    )
    rows, names, usccs = [], [], []
    for r, line in enumerate(data[1:], start=2):
        name = text(line[name_col]) if name_col < len(line) and line[name_col] not in (None, "") else ""
        code = (
            text(line[uscc_col])
            if uscc_col is not None and uscc_col < len(line) and line[uscc_col] not in (None, "")
            else ""
        )
        if name or code:
            rows.append(r)
            names.append(name)
            usccs.append(code)
    return rows, names, usccs


class Command(BaseCommand):
    help = "Check a spreadsheet of investor names for rows naming the same investor."
    requires_system_checks = []  # works before migrations: the settings row is read only when it exists

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        d = sub.add_parser("dedupe", help="group the rows that name the same investor")
        d.add_argument("file")
        d.add_argument("--report", choices=["json", "text"], default="text")
        d.add_argument(
            "--threshold", type=float, default=None, help="name similarity 0–100 (default: settings, 90)"
        )

    def handle(self, *args, **opts):
        from parkos.investment import engine

        try:
            rows, names, usccs = read_names(Path(opts["file"]))
        except ValueError as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(2)
        threshold, regions = engine.DEFAULT_THRESHOLD, ()
        try:  # the zone's settings when the database has them
            from parkos.investment.models import InvestmentConfig, region_names

            cfg = InvestmentConfig.get()
            if cfg.version:  # the zone saved its own settings
                threshold, regions = cfg.duplicate_threshold, region_names(cfg)
        except Exception:  # noqa: BLE001 — no database or no tables yet: the defaults hold
            pass
        if opts["threshold"] is not None:
            threshold = opts["threshold"]
        norm = engine.Normaliser(regions=regions)
        keys = [norm(n) for n in names]
        groups = [
            [rows[i] for i in g]
            for g in engine.groups(keys, [engine.clean_uscc(u) for u in usccs], threshold)
        ]
        if opts["report"] == "json":
            self.stdout.write(json.dumps({"groups": groups}, ensure_ascii=False))
            return
        if not groups:
            self.stdout.write(f"{len(rows)} rows, no two name the same investor.")
        for g in groups:
            self.stdout.write("rows " + ", ".join(map(str, g)) + ":")
            for r in g:
                i = rows.index(r)
                self.stdout.write(f"  {r}: {names[i]} {usccs[i]}".rstrip())
