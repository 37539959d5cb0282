"""A list of choices stored in one text column as ",a,b,".

The commas on both ends let the database find one value with a plain
``contains`` (``target_groups__contains=",ungdom,"``) on SQLite and
PostgreSQL alike, without a join table for each small list.
"""

from django import forms
from django.db import models
from django.utils.text import capfirst


def as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v]
    return [v for v in str(value).split(",") if v]


def contains_value(code: str) -> str:
    """The string that ``contains`` looks for to find one value."""
    return f",{code},"


class ChoiceListField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return as_list(value)

    def to_python(self, value):
        return as_list(value)

    def get_prep_value(self, value):
        if isinstance(value, str):
            # A lookup value (",ungdom,") or an already stored string.
            return value
        items = as_list(value)
        return f",{','.join(items)}," if items else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        allowed = {str(k) for k, _label in self.flatchoices}
        for item in as_list(value):
            if item not in allowed:
                raise forms.ValidationError(f"Ukjent verdi: {item}")
        if not self.blank and not as_list(value):
            raise forms.ValidationError(self.error_messages["blank"])

    def get_default(self):
        return as_list(super().get_default())

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.choices,
            required=not self.blank,
            widget=kwargs.get("widget") or forms.CheckboxSelectMultiple,
            label=kwargs.get("label") or capfirst(self.verbose_name),
            help_text=self.help_text,
        )
