"""Parks on a map: outlines imported from GeoJSON (all or nothing, every fault named by its feature), coloured by
a cockpit figure that splits by park — the tile's own figure, so the map and the cockpit agree — with enterprises
placed by their coordinates and coloured by 亩均 class, or projects by approval light; each click opens a record
the user may open; a department places only what it sees.

Hand-built (tests/enterprises/test_totals.py): 星沙 250 and 榔梨 50 of output value in 2026 (Jan–Feb reported);
甲 (经济发展局, 星沙) at 113.10, 28.25; 乙 (投资促进局, 榔梨) at 113.20, 28.20."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from parkos.cockpit import maps
from parkos.core import geo
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import Park
from parkos.core.periods import Period
from parkos.core.services import park_boundaries_import
from tests.enterprises.test_totals import zone  # noqa: F401  (the hand-built zone)
from tests.factories import ProjectFactory, enterprise_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def _square(x, y, d=0.05):
    return [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]


def _file(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def _feature(props, coords, kind="Polygon"):
    return {"type": "Feature", "properties": props, "geometry": {"type": kind, "coordinates": coords}}


@pytest.fixture
def outlined(zone, admin):  # noqa: F811
    park_boundaries_import(
        user=admin,
        content=_file(
            _feature({"code": "XS"}, _square(113.08, 28.22)),
            _feature({"名称": "榔梨"}, [_square(113.18, 28.18), _square(113.25, 28.18)], "MultiPolygon"),
        ),
    )
    for ent, (lng, lat) in ((zone["a"], ("113.10", "28.25")), (zone["b"], ("113.20", "28.20"))):
        ent.longitude, ent.latitude = Decimal(lng), Decimal(lat)
        ent.save()
    return zone


def test_a_geojson_file_sets_each_named_parks_outline_with_its_history(outlined, admin):
    xs, ll = Park.objects.get(code="XS"), Park.objects.get(code="LL")
    assert xs.boundary == {"type": "Polygon", "coordinates": _square(113.08, 28.22)}
    assert ll.boundary["type"] == "MultiPolygon"
    assert xs.history.count() == 2  # created, then the outline
    # the same file again changes nothing
    assert (
        park_boundaries_import(user=admin, content=_file(_feature({"code": "XS"}, _square(113.08, 28.22))))
        == []
    )


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not json", "不是 GeoJSON"),
        (b'{"type": "Feature"}', "不是 GeoJSON 要素集合"),
        (
            _file(_feature({"name": "月亮湾"}, _square(113, 28))),
            "第 2 个要素：属性 编码“”/名称“月亮湾”不是本区的园区",
        ),
        (
            _file(_feature({"code": "LL"}, [[[113, 28], [113.1, 28], [113.1, 28.1]]])),
            "第 2 个要素（榔梨）：环至少要有 4 个点",
        ),
        (_file(_feature({"code": "LL"}, [[[113, 28], [113.1, 28], [113.1, 28.1], [113, 28.1]]])), "未闭合"),
        (_file(_feature({"code": "LL"}, _square(28.2, 113.1))), "不在中国境内"),
        (_file(_feature({"code": "LL"}, [113.1, 28.2], "Point")), "几何类型为 Point"),
    ],
)
def test_a_bad_file_changes_no_park_and_names_the_feature_and_the_fault(zone, admin, content, says):  # noqa: F811
    good = _feature({"code": "XS"}, _square(113.08, 28.22))
    data = json.loads(content) if content.startswith(b'{"type": "FeatureCollection"') else None
    if data:
        content = _file(good, *data["features"])
    with pytest.raises(Invalid) as exc:
        park_boundaries_import(user=admin, content=content)
    assert says in str(exc.value.message)
    assert Park.objects.filter(boundary__isnull=False).count() == 0  # the good feature is not written either


def test_only_a_system_administrator_imports_outlines(zone, leader):  # noqa: F811
    with pytest.raises(Forbidden):
        park_boundaries_import(user=leader, content=_file(_feature({"code": "XS"}, _square(113.08, 28.22))))
    assert not Park.objects.filter(boundary__isnull=False).exists()


def test_the_parks_are_coloured_by_the_cockpits_own_figure(outlined, leader):
    data = maps.map_data(
        user=leader, figure="enterprises.output_value", layer="", period=Period(2026), today=TODAY
    )
    assert [(r["name"], r["value"]) for r in data["regions"]] == [("星沙", 250), ("榔梨", 50)]
    chart = data["chart"]
    assert chart["registerMap"]["name"] == "zone"
    assert [f["properties"]["name"] for f in chart["registerMap"]["geoJSON"]["features"]] == ["榔梨", "星沙"]
    assert chart["visualMap"]["max"] == 250.0
    assert {d["name"]: d["value"] for d in chart["series"][0]["data"]} == {"星沙": 250.0, "榔梨": 50.0}
    assert chart["series"][0]["data"][0]["url"].startswith("/enterprises/?park=")
    assert data["without_boundary"] == []


def test_enterprises_are_placed_and_coloured_by_class_and_a_department_sees_its_own(
    outlined, leader, staff_b
):
    data = maps.map_data(user=leader, figure="", layer="efficiency", period=Period(2026), today=TODAY)
    layer = data["chart"]["series"][1]
    assert layer["name"] == "未评价"  # no evaluation yet
    assert sorted(p["value"] for p in layer["data"]) == [[113.1, 28.25], [113.2, 28.2]]
    assert data["points"]["total"] == 2
    mine = maps.map_data(user=staff_b, figure="", layer="efficiency", period=Period(2026), today=TODAY)
    assert [p["name"] for p in mine["chart"]["series"][1]["data"]] == ["乙"]
    assert [(r["name"], r["value"]) for r in mine["regions"]] == [("榔梨", 50), ("星沙", 0)]


def test_projects_are_coloured_by_their_light_red_first(outlined, leader):
    ProjectFactory(
        name="红灯项目", approval_light="red", longitude=Decimal("113.1"), latitude=Decimal("28.24")
    )
    ProjectFactory(
        name="绿灯项目", approval_light="green", longitude=Decimal("113.2"), latitude=Decimal("28.21")
    )
    ProjectFactory(name="未定位项目", approval_light="red")
    data = maps.map_data(user=leader, figure="", layer="projects", period=Period(2026), today=TODAY)
    layers = {s["name"]: [p["name"] for p in s["data"]] for s in data["chart"]["series"][1:]}
    assert layers == {"正常": ["绿灯项目"], "超期": ["红灯项目"]}
    assert data["points"]["total"] == 2


def test_without_outlines_the_map_says_so(zone, leader):  # noqa: F811
    data = maps.map_data(user=leader, figure="", layer="", period=Period(2026), today=TODAY)
    assert data["chart"]["empty"] is True
    assert data["without_boundary"] == ["榔梨", "星沙"]


def test_the_page_imports_for_an_administrator_and_is_closed_to_an_enterprise(zone, admin, client):  # noqa: F811
    client.force_login(admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("parks.geojson", _file(_feature({"code": "XS"}, _square(113.08, 28.22))))
    assert client.post("/cockpit/map/", {"file": upload}).status_code == 302
    assert Park.objects.get(code="XS").boundary is not None
    page = client.get("/cockpit/map/?year=2026&layer=efficiency").content.decode()
    assert 'id="zone-map"' in page
    assert 'id="boundary-import"' in page
    client.force_login(enterprise_user(zone["a"], "qiye_jia"))
    assert client.get("/cockpit/map/").status_code == 404


def test_a_leader_reads_the_map_but_may_not_import(outlined, leader, client):
    client.force_login(leader)
    page = client.get("/cockpit/map/?year=2026").content.decode()
    assert 'id="boundary-import"' not in page
    assert client.post("/cockpit/map/", {}).status_code == 403


def test_coordinates_outside_the_zone_are_refused_on_the_form_and_in_the_database(zone):  # noqa: F811
    from django.core.exceptions import ValidationError

    ent = zone["a"]
    ent.longitude = Decimal("28.25")  # swapped with the latitude
    with pytest.raises(ValidationError) as exc:
        ent.full_clean()
    assert "longitude" in exc.value.message_dict
    assert geo.coordinate_cell("latitude")("28.25") == Decimal("28.250000")
    with pytest.raises(geo.CellError):
        geo.coordinate_cell("latitude")("113.1")


def test_enterprises_are_coloured_by_their_credit_class_none_counting_as_b(outlined, leader):
    from parkos.credit import services as credit
    from tests.factories import samr_class

    samr_class(outlined["a"], "D", dt.date(2026, 10, 1))
    credit.profiles_refresh(today=dt.date(2026, 11, 1))
    data = maps.map_data(user=leader, figure="", layer="credit", period=Period(2026), today=TODAY)
    layers = {s["name"]: [p["name"] for p in s["data"]] for s in data["chart"]["series"][1:]}
    assert layers == {"信用 B 类": ["乙"], "信用 D 类": ["甲"]}
    assert data["layer"] == "credit"
    assert data["points"]["note"].startswith("综合信用风险分类")
