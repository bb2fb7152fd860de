"""好差评 rates any service an app registers as a rating target, not only requests and approval items."""

import datetime as dt

import pytest

from parkos.core import registries
from parkos.core.exceptions import Forbidden, Invalid
from parkos.ratings import selectors, services
from parkos.ratings.models import BadRatingCase, Rating
from tests.factories import enterprise_user, grant

D = dt.date.fromisoformat


@pytest.fixture
def talent_target(dept_a, ent_a):
    """A service a new app (talent recognition, say) registers: finished on 1 Jun 2026, counted for dept_a."""

    def context(user, pk, on, window_days):
        if not user.is_enterprise_user:
            raise Forbidden("只有企业可以评价")
        if (on - D("2026-06-01")).days > window_days:
            raise Invalid("评价期已过")
        return {
            "enterprise_id": ent_a.pk,
            "department_id": dept_a.pk,
            "officer_id": None,
            "category": "人才认定",
        }

    target = registries.RatingTarget(
        "talent.recognition",
        "人才认定",
        describe=lambda user, pk: (f"人才认定 #{pk}", ""),
        context=context,
        already_rated="该认定已评价",
        closed_in=lambda year, user: [
            {
                "id": 7,
                "closed_on": D("2026-06-01"),
                "department": dept_a.name,
                "officer": None,
                "category": "人才认定",
            },
            {
                "id": 8,
                "closed_on": D("2026-06-02"),
                "department": dept_a.name,
                "officer": None,
                "category": "人才认定",
            },
        ],
    )
    registries.rating_targets.register(target)
    yield target
    registries.rating_targets._items.pop("talent.recognition")


def test_a_newly_registered_service_is_rated_and_its_bad_rating_opens_a_case(
    talent_target, ent_a, dept_a, admin
):
    from parkos.ratings.selectors import rating_metrics

    qiye = enterprise_user(ent_a, "qiye_talent")
    with pytest.raises(Invalid, match="评价期已过"):
        services.rate(user=qiye, target="talent.recognition", target_id=7, level=5, on=D("2026-06-30"))
    r = services.rate(
        user=qiye, target="talent.recognition", target_id=7, level=1, reasons=["办事效率"], on=D("2026-06-03")
    )
    assert (
        r.target,
        r.target_id,
        r.department_id,
        r.category,
        selectors.rated_service(user=qiye, rating=r)[0],
    ) == (
        "talent.recognition",
        7,
        dept_a.pk,
        "人才认定",
        "人才认定 #7",
    )
    case = BadRatingCase.objects.get(rating=r)
    assert (case.state, case.department_id) == ("assigned", dept_a.pk)
    with pytest.raises(Invalid, match="该认定已评价"):
        services.rate(user=qiye, target="talent.recognition", target_id=7, level=5, on=D("2026-06-03"))
    with pytest.raises(Invalid):
        services.rate(user=qiye, target="no.such.service", target_id=1, level=5, on=D("2026-06-03"))
    grant("servicedesk.centre", dept_a)
    (row,) = rating_metrics(user=admin, year=2026, by="category")
    assert (row["key"], row["m"].n, row["closed"], row["participation"], row["cases"].cases) == (
        "人才认定",
        1,
        2,
        50.0,
        1,
    )
    assert Rating.objects.count() == 1
