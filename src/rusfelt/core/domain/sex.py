"""Legal sex, as the fødselsnummer gives it and the instruments' cut-offs need it.

One enum for the whole project (issue #14): kartlegging stores it on each
registration, population figures are counted by it, and the screening
instruments' limits depend on it. The values are the glossary's identifiers
(``mann``, ``kvinne``), used in CSV columns and on the command line.
"""

from enum import StrEnum


class Sex(StrEnum):
    MANN = "mann"
    KVINNE = "kvinne"
