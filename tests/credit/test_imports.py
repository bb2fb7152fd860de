"""Credit feeds in .xlsx (issue #17 §1): the whole file is checked first and every error names its row, column and
reason in Chinese; nothing is half-written; classes and grades are upserted; the touched classes are recomputed."""

import datetime as dt

import pytest
from django.utils import translation

from parkos.core.exceptions import Forbidden
from parkos.core.imports import import_file
from parkos.credit.models import CreditProfile, CreditRecord, RecordStatus, SamrClass
from tests.factories import EnterpriseFactory
from tests.xlsx import write_xlsx

D = dt.date


@pytest.fixture(autouse=True)
def _zh():
    with translation.override("zh-hans"):
        yield


def test_classes_are_imported_upserted_and_the_classes_recomputed(db, admin, tmp_path):
    a, b = EnterpriseFactory(), EnterpriseFactory()
    f = write_xlsx(
        tmp_path / "c.xlsx",
        ["统一社会信用代码", "风险分类", "分类日期", "来源"],
        [[a.uscc, "A", D(2026, 11, 1), ""], [b.uscc, "D", D(2026, 11, 1), "湖南省企业信用风险分类管理系统"]],
    )
    report = import_file(kind="credit-classes", source=f, user=admin)
    assert (report.ok, report.created, report.updated) == (True, 2, 0)
    assert CreditProfile.objects.get(enterprise=b).effective_class == "D"
    f2 = write_xlsx(
        tmp_path / "c2.xlsx", ["统一社会信用代码", "风险分类", "分类日期"], [[b.uscc, "C", D(2026, 11, 1)]]
    )
    report = import_file(kind="credit-classes", source=f2, user=admin)
    assert (report.created, report.updated) == (0, 1)
    assert SamrClass.objects.get(enterprise=b).cls == "C"
    assert CreditProfile.objects.get(enterprise=b).effective_class == "C"


def test_a_bad_file_names_each_row_and_writes_nothing(db, admin, tmp_path):
    a = EnterpriseFactory()
    f = write_xlsx(
        tmp_path / "bad.xlsx",
        ["统一社会信用代码", "风险分类", "分类日期"],
        [
            [a.uscc, "A", D(2026, 11, 1)],
            ["91430121MA4L000000", "B", D(2026, 11, 1)],  # not a valid code
            [a.uscc, "E", D(2026, 11, 2)],  # no such class
            [a.uscc, "B", D(2026, 11, 1)],  # the same day twice
        ],
    )
    report = import_file(kind="credit-classes", source=f, user=admin)
    assert not report.ok
    where = {(e["row"], e["column"]) for e in report.errors}
    assert {(3, "统一社会信用代码"), (4, "风险分类"), (5, "统一社会信用代码")} <= where
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in report.errors)
    assert not SamrClass.objects.exists()


def test_only_the_credit_office_imports_the_feeds(db, staff_a, tmp_path):
    f = write_xlsx(
        tmp_path / "c.xlsx",
        ["统一社会信用代码", "风险分类", "分类日期"],
        [[EnterpriseFactory().uscc, "A", D(2026, 11, 1)]],
    )
    with pytest.raises(Forbidden):
        import_file(kind="credit-classes", source=f, user=staff_a)


def test_grades_are_checked_against_their_sector(db, admin, tmp_path):
    a = EnterpriseFactory()
    f = write_xlsx(
        tmp_path / "g.xlsx",
        ["统一社会信用代码", "行业", "等级", "评价日期"],
        [[a.uscc, "tax_credit", "M", D(2026, 4, 1)], [a.uscc, "tax_credit", "Z", D(2026, 5, 1)]],
    )
    report = import_file(kind="credit-grades", source=f, user=admin)
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "等级")]
    f = write_xlsx(
        tmp_path / "g2.xlsx",
        ["统一社会信用代码", "行业", "等级", "评价日期"],
        [[a.uscc, "tax_credit", "C", D(2026, 4, 1)]],
    )
    assert import_file(kind="credit-grades", source=f, user=admin).created == 1
    assert CreditProfile.objects.get(enterprise=a).effective_class == "C"


def test_records_by_their_department_with_windows_and_no_repeats(db, staff_a, dept_a, dept_b, tmp_path):
    a = EnterpriseFactory()
    headers = ["统一社会信用代码", "类别", "严重程度", "事项", "文书号", "认定部门", "认定日期", "公示日期"]
    rows = [
        [
            a.uscc,
            "行政处罚",
            "一般",
            "罚款二万元",
            "经开市监罚〔2026〕1号",
            dept_a.name,
            D(2026, 1, 31),
            D(2026, 2, 3),
        ],
        [a.uscc, "行政许可", None, "排污许可证核发", "", dept_a.name, D(2026, 3, 2), None],
    ]
    f = write_xlsx(tmp_path / "r.xlsx", headers, rows)
    report = import_file(kind="credit-records", source=f, user=staff_a)
    assert report.ok, report.errors
    penalty = CreditRecord.objects.get(kind="penalty")
    assert (penalty.repair_from, penalty.publish_until, penalty.status) == (
        D(2026, 4, 30),
        D(2027, 1, 31),
        RecordStatus.PUBLISHED,
    )
    assert CreditRecord.objects.get(kind="licence").status == RecordStatus.RECORDED
    again = import_file(kind="credit-records", source=f, user=staff_a)  # the same file twice: refused
    assert {e["row"] for e in again.errors} == {2, 3}
    other = write_xlsx(
        tmp_path / "o.xlsx",
        headers,
        [
            [a.uscc, "严重失信主体名单", None, "列入名单", "", dept_b.name, D(2026, 3, 2), None],
            [a.uscc, "行政处罚", "一般", "罚款", "", "不存在的局", D(2030, 1, 1), None],
        ],
    )
    bad = import_file(kind="credit-records", source=other, user=staff_a)
    assert {(e["row"], e["column"]) for e in bad.errors} >= {
        (2, "认定部门"),
        (2, "严重程度"),
        (3, "认定部门"),
        (3, "认定日期"),
    }
    assert CreditRecord.objects.count() == 2
