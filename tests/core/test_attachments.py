"""Attachments (issue 13 §9): files on requests, project progress and policy applications — checked by size and
by kind (name and first bytes) before anything is stored, kept under the data directory, and served only to those
who may see the record; out of scope is 404 and writes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkos.core.models import Attachment
from parkos.servicedesk.models import Request
from tests.factories import EnterpriseFactory, ProjectFactory, enterprise_user
from tests.servicedesk.test_pages import make_desk, submit

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def desk(dept_a, admin):
    return make_desk(dept_a, admin)


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="现场照片说明.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def new_request(client, d, **files):
    from parkos.servicedesk.models import Category

    cat = Category.objects.get(code="help")
    return client.post(
        reverse("servicedesk:create"),
        {"category": cat.pk, "title": "厂房漏水", "text": "请协调维修", **files},
    )


def test_an_enterprise_files_a_request_with_its_documents_and_staff_download_them(client, desk, settings):
    client.force_login(desk["qiye"])
    r = new_request(client, desk, files=[pdf(), SimpleUploadedFile("平面图.png", PNG)])
    req = Request.objects.get(title="厂房漏水")
    assert r.url == reverse("servicedesk:request", args=[req.pk])
    files = list(Attachment.objects.filter(target="servicedesk.request", target_id=req.pk))
    assert [(a.name, a.size) for a in files] == [("现场照片说明.pdf", len(PDF)), ("平面图.png", len(PNG))]
    stored = files[0].file.path
    assert stored.startswith(str(settings.MEDIA_ROOT))
    assert "现场" not in stored
    client.force_login(desk["centre"])
    page = client.get(reverse("servicedesk:request", args=[req.pk])).content.decode()
    assert "现场照片说明.pdf" in page
    assert f'href="/files/{files[0].pk}/"' in page
    got = client.get(f"/files/{files[0].pk}/")
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in got["Content-Disposition"]


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_written(client, desk):
    client.force_login(desk["qiye"])
    before = Request.objects.count()
    r = new_request(client, desk, files=[pdf("说明.pdf"), pdf("工具.pdf", b"MZ\x90\x00" + b"\x00" * 60)])
    assert r.status_code == 200
    html = r.content.decode()
    assert "工具.pdf" in html
    assert "文件内容与文件名不符" in html
    assert Request.objects.count() == before  # the request and its files together, or neither
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_naming_the_file_and_the_limit(client, desk, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    (req,) = submit(desk)
    client.force_login(desk["qiye"])
    big = pdf("大文件.pdf", PDF + b"0" * (1024 * 1024))
    r = client.post(
        reverse("attachments_add"),
        {"target": "servicedesk.request", "target_id": req.pk, "files": [big], "next": "/services/"},
        follow=True,
    )
    assert "大文件.pdf" in r.content.decode()
    assert "1 MB" in r.content.decode()
    assert not Attachment.objects.exists()


def test_files_of_a_record_out_of_scope_are_404_to_read_and_to_add(client, desk):
    (req,) = submit(desk)
    services_user = desk["qiye"]
    client.force_login(services_user)
    client.post(
        reverse("attachments_add"), {"target": "servicedesk.request", "target_id": req.pk, "files": [pdf()]}
    )
    (a,) = Attachment.objects.all()
    other_ent = EnterpriseFactory(owner=desk["dept"], name="别家企业有限公司")
    client.force_login(enterprise_user(other_ent, "qiye_other"))
    assert client.get(f"/files/{a.pk}/").status_code == 404
    r = client.post(
        reverse("attachments_add"), {"target": "servicedesk.request", "target_id": req.pk, "files": [pdf()]}
    )
    assert r.status_code == 404
    assert Attachment.objects.count() == 1
    client.force_login(desk["qiye"])
    assert client.post(f"/files/{a.pk}/delete/", {"next": "/"}).status_code == 302
    assert not Attachment.objects.exists()


def test_a_closed_request_takes_no_more_files_and_shows_no_upload_form(client, desk):
    (req,) = submit(desk)
    Request.objects.filter(pk=req.pk).update(state="closed")
    client.force_login(desk["qiye"])
    page = client.get(reverse("servicedesk:request", args=[req.pk])).content.decode()
    assert 'name="files"' not in page
    r = client.post(
        reverse("attachments_add"),
        {"target": "servicedesk.request", "target_id": req.pk, "files": [pdf()], "next": "/services/"},
        follow=True,
    )
    assert "不能再为该记录添加附件" in r.content.decode()
    assert not Attachment.objects.exists()


def test_project_progress_evidence_is_added_by_those_who_report_and_read_by_leaders(
    client, staff_a, leader, dept_a
):
    p = ProjectFactory(investor=EnterpriseFactory(owner=dept_a))
    client.force_login(staff_a)
    client.post(
        reverse("attachments_add"),
        {"target": "projects.project", "target_id": p.pk, "files": [pdf("形象进度.pdf")]},
    )
    (a,) = Attachment.objects.filter(target="projects.project")
    client.force_login(leader)
    page = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert "形象进度.pdf" in page
    assert 'name="files"' not in page
    assert client.get(f"/files/{a.pk}/").status_code == 200
    r = client.post(
        reverse("attachments_add"), {"target": "projects.project", "target_id": p.pk, "files": [pdf()]}
    )
    assert r.status_code == 302
    assert Attachment.objects.count() == 1


# ---- the files records used to keep in fields of their own (issue 14 §4) -------------------------------------------


def test_a_rectified_bad_rating_case_keeps_its_evidence_for_those_who_see_the_case(client, desk):
    from parkos.ratings import services as rating_services
    from parkos.ratings.models import BadRatingCase
    from parkos.servicedesk import services as desk_services
    from tests.servicedesk.test_requests import closed_request

    r = closed_request(desk)
    rating = desk_services.rate_request(
        user=desk["qiye"], pk=r.pk, level=1, reasons=["办事效率"], on=D("2026-04-30")
    )
    case = rating.case
    rating_services.case_act(
        user=desk["jfj"], pk=case.pk, action="contact", method="电话", on=D("2026-05-06")
    )
    rating_services.case_act(
        user=desk["jfj"], pk=case.pk, action="rectify", kind="simple", on=D("2026-05-07")
    )
    client.force_login(desk["jfj"])
    page = reverse("ratings:case", args=[case.pk])
    bad = {
        "action": "done",
        "note": "已整改",
        "on": "2026-05-08",
        "evidence": [pdf("整改.pdf", b"MZ" + b"\0" * 60)],
    }
    client.post(page, bad)
    case.refresh_from_db()
    assert case.state == "rectifying"  # the step and its evidence together, or neither
    assert not Attachment.objects.exists()
    client.post(page, {**bad, "evidence": [pdf("整改报告.pdf")]})
    case.refresh_from_db()
    (a,) = Attachment.objects.filter(target="ratings.case", target_id=case.pk)
    assert (case.state, a.name, a.uploaded_by) == ("feedback", "整改报告.pdf", desk["jfj"])
    assert f'href="/files/{a.pk}/"' in client.get(page).content.decode()
    client.force_login(desk["centre"])
    assert client.get(f"/files/{a.pk}/").status_code == 200
    other = enterprise_user(EnterpriseFactory(), "qiye_other")
    client.force_login(other)
    assert client.get(f"/files/{a.pk}/").status_code == 404
    assert not BadRatingCase.objects.restrict(other, "view").exists()


def test_an_authorisation_scan_is_served_only_to_those_who_see_the_project(client, staff_a, staff_b, dept_a):
    p = ProjectFactory(investor=EnterpriseFactory(owner=dept_a))
    client.force_login(staff_a)
    r = client.post(
        reverse("projects:authorization_add", args=[p.pk]),
        {
            "signed_on": "2026-03-02",
            "signatory": "王总",
            "scope": "代办施工许可",
            "file": [pdf("委托书.pdf")],
        },
    )
    assert r.status_code == 302
    auth = p.authorizations.get()
    (a,) = Attachment.objects.filter(target="projects.authorization", target_id=auth.pk)
    page = client.get(reverse("projects:detail", args=[p.pk])).content.decode()
    assert f'<a href="/files/{a.pk}/">委托书.pdf</a>' in page
    assert "/media/" not in page
    assert client.get(f"/files/{a.pk}/").status_code == 200
    client.force_login(staff_b)
    assert client.get(f"/files/{a.pk}/").status_code == 404


def test_behind_nginx_the_file_is_sent_by_an_internal_redirect_after_the_same_check(client, desk, settings):
    settings.FILES_ACCEL_PREFIX = "/protected-media/"
    (req,) = submit(desk)
    client.force_login(desk["qiye"])
    client.post(
        reverse("attachments_add"), {"target": "servicedesk.request", "target_id": req.pk, "files": [pdf()]}
    )
    (a,) = Attachment.objects.all()
    got = client.get(f"/files/{a.pk}/")
    assert got.status_code == 200
    assert got["X-Accel-Redirect"] == f"/protected-media/{a.file.name}"
    assert got.content == b""
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    other = enterprise_user(EnterpriseFactory(), "qiye_other")
    client.force_login(other)
    r = client.get(f"/files/{a.pk}/")
    assert r.status_code == 404
    assert "X-Accel-Redirect" not in r


def test_the_daily_clean_up_removes_stored_files_no_record_names_once_a_day_old(desk, settings):
    import os
    import time
    from pathlib import Path

    from parkos.core.services import attach_files, uploads_cleanup

    (req,) = submit(desk)
    (kept,) = attach_files(user=desk["qiye"], target="servicedesk.request", target_id=req.pk, uploads=[pdf()])
    root = Path(settings.MEDIA_ROOT)
    orphan = root / "attachments/2026/01/0123abcd.pdf"  # a request refused after its file was written
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF)
    fresh = root / "attachments/2026/01/fresh.pdf"  # one whose record is still being saved
    fresh.write_bytes(PDF)
    old = time.time() - 2 * 86400
    for p in (orphan, Path(kept.file.path)):
        os.utime(p, (old, old))
    assert uploads_cleanup() == 1
    assert not orphan.exists()
    assert fresh.exists()
    assert Path(kept.file.path).exists()


@pytest.mark.django_db(transaction=True)
def test_files_kept_in_a_records_own_field_become_its_attachments_on_migration(
    client, staff_a, dept_a, settings
):
    """The migration that drops the old file fields first makes each stored file an attachment of its record,
    with its size and checksum, where it lies; the file then answers on /files/ to those who see the record."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from parkos.projects.models import Authorization

    p = ProjectFactory(investor=EnterpriseFactory(owner=dept_a))
    auth = Authorization.objects.create(
        project=p, signed_on=D("2025-06-01"), signatory="李总", created_by=staff_a
    )
    path = default_storage.save("authorizations/2025/委托书扫描.pdf", ContentFile(PDF))
    before, after = ("projects", "0005_constraint_messages"), ("projects", "0006_legacy_files_to_attachments")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        old.get_model("projects", "Authorization").objects.filter(pk=auth.pk).update(file=path)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([after])
    finally:  # back to the latest schema: the tests that run after this one on the same database need it
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    (a,) = Attachment.objects.filter(target="projects.authorization", target_id=auth.pk)
    assert (a.file.name, a.name, a.size) == (path, path.rsplit("/", 1)[1], len(PDF))
    assert a.sha256 == hashlib.sha256(PDF).hexdigest()
    assert a.uploaded_by == staff_a
    client.force_login(staff_a)
    got = client.get(f"/files/{a.pk}/")
    assert b"".join(got.streaming_content) == PDF


def test_a_file_lost_from_storage_answers_404_not_a_server_error(client, desk):
    """A row can outlive its file (lost storage, a database restored without its files, a migrated path that was
    already gone): the download says so instead of failing."""
    (req,) = submit(desk)
    a = Attachment.objects.create(
        target="servicedesk.request",
        target_id=req.pk,
        file="attachments/2020/01/gone.pdf",
        name="旧材料.pdf",
        size=0,
        sha256="",
        uploaded_by=desk["qiye"],
    )
    client.force_login(desk["qiye"])
    assert client.get(f"/files/{a.pk}/").status_code == 404
