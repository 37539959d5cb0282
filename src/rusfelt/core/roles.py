"""The four roles of DESIGN.md, plus the data protection officer of issue 3."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PLANLEGGER = "planlegger", _("Planlegger")
    KARTLEGGER = "kartlegger", _("Kartlegger")
    LESER = "leser", _("Leser")
    # Sees who had access to which round and unit, and who read or exported
    # what (issue 3, "Access overview"). Sees no record-level data.
    PERSONVERNOMBUD = "personvernombud", _("Personvernombud")
