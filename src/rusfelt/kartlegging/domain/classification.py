"""Problem category and ROP, BrukerPlan's derived classifications."""

from .levels import Level


def counts_as_rus_rop(kategori: str) -> bool:
    """Anyone with a substance problem counts under RUS/ROP, even with a
    serious mental illness (seed 004 L350): ``rus`` and ``rus_psykisk``."""
    return kategori in ("rus", "rus_psykisk")


def is_rop(rusmiddelbruk: Level, psykisk_helse: Level) -> bool:
    """Both areas at least gul and one of them rød (seed 004 L352-360).

    The seed's «ROP-definisjon» table lists only rus RØD/psykisk RØD (27),
    RØD/GUL (38) and GUL/RØD (28), 93 in all.
    """
    both_flagged = min(rusmiddelbruk, psykisk_helse) >= Level.GUL
    return both_flagged and Level.ROD in (rusmiddelbruk, psykisk_helse)
