"""The shape of an instrument. Texts are keyed by language code ("nb", "en")."""

from dataclasses import dataclass, field

#: Languages the self-test may be offered in.
LANGUAGES = ("nb", "en")


@dataclass(frozen=True)
class Option:
    points: int
    #: Published label per language; None where no published wording was found.
    text: dict[str, str | None]


@dataclass(frozen=True)
class Item:
    number: int
    text: dict[str, str | None]
    options: tuple[Option, ...]

    @property
    def points(self) -> tuple[int, ...]:
        return tuple(o.points for o in self.options)


@dataclass(frozen=True)
class Version:
    """One language version: what it is called and where its wording comes from."""

    language: str
    title: str
    #: None when the wording of this language version is not in Rusfelt.
    source: str | None
    note: str = ""


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    publisher: str
    reference: str
    licence: str
    items: tuple[Item, ...]
    versions: dict[str, Version]
    #: A footnote printed with the items (AUDIT's alcohol unit), per language.
    footnote: dict[str, str | None] = field(default_factory=dict)

    @property
    def max_points(self) -> int:
        return sum(max(i.points) for i in self.items)

    def available_in(self, language: str) -> bool:
        """Every item and option has its published wording in ``language``."""
        return all(
            item.text.get(language) and all(o.text.get(language) for o in item.options)
            for item in self.items
        )
