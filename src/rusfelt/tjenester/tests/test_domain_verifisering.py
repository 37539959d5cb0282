from datetime import date

from rusfelt.tjenester.domain.verifisering import is_stale, stale_from


def test_a_service_is_stale_twelve_months_after_verification_not_a_day_before():
    verified = date(2025, 11, 22)
    assert not is_stale(verified, date(2026, 11, 21))
    assert is_stale(verified, date(2026, 11, 22))


def test_never_verified_is_stale():
    assert is_stale(None, date(2026, 1, 1))


def test_leap_day_counts_from_the_end_of_february():
    assert stale_from(date(2024, 2, 29)) == date(2025, 2, 28)
