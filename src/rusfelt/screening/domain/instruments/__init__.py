"""The screening instruments as data: items, answer options with their points,
publisher, the language versions used with their sources, and licence terms.

Item wording is the published wording, copied exactly and cited per language.
Where no published wording has been found for a language, the text is
``None`` and the instrument is not offered in that language (see
``Instrument.available_in``); nothing is paraphrased.
"""

from .audit import AUDIT, AUDIT_C
from .base import Instrument, Item, Option, Version
from .dudit import DUDIT

INSTRUMENTS: dict[str, Instrument] = {i.code: i for i in (AUDIT, AUDIT_C, DUDIT)}

__all__ = ["AUDIT", "AUDIT_C", "DUDIT", "INSTRUMENTS", "Instrument", "Item", "Option", "Version"]
