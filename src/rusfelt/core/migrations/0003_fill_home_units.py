"""Give every existing user a home unit (issue 18).

A user with grants gets the unit of their highest grant (the shortest path;
the oldest grant on a tie), so the administrators who could already see them
still can. A user without grants gets the top of the unit tree (Norway), so
only national administrators see them until someone moves them. Without any
unit (a fresh database) there is nothing to assign.
"""

from django.conf import settings
from django.db import migrations
from django.db.models.functions import Length


def fill_home_units(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Grant = apps.get_model("core", "Grant")
    OrgUnit = apps.get_model("core", "OrgUnit")
    Profile = apps.get_model("core", "Profile")
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    have = set(Profile.objects.values_list("user_id", flat=True))
    profiles = []
    for user in User.objects.exclude(pk__in=have).iterator():
        grant = (
            Grant.objects.filter(user_id=user.pk)
            .annotate(depth=Length("unit__path"))
            .order_by("depth", "created_at", "pk")
            .first()
        )
        home = grant.unit_id if grant else (root.pk if root else None)
        profiles.append(Profile(user_id=user.pk, home_unit_id=home))
    Profile.objects.bulk_create(profiles)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_add_profile_home_unit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(fill_home_units, migrations.RunPython.noop)]
