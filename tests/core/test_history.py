"""A record's change history as an official reads it (issue 13 §1): labels, not codes or ids; collapsed and paged."""

import re

from parkos.enterprises.models import EnterpriseStatus
from parkos.enterprises.services import enterprise_update
from tests.factories import EnterpriseFactory, ParkFactory


def _history(html: str) -> str:
    part = html[html.index('id="history"') :]
    return re.sub(r"<[^>]+>", " ", part[: part.index("</details>")])


def test_history_shows_choices_by_label_linked_records_by_name_and_yes_no(client_staff_a, staff_a, dept_a):
    north, south = ParkFactory(code="N", name="北园"), ParkFactory(code="S", name="南园")
    ent = EnterpriseFactory(owner=dept_a, park=north, status=EnterpriseStatus.OPERATING)
    enterprise_update(
        user=staff_a,
        pk=ent.pk,
        version=ent.version,
        data={"park": south, "status": EnterpriseStatus.MOVED_OUT, "is_high_tech": True},
    )
    text = _history(client_staff_a.get(f"/enterprises/{ent.pk}/").content.decode())
    assert re.search(r"片区:\s*北园\s*→\s*南园", text), text
    assert re.search(r"状态:\s*在营\s*→\s*迁出", text), text
    assert re.search(r"高新技术企业:\s*否\s*→\s*是", text), text
    for raw in ("operating", "moved_out", "True", f"→ {south.pk} "):
        assert raw not in text


def test_history_is_collapsed_and_paged_twenty_entries_at_a_time(client_staff_a, staff_a, dept_a):
    ent = EnterpriseFactory(owner=dept_a)
    for i in range(24):
        ent.refresh_from_db()
        enterprise_update(user=staff_a, pk=ent.pk, version=ent.version, data={"address": f"星沙大道{i}号"})
    page = client_staff_a.get(f"/enterprises/{ent.pk}/").content.decode()
    assert "<details>" in page[page.index('id="history"') :][:200]  # closed until asked for
    text = _history(page)
    assert "25 条" in text
    assert "星沙大道23号" in text
    assert "星沙大道2号" not in text  # on the second page
    assert "?history=2#history" in page
    second = client_staff_a.get(f"/enterprises/{ent.pk}/", {"history": 2}).content.decode()
    assert "<details open>" in second
    assert "星沙大道2号" in _history(second)
    assert "星沙大道23号" not in _history(second)
    assert client_staff_a.get(f"/enterprises/{ent.pk}/", {"history": "x\x00"}).status_code == 200
