"""Give indicators stored before issue 15 the printed decimals an import now settles.

Since issue 15 an import gives each indicator without decimals the most any
of its values was written with (at most two), so 9 and 9,3 print as 9,0 %
and 9,3 %. Indicators imported before that have none, and printed each value
as stored. This fills them from the stored values, as a re-import would.

The stored value is quantized to four places, so a value typed with trailing
zeros («9,0») counts by its significant digits here (0 places), where an
import counts what was typed (1). Indicators that already have decimals keep
them; indicators without values stay empty.
"""

from decimal import Decimal

from django.db import migrations

MAX_DECIMALS = 2  # as imports._settle_decimals


def places(value: Decimal) -> int:
    return min(MAX_DECIMALS, max(0, -value.normalize().as_tuple().exponent))


def fill_decimals(apps, schema_editor):
    Indikator = apps.get_model("indikatorer", "Indikator")
    Verdi = apps.get_model("indikatorer", "Verdi")
    empty = Indikator.objects.filter(decimals__isnull=True)
    most: dict[int, int] = {}
    values = (Verdi.objects.filter(indikator__in=empty, value__isnull=False)
              .values_list("indikator_id", "value").iterator(chunk_size=5000))
    for indikator_id, value in values:
        most[indikator_id] = max(most.get(indikator_id, 0), places(value))
    by_places: dict[int, list[int]] = {}
    for indikator_id, n in most.items():
        by_places.setdefault(n, []).append(indikator_id)
    for n, ids in by_places.items():  # one UPDATE per precision
        Indikator.objects.filter(pk__in=ids, decimals__isnull=True).update(decimals=n)


class Migration(migrations.Migration):

    dependencies = [
        ("indikatorer", "0004_add_set_data_version"),
    ]

    operations = [
        migrations.RunPython(fill_decimals, migrations.RunPython.noop, elidable=True),
    ]
