"""Every size message writes megabytes one way (``core.domain.tabular.megabytes``)."""

import pytest

from rusfelt.core.domain.tabular import MB, Limits, TooLarge, check_size, megabytes
from rusfelt.kartlegging.services.errors import KartleggingError
from rusfelt.kartlegging.services.imports import check_batch_size


@pytest.mark.parametrize(("size", "text"), [
    (20 * MB, "20"),
    (100 * MB, "100"),
    (3 * MB // 2, "1,5"),
    (10 * MB + 1, "10"),          # a byte over is still written as the whole number
    (int(29.96 * MB), "30"),      # rounds up to the whole number, not "30,0"
    (int(29.94 * MB), "29,9"),
])
def test_megabytes_have_one_decimal_with_a_comma_and_none_when_whole(size, text):
    assert megabytes(size) == text


def test_a_file_over_the_bound_is_told_the_bound_as_the_upload_form_writes_it():
    with pytest.raises(TooLarge) as refused:
        check_size(21 * MB, Limits(max_bytes=20 * MB))
    assert "Filen er for stor: 21 MB, grensen er 20 MB." in str(refused.value)


def test_a_batch_over_the_bound_is_told_the_bound_as_the_upload_form_writes_it():
    with pytest.raises(KartleggingError) as refused:
        check_batch_size(41 * MB // 2, Limits(max_bytes=20 * MB))
    assert "for store: 20,5 MB, grensen for én import er 20 MB." in str(refused.value)
