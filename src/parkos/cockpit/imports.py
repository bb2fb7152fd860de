"""Peer zones' published values in (对标园区指标), one row per zone, indicator and data year, validated as a whole
before anything is written; the same layout comes out of the peers page's export."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from parkos.core import capabilities
from parkos.core.bulk import bulk_insert_objects
from parkos.core.excel import (
    Column,
    ParsedSheet,
    RowError,
    Schema,
    choice_parser,
    decimal_parser,
    text,
    year_cell,
)
from parkos.core.imports import Importer, register
from parkos.core.models import Zone

from .models import EVALUATION_OFFICE, Indicator, PeerValue, PeerZone, Region

PEERS_SCHEMA = Schema(
    kind="evaluation-peers",
    title="国家级经开区对标数据",
    columns=[
        Column("zone", "园区名称", text, required=True, width=28),
        Column("province", "所在省份", text),
        Column("region", "区域", choice_parser(Region.choices), help="东部/中部/西部"),
        Column("year", "数据年度", year_cell, required=True, help="考核年度的上一年"),
        Column("indicator", "指标", text, required=True, width=36, help="指标名称或代码，见指标目录"),
        Column("value", "数值", decimal_parser(4, minimum=None), required=True, help="按指标目录的单位填写"),
    ],
)


def indicator_lookup() -> dict[str, Indicator]:
    """Active indicators by name and by code (the latest catalogue version first)."""
    out: dict[str, Indicator] = {}
    for i in (
        Indicator.objects.filter(is_active=True)
        .select_related("dimension")
        .order_by("-dimension__version", "pk")
    ):
        out.setdefault(i.name, i)
        out.setdefault(i.code, i)
    return out


class PeerImporter(Importer):
    schema = PEERS_SCHEMA
    permission = "import"

    def check(self, sheet: ParsedSheet, *, user) -> None:
        if not capabilities.acts(user, EVALUATION_OFFICE, "change"):
            sheet.errors.append(
                RowError(1, "", _("Only the national evaluation office imports the peers' values."))
            )
            return
        h = sheet.headers
        indicators = indicator_lookup()
        home = {n.strip() for n in Zone.objects.values_list("name", flat=True)} | {
            n.strip() for n in Zone.objects.values_list("short_name", flat=True) if n
        }
        for r in sheet.rows:
            label = r.get("indicator") or ""
            r["indicator"] = indicators.get(label.strip())
            if r["indicator"] is None:
                sheet.errors.append(
                    RowError(
                        r["_row"], h["indicator"], _("no indicator “%(v)s” in the catalogue") % {"v": label}
                    )
                )
            if (r.get("zone") or "").strip() in home:
                sheet.errors.append(
                    RowError(
                        r["_row"],
                        h["zone"],
                        _("this is the zone itself: enter its values on the zone values page"),
                    )
                )
        self.duplicates(sheet, ("zone", "indicator", "year"), h["indicator"])
        regions: dict[str, tuple[int, str]] = {}
        for r in sheet.rows:
            region = r.get("region")
            if not region:
                continue
            first = regions.setdefault(r["zone"], (r["_row"], region))
            if first[1] != region:
                sheet.errors.append(
                    RowError(
                        r["_row"],
                        h.get("region", "区域"),
                        _("row %(row)s puts this zone in another region") % {"row": first[0]},
                    )
                )

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        zones = {z.name: z for z in PeerZone.objects.filter(name__in={r["zone"] for r in rows})}
        for r in rows:
            z = zones.get(r["zone"])
            if z is None:
                z = zones[r["zone"]] = PeerZone.objects.create(
                    name=r["zone"], province=r.get("province") or "", region=r.get("region") or Region.CENTRAL
                )
            changed = {}
            if r.get("province") and r["province"] != z.province:
                changed["province"] = r["province"]
            if r.get("region") and r["region"] != z.region:
                changed["region"] = r["region"]
            if changed:
                for k, v in changed.items():
                    setattr(z, k, v)
                z.save(update_fields=list(changed))
        existing = {
            (v.zone_id, v.indicator_id, v.year): v
            for v in PeerValue.objects.filter(zone__in=zones.values(), year__in={r["year"] for r in rows})
        }
        now = timezone.now()
        new, old = [], []
        for r in rows:
            key = (zones[r["zone"]].pk, r["indicator"].pk, r["year"])
            v = existing.get(key)
            if v is None:
                new.append(
                    PeerValue(
                        zone=zones[r["zone"]],
                        indicator=r["indicator"],
                        year=r["year"],
                        value=r["value"],
                        imported_by=user,
                    )
                )
            elif v.value != r["value"]:
                v.value, v.imported_by, v.imported_at = r["value"], user, now
                old.append(v)
        bulk_insert_objects(new, user=user)
        if old:
            bulk_update_with_history(
                old, PeerValue, ["value", "imported_by", "imported_at"], default_user=user
            )
        return len(new), len(old)

    def records(self, *, user) -> list[dict[str, Any]]:
        from . import selectors

        return list(selectors.peer_records(user=user))


register(PeerImporter())
