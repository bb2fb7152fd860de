"""Attachments (issue 13 §9): files on requests, project progress and policy applications — checked by size and
by kind (name and first bytes) before anything is stored, kept under the data directory, and served only to those
who may see the record; out of scope is 404 and writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkos.core.models import Attachment
from parkos.servicedesk.models import Request
from tests.factories import EnterpriseFactory, ProjectFactory, enterprise_user
from tests.servicedesk.test_pages import make_desk, submit

pytestmark = pytest.mark.django_db


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
