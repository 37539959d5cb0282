"""Forms of the self-test. Every step carries the answers so far in hidden
fields, so the server keeps nothing between steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .domain import scoring
from .domain.instruments import Instrument
from .services import places

SEX_CHOICES = [
    (scoring.Sex.KVINNE.value, _("Kvinne")),
    (scoring.Sex.MANN.value, _("Mann")),
]


def place_choices():
    choices = [("", _("Velg ikke nå"))]
    for unit in places():
        label = unit.name if unit.level == "kommune" else f"– {unit.name}"
        choices.append((unit.code, label))
    return choices


class StartForm(forms.Form):
    kjonn = forms.ChoiceField(
        label=_("Kjønn"),
        choices=SEX_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("Grensene i testen er forskjellige for kvinner og menn."),
        error_messages={"required": _("Velg kvinne eller mann, så testen kan bruke riktige "
                                      "grenser.")},
    )
    sted = forms.ChoiceField(
        label=_("Kommune eller bydel"),
        required=False,
        help_text=_("Valgfritt. Brukes bare til å vise hjelpetilbud der du bor."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sted"].choices = place_choices()


class AnswersField(forms.CharField):
    """The answers so far as "0,2,1": option indices of the first items."""

    widget = forms.HiddenInput

    def __init__(self, instrument: Instrument, **kwargs):
        self.instrument = instrument
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            answers = scoring.parse_answers(value or "")
        except scoring.AnswerError as exc:
            raise forms.ValidationError(str(exc)) from exc
        items = self.instrument.items
        if len(answers) > len(items) or any(
            not 0 <= a < len(item.options) for a, item in zip(answers, items, strict=False)
        ):
            raise forms.ValidationError(_("Svarene kunne ikke leses. Start testen på nytt."))
        return answers


class StateForm(StartForm):
    """Where the person is in the test: sex, place and the answers so far."""

    def __init__(self, instrument: Instrument, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["svar"] = AnswersField(instrument)


class QuestionForm(forms.Form):
    valg = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Velg ett av svarene før du går videre.")},
    )

    def __init__(self, options: list[tuple[int, str]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valg"].choices = options
