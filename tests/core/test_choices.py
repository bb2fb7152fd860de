"""Choice labels answer as Django's own `get_FOO_display` does (the label in the active language, the stored value
when it is not a choice), only without rebuilding the choices on every call."""

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

from parkos.core.choices import fast_display
from parkos.core.models import Role, User
from parkos.projects.models import Project


def _django(obj, field):
    value = getattr(obj, field.attname)
    return force_str(
        dict(make_hashable(field.flatchoices)).get(make_hashable(value), value), strings_only=True
    )


def test_every_coded_field_of_every_model_uses_the_cached_labels():
    fields = [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if f.choices and model.__dict__.get(f"get_{f.name}_display") is not None
    ]
    assert len(fields) > 40
    for model, f in fields:
        assert model.__dict__[f"get_{f.name}_display"].func is fast_display, (model, f.name)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_labels_match_djangos_in_each_language_and_unknown_values_pass_through(lang):
    status = Project._meta.get_field("status")
    role = User._meta.get_field("role")
    with translation.override(lang):
        for value, _label in status.flatchoices:
            p = Project(status=value)
            assert p.get_status_display() == _django(p, status)
        u = User(role=Role.LEADER)
        assert u.get_role_display() == _django(u, role)
        assert u.get_role_display() == ("领导" if lang == "zh-hans" else "Leader")
        assert User(role="no-such-role").get_role_display() == "no-such-role"
