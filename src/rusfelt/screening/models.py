"""Screening results carried by a mapping registration (issue #16, part 4).

A registration in kartlegging may carry an AUDIT and/or a DUDIT result:
instrument, total, category and the date it was taken. The category is
derived from the total and the registration's legal sex by
``domain.scoring.classify`` and stored, so results GROUP BY it in the
database. The model lives here, not in kartlegging, so kartlegging's
migrations are untouched; deleting a registration deletes its results.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rusfelt.core.scoping import UnitScopedQuerySet

from .domain.scoring import Kategori


class MappingInstrument(models.TextChoices):
    AUDIT = "audit", "AUDIT"
    DUDIT = "dudit", "DUDIT"


class ScreeningResultatQuerySet(UnitScopedQuerySet):
    unit_lookup = "registrering__runde__unit"


class ScreeningResultat(models.Model):
    registrering = models.ForeignKey(
        "kartlegging.Registrering", on_delete=models.CASCADE, related_name="screeninger")
    instrument = models.CharField(_("instrument"), max_length=8,
                                  choices=MappingInstrument.choices)
    sum = models.PositiveSmallIntegerField(_("sum"))
    kategori = models.CharField(_("kategori"), max_length=24,
                                choices=[(k.value, k.value) for k in Kategori])
    dato = models.DateField(_("dato"), help_text=_("Dagen testen ble tatt."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    objects = ScreeningResultatQuerySet.as_manager()

    class Meta:
        verbose_name = _("screeningresultat")
        verbose_name_plural = _("screeningresultater")
        constraints = [
            models.UniqueConstraint(fields=["registrering", "instrument"],
                                    name="screening_one_result_per_instrument"),
        ]

    def __str__(self):
        return f"{self.get_instrument_display()} {self.sum} ({self.kategori})"
