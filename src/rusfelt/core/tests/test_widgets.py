"""LongSelect writes exactly what Django's own select templates write."""

import pytest
from django import forms

from rusfelt.core.widgets import LongSelect

CHOICES = [
    ("", "Hele landet"),
    ("Oslo", [("0301", "Hele Oslo"), ("030101", "Gamle Oslo"), ("030102", 'Grü"ner<løkka>&')]),
    ("Bergen & omegn", [("4601", "Hele Bergen")]),
    (7, "Sju"),
]


@pytest.mark.parametrize("value", [None, "", "030102", "4601", 7, "ukjent"])
@pytest.mark.parametrize("attrs", [{}, {"id": "id_sted", "required": True, "disabled": False,
                                        "aria-describedby": "id_sted_helptext"}])
def test_long_select_is_djangos_select(value, attrs):
    ours = LongSelect(choices=CHOICES).render("sted", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("sted", value, attrs=attrs)
    assert ours == django


def test_a_form_field_renders_the_same_with_either_widget():
    class Ours(forms.Form):
        sted = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect,
                                 help_text="Velg")

    class Theirs(forms.Form):
        sted = forms.ChoiceField(choices=CHOICES, required=False, help_text="Velg")

    assert str(Ours({"sted": "030101"})["sted"]) == str(Theirs({"sted": "030101"})["sted"])
