"""Credit records (issue #17 §1, §2, §5): the effective class from every input, the 双公示 and repair windows on the
working-day calendar, 信用修复 from application to the record no longer counting, the nightly window job, and
who may see and write what."""

import datetime as dt

import pytest
from django.http import Http404

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Notice
from parkos.credit import public, selectors, services
from parkos.credit.models import (
    CREDIT_OFFICE,
    CreditProfile,
    CreditRecord,
    RecordKind,
    RecordStatus,
    RepairState,
)
from tests.factories import EnterpriseFactory, enterprise_user, grant, samr_class, sector_grade

D = dt.date


def _serious(staff, ent, decided=None, **kw):
    return services.record_create(
        user=staff,
        enterprise_id=ent.pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="列入严重失信主体名单",
        decided_on=decided or D(2025, 3, 2),
        **kw,
    )


def test_effective_class_is_the_highest_risk_of_all_inputs_with_each_input_shown(db, ent_a, ent_b):
    samr_class(ent_a, "A", D(2026, 10, 1))
    samr_class(ent_a, "B", D(2026, 11, 1))  # the latest SAMR class counts
    sector_grade(ent_a, "tax_credit", "M", D(2026, 4, 1))  # M → B
    sector_grade(ent_a, "environment", "警示", D(2026, 5, 1))  # → C
    other = EnterpriseFactory()
    services.profiles_refresh(today=D(2026, 12, 1))
    p = CreditProfile.objects.get(enterprise=ent_a)
    assert p.effective_class == "C"
    assert p.samr_class == "B"
    assert p.samr_as_of == D(2026, 11, 1)
    assert sorted(tuple(i) for i in p.inputs) == sorted(
        [
            ("samr", "B", "B", "2026-11-01"),
            ("tax_credit", "M", "B", "2026-04-01"),
            ("environment", "警示", "C", "2026-05-01"),
        ]
    )
    assert CreditProfile.objects.get(enterprise=other).effective_class == "B"  # nothing at all → B
    assert CreditProfile.objects.get(enterprise=other).inputs == []
    assert public.effective_classes([ent_a.pk, other.pk, ent_b.pk]) == {
        ent_a.pk: "C",
        other.pk: "B",
        ent_b.pk: "B",
    }


def test_a_class_dated_after_the_day_does_not_count_yet(db, ent_a):
    samr_class(ent_a, "D", D(2026, 12, 5))
    services.profiles_refresh(today=D(2026, 12, 1))
    assert CreditProfile.objects.get(enterprise=ent_a).effective_class == "B"
    services.profiles_refresh(today=D(2026, 12, 5))
    assert CreditProfile.objects.get(enterprise=ent_a).effective_class == "D"


def test_serious_list_forces_d_and_the_flags_until_repaired(db, admin, ent_a):
    samr_class(ent_a, "A")
    r = _serious(admin, ent_a)
    p = CreditProfile.objects.get(enterprise=ent_a)
    assert p.effective_class == "D"
    assert p.serious
    assert p.discredit == 1
    assert ["serious", r.pk, "D", "2025-03-02"] in p.inputs
    cls, miss = selectors.class_column(2026, [ent_a.pk])
    assert list(cls) == ["D"]
    assert not miss.any()
    assert list(selectors.serious_column(2026, [ent_a.pk])[0]) == [True]
    assert selectors.evaluation_events(2026, [ent_a.pk]) == {ent_a.pk: ["严重失信"]}
    assert selectors.evaluation_events(2024, [ent_a.pk]) == {}  # decided after the evaluated year


def test_abnormal_list_class_follows_the_settings(db, admin, ent_a):
    from parkos.credit.models import CreditConfig

    samr_class(ent_a, "A")
    services.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.ABNORMAL,
        severity="minor",
        title="未按期公示年报",
        decided_on=D(2026, 7, 1),
    )
    assert CreditProfile.objects.get(enterprise=ent_a).effective_class == "C"
    assert CreditProfile.objects.get(enterprise=ent_a).abnormal
    CreditConfig.save_values(user=admin, data={"abnormal_class": ""})
    services.profiles_refresh()
    assert CreditProfile.objects.get(enterprise=ent_a).effective_class == "A"


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        (
            D(2026, 9, 30),
            D(2026, 10, 15),
        ),  # Oct 1–7 off; Thu 8, Fri 9, Sat 10 (worked), Mon 12 … Thu 15 = 7 WD
        (D(2026, 4, 30), D(2026, 5, 13)),  # month end: May 1–5 off; 6, 7, 8, Sat 9 (worked), 11, 12, 13
        (D(2026, 6, 26), D(2026, 7, 7)),  # Fri 26 Jun: 29, 30, 1 Jul, 2, 3, 6, 7
    ],
)
def test_a_penalty_is_published_within_seven_working_days(db, admin, ent_a, decided, due):
    r = services.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="ordinary",
        title="罚款五万元",
        decided_on=decided,
    )
    assert r.publish_due == due
    lic = services.record_create(
        user=admin, enterprise_id=ent_a.pk, kind=RecordKind.LICENCE, title="排污许可", decided_on=decided
    )
    assert lic.publish_due == due
    assert lic.status == RecordStatus.RECORDED
    assert lic.repair_from is None


def test_windows_by_severity_from_the_decision_date(db, admin, ent_a):
    r = services.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="ordinary",
        title="罚款",
        decided_on=D(2026, 1, 31),
    )
    assert (r.repair_from, r.publish_until) == (D(2026, 4, 30), D(2027, 1, 31))
    m = services.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="minor",
        title="警告",
        decided_on=D(2026, 8, 31),
    )
    assert (m.repair_from, m.publish_until) == (D(2026, 8, 31), D(2026, 11, 30))
    with pytest.raises(Invalid):
        services.record_create(
            user=admin,
            enterprise_id=ent_a.pk,
            kind=RecordKind.PENALTY,
            title="无严重程度",
            decided_on=D(2026, 8, 31),
        )


def test_only_the_deciding_department_or_the_credit_office_records(db, staff_a, staff_b, ent_a, dept_b):
    with pytest.raises(Forbidden):
        services.record_create(
            user=staff_a,
            enterprise_id=ent_a.pk,
            kind=RecordKind.PENALTY,
            severity="minor",
            title="x",
            decided_on=D(2026, 5, 6),
            department_id=dept_b.pk,
        )
    assert not CreditRecord.objects.exists()
    own = services.record_create(
        user=staff_b,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="minor",
        title="y",
        decided_on=D(2026, 5, 6),
    )
    assert own.department_id == dept_b.pk
    grant(CREDIT_OFFICE, staff_a.department)
    staff_a = type(staff_a).objects.get(
        pk=staff_a.pk
    )  # grants are read once per request (cached on the user)
    services.record_create(
        user=staff_a,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="minor",
        title="z",
        decided_on=D(2026, 5, 6),
        department_id=dept_b.pk,
    )


def test_an_enterprise_sees_only_its_own_records(db, admin, ent_a, ent_b):
    _serious(admin, ent_a)
    _serious(admin, ent_b)
    mine = enterprise_user(ent_a, "qa")
    assert [r.enterprise_id for r in selectors.record_list(user=mine)] == [ent_a.pk]
    assert selectors.profile_of(user=mine, enterprise_id=ent_b.pk) is None


def test_repair_from_application_to_the_record_no_longer_counting(db, staff_a, ent_a):
    r = services.record_create(
        user=staff_a,
        enterprise_id=ent_a.pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="严重失信",
        decided_on=D(2025, 3, 2),
    )
    assert r.repair_from == D(2026, 3, 2)
    user = enterprise_user(ent_a, "qa")
    with pytest.raises(Invalid, match="2026-03-02"):
        services.repair_apply(
            user=user, record_id=r.pk, statement="已整改", commitment="承诺", on=D(2026, 3, 1)
        )
    with pytest.raises(Forbidden):
        services.repair_apply(
            user=staff_a, record_id=r.pk, statement="已整改", commitment="承诺", on=D(2026, 3, 2)
        )
    with pytest.raises(Invalid):
        services.repair_apply(user=user, record_id=r.pk, statement="", commitment="", on=D(2026, 3, 2))
    app = services.repair_apply(
        user=user, record_id=r.pk, statement="已缴清罚款并整改", commitment="本企业承诺……", on=D(2026, 9, 30)
    )
    assert app.due == D(
        2026, 10, 13
    )  # 5 WD after Wed 30 Sep (Oct 1–7 off): Thu 8, Fri 9, Sat 10 (worked), 12, 13
    r.refresh_from_db()
    assert r.status == RecordStatus.REPAIR_PENDING
    assert Notice.objects.filter(kind="credit.repair_submitted").count() == 1
    with pytest.raises(Invalid):  # one open application per record
        services.repair_apply(
            user=user, record_id=r.pk, statement="再次", commitment="承诺", on=D(2026, 10, 8)
        )
    with pytest.raises(Invalid):
        services.repair_decide(
            user=staff_a, pk=app.pk, approve=False, on=D(2026, 10, 9)
        )  # refusing needs a reason
    services.repair_decide(user=staff_a, pk=app.pk, approve=True, decision="符合修复条件", on=D(2026, 10, 9))
    r.refresh_from_db()
    assert r.status == RecordStatus.REPAIRED
    assert r.ended_on == D(2026, 10, 9)
    p = CreditProfile.objects.get(enterprise=ent_a)
    assert p.effective_class == "B"
    assert not p.serious
    assert selectors.evaluation_events(2026, [ent_a.pk]) == {}


def test_a_refused_repair_leaves_the_record_published(db, staff_a, staff_b, ent_a):
    r = _serious(staff_a, ent_a)
    user = enterprise_user(ent_a, "qa")
    app = services.repair_apply(
        user=user, record_id=r.pk, statement="整改", commitment="承诺", on=D(2026, 6, 1)
    )
    with pytest.raises(Http404):  # another department: not its decision, not in its scope
        services.repair_decide(user=staff_b, pk=app.pk, approve=True, on=D(2026, 6, 2))
    services.repair_decide(user=staff_a, pk=app.pk, approve=False, decision="罚款未缴清", on=D(2026, 6, 2))
    app.refresh_from_db()
    r.refresh_from_db()
    assert app.state == RepairState.REFUSED
    assert r.status == RecordStatus.PUBLISHED
    assert CreditProfile.objects.get(enterprise=ent_a).serious


def test_nightly_job_ends_windows_past_their_maximum_and_reminds_once(db, admin, ent_a):
    user = enterprise_user(ent_a, "qa")
    minor = services.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.WATCH,
        severity="minor",
        title="重点关注",
        decided_on=D(2026, 8, 31),
    )
    ordinary = services.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="ordinary",
        title="罚款",
        decided_on=D(2026, 5, 6),
    )
    assert CreditProfile.objects.get(enterprise=ent_a).effective_class == "C"
    ended, reminded = services.windows_close(
        D(2026, 11, 30)
    )  # the last day of the 3-month window: still published
    assert ended == 0
    assert (
        reminded == 2
    )  # the minor record may be repaired at once, the ordinary one from 6 Aug: both are told
    ended, reminded = services.windows_close(D(2026, 12, 1))
    assert ended == 1
    minor.refresh_from_db()
    assert (minor.status, minor.ended_on) == (RecordStatus.EXPIRED, D(2026, 12, 1))
    assert CreditProfile.objects.get(enterprise=ent_a).effective_class == "B"
    assert not CreditProfile.objects.get(enterprise=ent_a).watch
    ordinary.refresh_from_db()
    assert ordinary.status == RecordStatus.PUBLISHED
    notices = Notice.objects.filter(kind="credit.repair_open")
    assert notices.count() == 2
    assert set(notices.values_list("recipients", flat=True)) == {user.pk}
    services.windows_close(D(2026, 12, 2))
    assert Notice.objects.filter(kind="credit.repair_open").count() == 2  # once per record


def test_many_profiles_are_written_by_copy_on_postgresql_with_the_same_result(db, admin, monkeypatch):
    from django.db import connection

    from parkos.credit.services import records

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    ents = [EnterpriseFactory() for _ in range(5)]
    for e, cls in zip(ents, "ABCDA", strict=True):
        samr_class(e, cls)
    sector_grade(ents[4], "tax_credit", "C")
    monkeypatch.setattr(records, "COPY_ABOVE", 0)
    assert services.profiles_refresh(today=D(2026, 12, 1)) == 5
    got = dict(CreditProfile.objects.values_list("enterprise__pk", "effective_class"))
    assert [got[e.pk] for e in ents] == ["A", "B", "C", "D", "C"]
    p = CreditProfile.objects.get(enterprise=ents[4])
    assert sorted(tuple(i) for i in p.inputs) == [
        ("samr", "A", "A", "2026-11-01"),
        ("tax_credit", "C", "C", "2026-04-01"),
    ]
    samr_class(ents[0], "D", D(2026, 11, 20))
    assert services.profiles_refresh(today=D(2026, 12, 1)) == 1  # only the changed one is written again
    assert CreditProfile.objects.get(enterprise=ents[0]).effective_class == "D"
