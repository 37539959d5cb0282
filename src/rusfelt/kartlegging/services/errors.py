"""Refusals of kartlegging's services, each with a bokmål message safe to show."""

from __future__ import annotations

from ..models import Tjeneste


class KartleggingError(ValueError):
    """A refused action, with a bokmål message safe to show (no fødselsnummer)."""


class DuplicateRegistration(KartleggingError):
    def __init__(self, tjeneste: str):
        self.tjeneste = tjeneste
        label = dict(Tjeneste.choices).get(tjeneste, tjeneste)
        super().__init__(
            f"Personen er allerede registrert i denne runden, av tjenesten «{label}»."
        )
