"""Translatable labels for names that the domain modules give in bokmål."""

from django.utils.translation import gettext_lazy

# The holiday names of domain.helligdager, translatable.
HOLIDAY_LABELS = {
    "Første nyttårsdag": gettext_lazy("Første nyttårsdag"),
    "Skjærtorsdag": gettext_lazy("Skjærtorsdag"),
    "Langfredag": gettext_lazy("Langfredag"),
    "Første påskedag": gettext_lazy("Første påskedag"),
    "Andre påskedag": gettext_lazy("Andre påskedag"),
    "Arbeidernes dag": gettext_lazy("Arbeidernes dag"),
    "Grunnlovsdag": gettext_lazy("Grunnlovsdag"),
    "Kristi himmelfartsdag": gettext_lazy("Kristi himmelfartsdag"),
    "Første pinsedag": gettext_lazy("Første pinsedag"),
    "Andre pinsedag": gettext_lazy("Andre pinsedag"),
    "Første juledag": gettext_lazy("Første juledag"),
    "Andre juledag": gettext_lazy("Andre juledag"),
}


def holiday_label(name: str) -> str:
    return str(HOLIDAY_LABELS.get(name, name))
