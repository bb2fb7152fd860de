"""Excel schemas and importers for the registry: enterprises, land, annual and monthly indicators.

Headers are Chinese; aliases cover what the bureaus' own spreadsheets call the same column. Upserts are
keyed by USCC (and certificate number, year or month). Only rows whose values changed are updated, so
an export imported again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core.bulk import bulk_write, changed_fields, ids_by_key, in_chunks
from parkos.core.excel import (
    CellError,
    Column,
    ParsedSheet,
    RowError,
    Schema,
    boolean,
    choice_parser,
    decimal_parser,
    integer_parser,
    month_cell,
    past_date_cell,
    text,
    uscc,
    year_cell,
)
from parkos.core.geo import coordinate_cell
from parkos.core.imports import Importer, ProgressFn, register
from parkos.core.models import Department, Park

from . import industries, totals
from .models import (
    AnnualIndicator,
    Enterprise,
    EnterpriseStatus,
    LandParcel,
    MonthlyIndicator,
    SrdiLevel,
    Top500Kind,
)

money = decimal_parser(2)
amount = decimal_parser(3)
BATCH = 2000


def industry_cell(v: Any) -> str:
    try:
        return industries.normalize(text(v))
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _bounded(parse, max_len: int):
    def inner(v: Any) -> str:
        s = parse(v)
        if len(s) > max_len:
            raise CellError(_("longer than %(n)s characters") % {"n": max_len})
        return s

    return inner


def _label(choices):
    mapping = dict(choices)

    def fmt(v: str) -> str:
        return str(mapping.get(v, v)) if v else ""

    return fmt


USCC_ALIASES = ("信用代码", "社会信用代码", "统一信用代码", "USCC", "uscc")
USCC_COL = Column(
    "uscc",
    "统一社会信用代码",
    uscc,
    required=True,
    aliases=USCC_ALIASES,
    width=22,
    help=gettext_lazy("18 characters, GB 32100-2015, with a valid check character"),
)
NAME_COL = Column("name", "企业名称", _bounded(text, 200), aliases=("名称", "单位名称", "企业"), width=32)

ENTERPRISE_SCHEMA = Schema(
    kind="enterprises",
    title="企业名录",
    columns=[
        USCC_COL,
        Column(
            "name", "企业名称", _bounded(text, 200), required=True, aliases=("名称", "单位名称"), width=32
        ),
        Column("former_names", "曾用名", _bounded(text, 500), help=gettext_lazy("separate several with ；")),
        Column("legal_representative", "法定代表人", _bounded(text, 60), aliases=("法人", "法人代表")),
        Column("registered_capital", "注册资本(万元)", money, aliases=("注册资本",)),
        Column(
            "established_on", "成立日期", past_date_cell, aliases=("成立时间", "注册日期"), help="YYYY-MM-DD"
        ),
        Column(
            "industry_code",
            "行业代码",
            industry_cell,
            aliases=("国民经济行业代码", "行业分类代码"),
            help=gettext_lazy("GB/T 4754-2017 code, 2 to 4 digits, optionally after its section letter"),
        ),
        Column(
            "park",
            "所属片区",
            _bounded(text, 100),
            aliases=("片区", "园区", "所属园区"),
            allowed=lambda: list(Park.objects.order_by("code").values_list("name", flat=True)),
        ),
        Column("address", "注册地址", _bounded(text, 200), aliases=("地址", "企业地址"), width=30),
        Column("longitude", "经度", coordinate_cell("longitude"), aliases=("经度(WGS-84)", "东经")),
        Column("latitude", "纬度", coordinate_cell("latitude"), aliases=("纬度(WGS-84)", "北纬")),
        Column("is_above_scale", "是否规上", boolean, aliases=("规上企业", "规模以上")),
        Column("is_high_tech", "是否高新技术企业", boolean, aliases=("高新技术企业", "是否高新")),
        Column(
            "srdi_level",
            "专精特新等级",
            choice_parser(SrdiLevel.choices),
            aliases=("专精特新",),
            fmt=_label(SrdiLevel.choices),
        ),
        Column(
            "top500_kind",
            "三类500强类型",
            choice_parser(Top500Kind.choices),
            aliases=("500强",),
            fmt=_label(Top500Kind.choices),
        ),
        Column("is_foreign_funded", "是否外资", boolean, aliases=("外资企业",)),
        Column("is_listing_reserve", "是否上市后备", boolean, aliases=("上市后备",)),
        Column("is_headquarters", "是否总部", boolean, aliases=("总部企业",)),
        Column(
            "status",
            "经营状态",
            choice_parser(EnterpriseStatus.choices),
            aliases=("状态",),
            fmt=_label(EnterpriseStatus.choices),
        ),
        Column("tags", "标签", _bounded(text, 300), help=gettext_lazy("separate several with ，")),
        Column(
            "owner",
            "责任部门",
            _bounded(text, 100),
            aliases=("主管部门", "服务部门"),
            allowed=lambda: list(Department.objects.order_by("code").values_list("name", flat=True)),
        ),
    ],
)

LAND_SCHEMA = Schema(
    kind="land",
    title="企业用地",
    columns=[
        USCC_COL,
        NAME_COL,
        Column(
            "certificate_no",
            "宗地证号",
            _bounded(text, 60),
            required=True,
            aliases=("不动产权证号", "土地证号", "宗地编号"),
            width=24,
        ),
        Column("area_mu", "面积(亩)", money, required=True, aliases=("用地面积(亩)", "面积", "用地面积")),
        Column(
            "purpose",
            "用途",
            choice_parser(LandParcel.Purpose.choices),
            aliases=("土地用途",),
            fmt=_label(LandParcel.Purpose.choices),
        ),
        Column(
            "tenure",
            "使用方式",
            choice_parser(LandParcel.Tenure.choices),
            aliases=("权属", "自有/租赁"),
            fmt=_label(LandParcel.Tenure.choices),
        ),
        Column("location", "坐落", _bounded(text, 200), aliases=("位置", "地址"), width=30),
    ],
)

ANNUAL_COLUMNS = [
    ("revenue", "营业收入(万元)", money, ("营业收入", "主营业务收入(万元)")),
    ("gross_output", "工业总产值(万元)", money, ("工业总产值", "总产值(万元)")),
    ("value_added", "工业增加值(万元)", decimal_parser(2, minimum=None), ("工业增加值", "增加值(万元)")),
    (
        "tax_paid",
        "实缴税金(万元)",
        decimal_parser(2, minimum=None),
        ("实缴税金", "税收(万元)", "实缴税收(万元)"),
    ),
    ("total_profit", "利润总额(万元)", decimal_parser(2, minimum=None), ("利润总额", "利润(万元)")),
    ("rd_expense", "研发经费支出(万元)", money, ("研发经费支出", "研发经费(万元)", "R&D经费支出(万元)")),
    ("employees", "年平均职工人数", integer_parser(), ("职工人数", "从业人员", "年末从业人员")),
    ("energy_tce", "综合能耗(吨标准煤)", amount, ("综合能耗", "能耗(吨标准煤)")),
    ("electricity_10k_kwh", "用电量(万千瓦时)", amount, ("年用电量(万千瓦时)", "用电量(万kWh)")),
    ("cod_t", "化学需氧量(吨)", amount, ("化学需氧量", "COD(吨)")),
    ("ammonia_n_t", "氨氮(吨)", amount, ("氨氮", "氨氮排放量(吨)")),
    ("so2_t", "二氧化硫(吨)", amount, ("二氧化硫", "SO2(吨)")),
    ("nox_t", "氮氧化物(吨)", amount, ("氮氧化物", "NOx(吨)")),
]
ANNUAL_SCHEMA = Schema(
    kind="annual",
    title="年度指标",
    columns=[
        USCC_COL,
        NAME_COL,
        Column("year", "年度", year_cell, required=True, aliases=("年份",)),
        *[Column(k, h, p, aliases=a) for k, h, p, a in ANNUAL_COLUMNS],
    ],
)

MONTHLY_SCHEMA = Schema(
    kind="monthly",
    title="月度指标",
    columns=[
        USCC_COL,
        NAME_COL,
        Column(
            "month",
            "月份",
            month_cell,
            required=True,
            aliases=("月度", "统计月份"),
            fmt=lambda d: f"{d:%Y-%m}",
            help="YYYY-MM",
        ),
        Column("output_value", "产值(万元)", money, aliases=("工业产值(万元)", "产值")),
        Column("revenue", "营业收入(万元)", money, aliases=("营业收入",)),
        Column("tax", "税收(万元)", decimal_parser(2, minimum=None), aliases=("税收", "实缴税金(万元)")),
        Column("electricity_kwh", "用电量(千瓦时)", decimal_parser(0), aliases=("用电量", "用电量(kWh)")),
    ],
)


class _RegistryImporter(Importer):
    """Shared behaviour: enterprise lookup by USCC within the user's scope."""

    def enterprise_ids(self, sheet: ParsedSheet, *, user, column: str) -> dict[str, int]:
        """USCC -> id for the file's enterprises the user may change; errors for the others."""
        usccs = {r["uscc"] for r in sheet.rows if r.get("uscc")}
        found = ids_by_key(usccs, Enterprise.objects.all())
        allowed = ids_by_key(set(found), Enterprise.objects.restrict(user, "change"))
        for r in sheet.rows:
            u = r.get("uscc")
            if not u:
                continue
            if u not in found:
                sheet.errors.append(
                    RowError(r["_row"], column, _("no enterprise with this USCC in the registry"))
                )
            elif u not in allowed:
                sheet.errors.append(RowError(r["_row"], column, _("you may not change this enterprise")))
        return allowed

    def upsert(
        self, model, rows, *, key: tuple[str, str], fields: list[str], user, progress: ProgressFn, existing_qs
    ) -> tuple[int, int]:
        """Create or update `model` rows keyed by (enterprise_id, key[1]); only changed rows are updated."""
        existing = {(getattr(o, key[0]), getattr(o, key[1])): o for o in existing_qs}
        creates, updates, touched = [], [], set()
        total = len(rows)
        for i, data in enumerate(rows, start=1):
            obj = existing.get((data[key[0]], data[key[1]]))
            if obj is None:
                creates.append({k: data[k] for k in (*key, *fields) if k in data})
            else:
                diff = changed_fields(obj, data, fields)
                if diff:
                    for f in diff:
                        setattr(obj, f, data[f])
                    obj.version += 1
                    touched.update(diff)
                    updates.append(obj)
            if i % BATCH == 0:
                progress("prepare", i, total)
        bulk_write(model, creates, updates, sorted(touched), user=user, progress=progress)
        return len(creates), len(updates)


class EnterpriseImporter(_RegistryImporter):
    schema = ENTERPRISE_SCHEMA
    FIELDS = [c.key for c in ENTERPRISE_SCHEMA.columns if c.key not in {"uscc", "park", "owner"}]

    def check(self, sheet: ParsedSheet, *, user) -> dict:
        h = sheet.headers
        self.duplicates(sheet, ("uscc",), h["uscc"])
        parks = {p.name: p.pk for p in Park.objects.all()}
        depts = {d.name: d.pk for d in Department.objects.all()}
        usccs = {r["uscc"] for r in sheet.rows if r.get("uscc")}
        found = ids_by_key(usccs, Enterprise.objects.all())
        allowed = ids_by_key(set(found), Enterprise.objects.restrict(user, "change"))
        for r in sheet.rows:
            if r.get("park") and r["park"] not in parks:
                sheet.errors.append(
                    RowError(r["_row"], h["park"], _("no park named “%(v)s”") % {"v": r["park"]})
                )
            owner = r.get("owner")
            if owner and owner not in depts:
                sheet.errors.append(
                    RowError(r["_row"], h["owner"], _("no department named “%(v)s”") % {"v": owner})
                )
            elif owner and not user.is_zone_wide and depts[owner] != user.department_id:
                sheet.errors.append(
                    RowError(r["_row"], h["owner"], _("you may only assign your own department"))
                )
            u = r.get("uscc")
            if u and u in found and u not in allowed:
                sheet.errors.append(RowError(r["_row"], h["uscc"], _("you may not change this enterprise")))
        return {"parks": parks, "depts": depts}

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        parks, depts = ctx["parks"], ctx["depts"]
        totals.mark_stale()  # an enterprise may change park, department, 规上 or industry: every month's totals
        present = {k for r in rows for k in r}  # only columns that are in the file are written
        fields = [f for f in self.FIELDS if f in present]
        if "park" in present:
            fields.append("park_id")
        if "owner" in present:
            fields.append("owner_id")
        own_dept = None if user.is_zone_wide else user.department_id
        for r in rows:
            if "park" in present:
                r["park_id"] = parks.get(r["park"]) if r.get("park") else None
            if "owner" in present:
                r["owner_id"] = depts.get(r["owner"]) if r.get("owner") else own_dept
            for f in (
                "former_names",
                "legal_representative",
                "address",
                "tags",
                "industry_code",
                "srdi_level",
                "top500_kind",
            ):
                if f in r and r[f] is None:
                    r[f] = ""
            for f in (
                "is_above_scale",
                "is_high_tech",
                "is_foreign_funded",
                "is_listing_reserve",
                "is_headquarters",
            ):
                if f in r and r[f] is None:
                    r[f] = False
            if "status" in r and r["status"] is None:
                r["status"] = EnterpriseStatus.OPERATING
            if "industry_code" in r:
                r["industry_division"] = r["industry_code"][:2]
        if "industry_code" in present:
            fields.append("industry_division")
        existing = {e.uscc: e for e in in_chunks(Enterprise.objects.all(), "uscc", [r["uscc"] for r in rows])}
        creates, updates, changed = [], [], set()
        today = timezone.localdate()
        for i, r in enumerate(rows, start=1):
            obj = existing.get(r["uscc"])
            if obj is None:
                data = {k: r[k] for k in fields if k in r}
                data.setdefault("owner_id", own_dept)
                data["uscc"] = r["uscc"]
                creates.append(data)
            else:
                diff = changed_fields(obj, r, fields)
                if diff:
                    for f in diff:
                        setattr(obj, f, r[f])
                    obj.version += 1
                    changed.update(diff)
                    changed.update(obj.stamp_flags(today))  # 入规, 升高: the day the import switched them on
                    updates.append(obj)
            if i % BATCH == 0:
                progress("prepare", i, len(rows))
        bulk_write(Enterprise, creates, updates, sorted(changed), user=user, progress=progress)
        return len(creates), len(updates)

    def records(self, *, user):
        from .selectors import enterprise_export_records, enterprise_list

        return enterprise_export_records(enterprise_list(user=user, action="export").order_by("uscc"))


def _child_records(model, user, columns: list[str], order: str):
    qs = model.objects.restrict(user, "export").order_by("enterprise__uscc", order)
    for row in qs.values("enterprise__uscc", "enterprise__name", *columns).iterator(chunk_size=5000):
        row["uscc"] = row.pop("enterprise__uscc")
        row["name"] = row.pop("enterprise__name")
        yield row


class LandImporter(_RegistryImporter):
    schema = LAND_SCHEMA
    FIELDS = ["area_mu", "purpose", "tenure", "location"]

    def check(self, sheet, *, user) -> dict[str, int]:
        h = sheet.headers
        self.duplicates(sheet, ("uscc", "certificate_no"), h["certificate_no"])
        return self.enterprise_ids(sheet, user=user, column=h["uscc"])

    def write(self, rows, *, user, progress, ctx):
        for r in rows:
            r["enterprise_id"] = ctx[r["uscc"]]
            r["purpose"] = r.get("purpose") or LandParcel.Purpose.INDUSTRIAL
            r["tenure"] = r.get("tenure") or LandParcel.Tenure.OWNED
            r["location"] = r.get("location") or ""
        qs = in_chunks(LandParcel.objects.all(), "enterprise_id", set(ctx.values()))
        return self.upsert(
            LandParcel,
            rows,
            key=("enterprise_id", "certificate_no"),
            fields=self.FIELDS,
            user=user,
            progress=progress,
            existing_qs=qs,
        )

    def records(self, *, user):
        return _child_records(LandParcel, user, ["certificate_no", *self.FIELDS], "certificate_no")


class AnnualImporter(_RegistryImporter):
    schema = ANNUAL_SCHEMA
    FIELDS = [k for k, *_rest in ANNUAL_COLUMNS]

    def check(self, sheet, *, user) -> dict[str, int]:
        h = sheet.headers
        self.duplicates(sheet, ("uscc", "year"), h["year"])
        return self.enterprise_ids(sheet, user=user, column=h["uscc"])

    def write(self, rows, *, user, progress, ctx):
        present = {k for r in rows for k in r}
        for r in rows:
            r["enterprise_id"] = ctx[r["uscc"]]
        years = {r["year"] for r in rows}
        qs = in_chunks(AnnualIndicator.objects.filter(year__in=years), "enterprise_id", set(ctx.values()))
        return self.upsert(
            AnnualIndicator,
            rows,
            key=("enterprise_id", "year"),
            fields=[f for f in self.FIELDS if f in present],
            user=user,
            progress=progress,
            existing_qs=qs,
        )

    def records(self, *, user):
        return _child_records(AnnualIndicator, user, ["year", *self.FIELDS], "year")


class MonthlyImporter(_RegistryImporter):
    schema = MONTHLY_SCHEMA
    FIELDS = ["output_value", "revenue", "tax", "electricity_kwh"]

    def check(self, sheet, *, user) -> dict[str, int]:
        h = sheet.headers
        self.duplicates(sheet, ("uscc", "month"), h["month"])
        return self.enterprise_ids(sheet, user=user, column=h["uscc"])

    def write(self, rows, *, user, progress, ctx):
        present = {k for r in rows for k in r}
        for r in rows:
            r["enterprise_id"] = ctx[r["uscc"]]
        months = {r["month"] for r in rows}
        qs = in_chunks(MonthlyIndicator.objects.filter(month__in=months), "enterprise_id", set(ctx.values()))
        totals.mark_stale(
            months
        )  # bulk writes send no signals: the cockpit's totals of these months are rebuilt
        return self.upsert(
            MonthlyIndicator,
            rows,
            key=("enterprise_id", "month"),
            fields=[f for f in self.FIELDS if f in present],
            user=user,
            progress=progress,
            existing_qs=qs,
        )

    def records(self, *, user):
        return _child_records(MonthlyIndicator, user, ["month", *self.FIELDS], "month")


for _importer in (EnterpriseImporter(), LandImporter(), AnnualImporter(), MonthlyImporter()):
    register(_importer)

SCHEMAS = {s.kind: s for s in (ENTERPRISE_SCHEMA, LAND_SCHEMA, ANNUAL_SCHEMA, MONTHLY_SCHEMA)}
