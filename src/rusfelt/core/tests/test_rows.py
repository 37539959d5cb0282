"""A row read by its key through SQL written once (``core.rows``, issue 12)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.query import RawQuerySet
from django.test.utils import CaptureQueriesContext

from rusfelt.core.models import OrgUnit
from rusfelt.core.rows import row_by_key

pytestmark = pytest.mark.django_db


def _fields(row, model):
    return [(getattr(row, f.attname), type(getattr(row, f.attname)))
            for f in model._meta.concrete_fields]


def test_a_row_by_its_key_is_the_orms_field_by_field(make_user):
    """Converted as the ORM converts it: the user's times aware, its flags booleans."""
    model = get_user_model()
    user = make_user("lese", ("0301", "leser"))
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])
    found = row_by_key(model, "default", pk=user.pk)
    assert _fields(found, model) == _fields(model.objects.get(pk=user.pk), model)
    assert not found._state.adding
    assert found._state.db == "default"


def test_a_row_by_a_key_of_several_fields_or_none(units):
    oslo = OrgUnit.objects.get(code="0301")
    found = row_by_key(OrgUnit, "default", code="0301", level=oslo.level)
    assert _fields(found, OrgUnit) == _fields(oslo, OrgUnit)
    assert row_by_key(OrgUnit, "default", code="9999", level=oslo.level) is None


def test_a_row_by_its_key_is_one_query_without_a_raw_queryset(units, monkeypatch):
    """A raw query of the model resolved its columns from the cursor and the model's
    fields on every read; the plan is kept instead."""
    row_by_key(OrgUnit, "default", code="0301")
    made = []
    real = RawQuerySet.__init__
    monkeypatch.setattr(RawQuerySet, "__init__",
                        lambda self, *a, **k: made.append(a) or real(self, *a, **k))
    with CaptureQueriesContext(connection) as queries:
        assert row_by_key(OrgUnit, "default", code="0301").code == "0301"
    assert len(queries) == 1
    assert made == []
