"""Credit records, effective classes and 信用修复 (specs/credit.md §2, §3, §7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from django.db import connection, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import notify, workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.selectors import working_calendar
from parkos.core.services import attach_files, check_version, clean_and_save
from parkos.enterprises.models import Enterprise

from .. import engine
from ..models import (
    DECISION_KINDS,
    DISCREDIT_KINDS,
    ENDED,
    LIST_KINDS,
    CreditConfig,
    CreditProfile,
    CreditRecord,
    RecordKind,
    RecordStatus,
    RepairApplication,
    runs_credit,
)
from ..workflows import RECORD, REPAIR

REMIND_KIND = "credit.repair_open"
DECISION_KIND = "credit.repair_submitted"


# ---- effective classes -----------------------------------------------------------------------------------------
def _columns(sql: str, params: Iterable = ()) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return cur.fetchall()


def _latest(rows: list[tuple], group_cols: int) -> list[tuple]:
    """Rows sorted by (group…, date, pk): the last of each group."""
    out = []
    for k, r in enumerate(rows):
        if k + 1 == len(rows) or rows[k + 1][:group_cols] != r[:group_cols]:
            out.append(r)
    return out


COPY_ABOVE = 2000  # profiles written at once above which PostgreSQL's COPY takes over from INSERT statements
PROFILE_FIELDS = [
    "effective_class",
    "inputs",
    "samr_class",
    "serious",
    "abnormal",
    "watch",
    "data_fraud",
    "discredit",
]


def _inputs_of(today: dt.date, ids_filter: str, params: list) -> tuple[list, list, list]:
    """The latest SAMR class of each enterprise, the latest grade of each of its sectors, and its 失信 records in
    force, as rows read without the ORM's per-object cost."""
    samr = _latest(
        _columns(
            f"SELECT enterprise_id, as_of, id, cls FROM credit_samrclass WHERE as_of <= %s{ids_filter}"
            " ORDER BY enterprise_id, as_of, id",
            [today, *params],
        ),
        1,
    )
    grades = _latest(
        _columns(
            f"SELECT enterprise_id, scheme, as_of, id, grade FROM credit_sectorgrade WHERE as_of <= %s{ids_filter}"
            " ORDER BY enterprise_id, scheme, as_of, id",
            [today, *params],
        ),
        2,
    )
    kinds, ended = sorted(DISCREDIT_KINDS), sorted(ENDED)
    records = _columns(
        f"SELECT enterprise_id, kind, id, decided_on FROM credit_creditrecord WHERE kind IN "
        f"({','.join(['%s'] * len(kinds))}) AND status NOT IN ({','.join(['%s'] * len(ended))})"
        f" AND decided_on <= %s{ids_filter}",
        [*kinds, *ended, today, *params],
    )
    return samr, grades, records


def profiles_refresh(*, today: dt.date | None = None, enterprise_ids: Iterable[int] | None = None) -> int:
    """Recompute every (or these) enterprise's effective class (spec §2.3) and list flags as of `today`, over
    columns: the latest SAMR class, the latest grade of each sector, the list entries in force (by the settings,
    严重失信 → D, 经营异常 and 重点关注 → C). Writes only the profiles that changed; returns how many."""
    today = today or timezone.localdate()
    cfg = CreditConfig.get()
    list_class = {"serious": "D", "abnormal": cfg.abnormal_class, "watch": cfg.watch_class}
    params: list[int] = sorted(set(enterprise_ids)) if enterprise_ids is not None else []
    if enterprise_ids is not None and not params:
        return 0
    ids_filter = f" AND enterprise_id IN ({','.join(['%s'] * len(params))})" if params else ""
    ent_ids = [
        r[0]
        for r in _columns(
            "SELECT id FROM enterprises_enterprise"
            + (f" WHERE id IN ({','.join(['%s'] * len(params))})" if params else "")
            + " ORDER BY id",
            params,
        )
    ]
    if not ent_ids:
        return 0
    samr, grades, records = _inputs_of(today, ids_filter, params)
    pos = {e: k for k, e in enumerate(ent_ids)}
    owner, risk, shown = [], [], []  # one row per input: whose, its risk, what the page shows
    samr_of: dict[int, tuple] = {}
    for e, as_of, _pk, cls in samr:
        owner.append(pos[e])
        risk.append(engine.RISK[cls])
        shown.append(("samr", cls, cls, str(as_of)))
        samr_of[e] = (cls, as_of)
    for e, scheme, as_of, _pk, grade in grades:
        cls = engine.SECTOR_SCHEMES.get(scheme, {}).get(grade, "")
        if cls:
            owner.append(pos[e])
            risk.append(engine.RISK[cls])
            shown.append((scheme, grade, cls, str(as_of)))
    flags: dict[int, dict[str, int]] = {}
    for e, kind, pk, decided in records:
        f = flags.setdefault(e, {})
        f[kind] = f.get(kind, 0) + 1
        cls = list_class.get(LIST_KINDS.get(kind, ""), "")
        if cls:
            owner.append(pos[e])
            risk.append(engine.RISK[cls])
            shown.append((kind, pk, cls, str(decided)))
    classes = engine.class_letters(
        engine.max_risk(len(ent_ids), np.array(owner, dtype=np.int64), np.array(risk, dtype=np.int8))
    )
    inputs: dict[int, list] = {}
    for k, row in zip(owner, shown, strict=True):
        inputs.setdefault(k, []).append(list(row))
    return _write_profiles(ent_ids, classes, inputs, samr_of, flags, today, params)


def _write_profiles(ent_ids, classes, inputs, samr_of, flags, today, params) -> int:
    """Upsert the profiles whose values changed (bulk, in batches)."""
    current = CreditProfile.objects.all()
    if params:
        current = current.filter(enterprise_id__in=params)
    existing = {p[0]: p[1:] for p in current.values_list("enterprise_id", *PROFILE_FIELDS)}
    rows = []
    for k, e in enumerate(ent_ids):
        f = flags.get(e, {})
        samr_cls, samr_as_of = samr_of.get(e, ("", None))
        values = (
            str(classes[k]),
            inputs.get(k, []),
            samr_cls,
            bool(f.get(RecordKind.SERIOUS)),
            bool(f.get(RecordKind.ABNORMAL)),
            bool(f.get(RecordKind.WATCH)),
            bool(f.get(RecordKind.DATA_FRAUD)),
            sum(f.values()),
        )
        if existing.get(e) == values:
            continue
        rows.append((e, *values, samr_as_of, today))
    if rows and connection.vendor == "postgresql" and len(rows) > COPY_ABOVE:
        _copy_profiles(rows)
    else:
        CreditProfile.objects.bulk_create(
            [
                CreditProfile(
                    enterprise_id=r[0],
                    **dict(zip(PROFILE_FIELDS, r[1:9], strict=True)),
                    samr_as_of=r[9],
                    refreshed_on=r[10],
                )
                for r in rows
            ],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["enterprise"],
            update_fields=[*PROFILE_FIELDS, "samr_as_of", "refreshed_on"],
        )
    return len(rows)


def _copy_profiles(rows: list[tuple]) -> None:
    """Many profiles at once on PostgreSQL: COPY into a temporary table, then one upsert (a nightly refresh of a
    whole registry writes 100,000 rows in about a second instead of fifty INSERT statements)."""
    import json

    cols = ["enterprise_id", *PROFILE_FIELDS, "samr_as_of", "refreshed_on"]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE credit_profile_in (LIKE credit_creditprofile INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cur.execute("ALTER TABLE credit_profile_in DROP COLUMN id")
        with cur.cursor.copy(f"COPY credit_profile_in ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r[0], r[1], json.dumps(r[2], ensure_ascii=False), *r[3:]))
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols[1:])
        cur.execute(
            f"INSERT INTO credit_creditprofile ({', '.join(cols)}) SELECT {', '.join(cols)} FROM credit_profile_in "
            f"ON CONFLICT (enterprise_id) DO UPDATE SET {updates}"
        )
        cur.execute("DROP TABLE credit_profile_in")


# ---- records ---------------------------------------------------------------------------------------------------
def _may_record(user, department_id) -> bool:
    if not user.may("change") or user.is_enterprise_user:
        return False
    return runs_credit(user) or (department_id is not None and department_id == user.department_id)


def windows_of(record: CreditRecord, cal=None) -> None:
    """Set a record's deadlines from its kind, severity and decision date (spec §3, §7)."""
    cfg = CreditConfig.get()
    cal = cal or working_calendar()
    if record.kind in DECISION_KINDS:
        record.publish_due = cal.add_working_days(record.decided_on, cfg.decision_publish_wd)
    if record.kind in DISCREDIT_KINDS and record.severity:
        record.repair_from, record.publish_until = engine.repair_window(record.decided_on, record.severity)
    else:
        record.repair_from = record.publish_until = None


@transaction.atomic
def record_create(
    *,
    user,
    enterprise_id: int,
    kind: str,
    title: str,
    decided_on: dt.date,
    severity: str = "",
    department_id: int | None = None,
    document_no: str = "",
    authority: str = "",
    published_on: dt.date | None = None,
    source: str = "manual",
    source_ref: str = "",
    note: str = "",
) -> CreditRecord:
    """A credit record decided by a department (its own) or entered by the credit office."""
    department_id = department_id if department_id is not None else user.department_id
    if not _may_record(user, department_id):
        raise Forbidden(_("Only the deciding department or the credit office records this."))
    if not Enterprise.objects.filter(pk=enterprise_id).exists():
        raise Invalid(_("Choose an enterprise of the registry."), fields={"enterprise": [_("required")]})
    if kind in DISCREDIT_KINDS and not severity:
        raise Invalid(
            _("A discredit record needs its severity (minor, ordinary or serious)."),
            fields={"severity": [_("required")]},
        )
    if decided_on > timezone.localdate():
        raise Invalid(_("The decision date cannot be in the future."), fields={"decided_on": [_("future")]})
    r = CreditRecord(
        enterprise_id=enterprise_id,
        kind=kind,
        status=RecordStatus.PUBLISHED if kind in DISCREDIT_KINDS else RecordStatus.RECORDED,
        severity=severity if kind in DISCREDIT_KINDS else "",
        title=title.strip(),
        decided_on=decided_on,
        department_id=department_id,
        document_no=document_no.strip(),
        authority=authority.strip(),
        published_on=published_on,
        source=source,
        source_ref=source_ref,
        note=note.strip(),
    )
    windows_of(r)
    clean_and_save(r, user=user)
    workflow.record(RECORD, r, "create", user=user, on=timezone.localdate(), frm="")
    profiles_refresh(enterprise_ids=[enterprise_id])
    return r


@transaction.atomic
def record_publish(*, user, pk: int, on: dt.date | None = None, version: int | None = None) -> CreditRecord:
    r = get_object_or_404(CreditRecord.objects.restrict(user, "change").select_for_update(), pk=pk)
    if version is not None:
        check_version(r, version)
    on = on or timezone.localdate()
    if r.published_on:
        raise Invalid(_("This record was published on %(d)s.") % {"d": r.published_on})
    if on < r.decided_on:
        raise Invalid(_("A record is published on or after the day it was decided."))
    r.published_on = on
    r.version += 1
    clean_and_save(r, user=user)
    return r


def record_false_commitment(
    *, user, enterprise_id: int, title: str, found_on: dt.date, ref: str, department_id: int | None
) -> CreditRecord:
    """Approval verification found a 告知承诺 false: the department that verified writes the 失信 record (一般)."""
    return record_create(
        user=user,
        enterprise_id=enterprise_id,
        kind=RecordKind.FALSE_COMMITMENT,
        severity=engine.ORDINARY,
        title=title,
        decided_on=found_on,
        department_id=department_id,
        source="approvals",
        source_ref=ref,
    )


def windows_close(today: dt.date) -> tuple[int, int]:
    """The nightly job: end every 失信 window past its maximum (期满停止) and tell enterprises whose records may now
    be repaired (once per record). Returns (ended, reminded)."""
    with transaction.atomic():
        expired = list(
            CreditRecord.objects.select_for_update().filter(
                kind__in=sorted(DISCREDIT_KINDS),
                status=RecordStatus.PUBLISHED,
                publish_until__lt=today,
            )
        )

        def ended(r: CreditRecord) -> None:
            r.ended_on = today

        workflow.transition_many(
            RECORD, expired, "expire", user=None, on=today, fields=["ended_on"], effects=ended
        )
        if expired:
            profiles_refresh(today=today, enterprise_ids={r.enterprise_id for r in expired})
    due = list(
        CreditRecord.objects.filter(
            kind__in=sorted(DISCREDIT_KINDS),
            status=RecordStatus.PUBLISHED,
            repair_from__lte=today,
            reminded_on__isnull=True,
        ).select_related("enterprise")
    )
    if due:
        from django.urls import reverse

        from parkos.enterprises.models import EnterpriseAccount

        users: dict[int, set[int]] = {}
        for eid, uid in EnterpriseAccount.objects.filter(
            enterprise_id__in={r.enterprise_id for r in due}
        ).values_list("enterprise_id", "user_id"):
            users.setdefault(eid, set()).add(uid)
        notify.send_many(
            [
                notify.Message(
                    kind=REMIND_KIND,
                    recipients=users.get(r.enterprise_id, set()),
                    message=_(
                        "“%(title)s” (%(date)s) may now be repaired: apply with your evidence and commitment."
                    )
                    % {"title": r.title, "date": r.decided_on},
                    on=today,
                    target=r,
                    url=reverse("credit:mine"),
                    once_key=f"repair-open-{r.pk}",
                )
                for r in due
                if users.get(r.enterprise_id)
            ]
        )
        CreditRecord.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
    return len(expired), len(due)


# ---- 信用修复 ----------------------------------------------------------------------------------------------------
@transaction.atomic
def repair_apply(
    *,
    user,
    record_id: int,
    statement: str,
    commitment: str,
    evidence=None,
    on: dt.date | None = None,
) -> RepairApplication:
    """The enterprise applies to repair one of its 失信 records once the minimum period has passed (spec §7)."""
    r = get_object_or_404(CreditRecord.objects.restrict(user, "view").select_for_update(), pk=record_id)
    if not user.is_enterprise_user:
        raise Forbidden(_("The enterprise itself applies for repair."))
    on = on or timezone.localdate()
    if not r.is_discredit or r.status != RecordStatus.PUBLISHED:
        raise Invalid(_("Only a discredit record still published can be repaired."))
    if r.repair_from and on < r.repair_from:
        raise Invalid(_("This record may be repaired from %(d)s.") % {"d": r.repair_from})
    errors = {}
    if not statement.strip():
        errors["statement"] = [_("Say how the violation was corrected and the obligations fulfilled.")]
    if not commitment.strip():
        errors["commitment"] = [_("The credit commitment is required.")]
    if errors:
        raise Invalid(_("Please correct the errors below."), fields=errors)
    cfg = CreditConfig.get()
    app = RepairApplication(
        record=r,
        enterprise_id=r.enterprise_id,
        department_id=r.department_id,
        submitted_on=on,
        due=working_calendar().add_working_days(on, cfg.repair_decision_wd),
        statement=statement.strip(),
        commitment=commitment.strip(),
        applicant=user,
    )
    clean_and_save(app, user=user)
    if evidence:
        attach_files(user=user, target="credit.repair", target_id=app.pk, uploads=list(evidence))
    workflow.record(REPAIR, app, "submit", user=user, on=on, frm="")
    workflow.transition(RECORD, r, "apply_repair", user=user, on=on)
    _tell_deciders(app, on)
    return app


def _tell_deciders(app: RepairApplication, on: dt.date) -> None:
    from django.urls import reverse

    from parkos.core.capabilities import department_ids
    from parkos.core.models import User

    from ..models import CREDIT_OFFICE

    depts = {app.department_id} if app.department_id else set(department_ids(CREDIT_OFFICE))
    recipients = set(
        User.objects.filter(
            department_id__in=depts, is_active=True, role__in=["dept_admin", "dept_staff"]
        ).values_list("pk", flat=True)
    )
    if recipients:
        notify.send(
            notify.Message(
                kind=DECISION_KIND,
                recipients=recipients,
                message=_("Repair application for “%(title)s”: decide by %(due)s.")
                % {"title": app.record.title, "due": app.due},
                on=on,
                target=app,
                url=reverse("credit:repairs"),
                once_key=f"repair-{app.pk}",
            )
        )


@transaction.atomic
def repair_decide(
    *, user, pk: int, approve: bool, decision: str = "", on: dt.date | None = None, version: int | None = None
) -> RepairApplication:
    """The deciding department (or the credit office) approves or refuses; an approved repair ends the record from
    that day: it stops counting for rules, the 亩均 veto and the class."""
    app = get_object_or_404(
        RepairApplication.objects.restrict(user, "change").select_for_update().select_related("record"), pk=pk
    )
    if version is not None:
        check_version(app, version)
    on = on or timezone.localdate()
    if on < app.submitted_on:
        raise Invalid(_("The decision cannot come before the application."))
    if not approve and not decision.strip():
        raise Invalid(_("Give the reason for refusing."), fields={"decision": [_("required")]})

    def effects(_t) -> None:
        app.decided_on, app.decided_by, app.decision = on, user, decision.strip()

    workflow.transition(
        REPAIR, app, "approve" if approve else "refuse", user=user, on=on, note=decision, effects=effects
    )
    r = app.record

    def ended(_t) -> None:
        r.ended_on = on if approve else None

    workflow.transition(
        RECORD, r, "repaired" if approve else "repair_refused", user=user, on=on, effects=ended
    )
    profiles_refresh(enterprise_ids=[r.enterprise_id])
    return app
