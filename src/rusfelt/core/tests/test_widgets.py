"""LongSelect writes exactly what Django's own select templates write."""

import pytest
from django import forms

from rusfelt.core.widgets import FrozenChoices, LongChoiceField, LongSelect

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


@pytest.mark.parametrize("value", [None, "", "030102", "4601", 7, "ukjent"])
@pytest.mark.parametrize("attrs", [{}, {"id": "id_sted", "required": True}])
def test_frozen_choices_render_as_djangos_select(value, attrs):
    frozen = FrozenChoices(CHOICES)
    first = LongSelect(choices=frozen).render("sted", value, attrs=attrs)
    again = LongSelect(choices=frozen).render("sted", value, attrs=attrs)  # from the markup
    django = forms.Select(choices=CHOICES).render("sted", value, attrs=attrs)
    assert first == django
    assert again == django


@pytest.mark.parametrize(("value", "valid"), [("030102", True), ("", True), ("7", True),
                                              ("Oslo", False), ("ukjent", False)])
def test_a_long_choice_field_accepts_what_djangos_accepts(value, valid):
    class Ours(forms.Form):
        sted = LongChoiceField(required=False, widget=LongSelect)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["sted"].choices = FrozenChoices(CHOICES)

    class Theirs(forms.Form):
        sted = forms.ChoiceField(choices=CHOICES, required=False)

    assert Theirs({"sted": value}).is_valid() is valid
    assert Ours({"sted": value}).is_valid() is valid
    assert str(Ours({"sted": value})["sted"]) == str(Theirs({"sted": value})["sted"])
