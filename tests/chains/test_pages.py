"""The chain node page's placement form: an enterprise is placed by its USCC (as 链主 or not) and taken away; an
unknown USCC is refused with a message, nothing written."""

import pytest
from django.urls import reverse

from parkos.chains.models import Chain, Node, Placement, Segment
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_placing_an_enterprise_by_uscc_at_a_node_and_taking_it_away(client_admin):
    node = Node.objects.create(
        chain=Chain.objects.create(name="工程机械", code="GCJX"), name="整机", segment=Segment.MIDSTREAM
    )
    ent = EnterpriseFactory()
    url = reverse("chains:placement", args=[node.pk])
    r = client_admin.post(url, {"uscc": "91430100MA4XXXXXX9"}, follow=True)
    assert "企业库中没有该统一社会信用代码的企业。" in r.text
    assert not Placement.objects.exists()
    r = client_admin.post(url, {"uscc": f" {ent.uscc.lower()} ", "is_leader": "on"})
    assert r["Location"] == reverse("chains:node", args=[node.pk])
    placed = Placement.objects.get()
    assert (placed.node, placed.enterprise, placed.is_leader) == (node, ent, True)
    client_admin.post(url, {"remove": placed.pk})
    assert not Placement.objects.exists()


def test_an_enterprise_user_cannot_place(client, ent_user_a):
    node = Node.objects.create(
        chain=Chain.objects.create(name="工程机械", code="GCJX"), name="整机", segment=Segment.MIDSTREAM
    )
    client.force_login(ent_user_a)
    assert (
        client.post(
            reverse("chains:placement", args=[node.pk]),
            {"uscc": ent_user_a.enterprise_account.enterprise.uscc},
        ).status_code
        == 404
    )
    assert not Placement.objects.exists()
