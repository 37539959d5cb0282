"""Form widgets.

``LongSelect`` writes the markup of Django's ``select.html`` and
``select_option.html`` in Python: the same HTML, without rendering a template
per option. A search form whose place list holds every kommune and bydel
(~390 options) spent most of its page time there (issue 12).

``FrozenChoices`` goes one step further for a list that many requests share
(every kommune and bydel): it is normalised once, a ``LongChoiceField``
checks a value against a set instead of walking the list, and ``LongSelect``
writes each option's markup once and on later renders only marks the
selected one.
"""

from django import forms
from django.utils.choices import BaseChoiceIterator, flatten_choices, normalize_choices
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True,
    nothing for False."""
    return format_html_join(
        "", "{}", (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items() if value is not False
        ),
    )


class FrozenChoices(BaseChoiceIterator):
    """Choices built once and shared, read-only, by every form that shows them.

    Django normalises a field's choices and walks them to validate a value on
    every form; for a few hundred places built once per language that work
    is done here once: ``values`` holds every value as text, and
    ``option_markup()`` the options as ``LongSelect`` writes them.
    """

    def __init__(self, choices):
        self.choices = normalize_choices(list(choices))
        self.values = frozenset(str(value) for value, _label in flatten_choices(self.choices))
        self._markup = None

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __copy__(self):
        return self  # read-only: forms share one

    def __deepcopy__(self, memo):
        return self

    def option_markup(self) -> list[tuple[str | None, str, str]]:
        """Django's ``select.html`` body as (value or None, markup, markup if selected):
        None for an optgroup's opening or closing tag."""
        if self._markup is None:
            markup = []
            for group_value, label in self.choices:
                group_value = "" if group_value is None else group_value
                nested = isinstance(label, (list, tuple))
                if nested and group_value:  # select.html: {% if group_name %}
                    tag = format_html('\n  <optgroup label="{}">', group_value)
                    markup.append((None, tag, tag))
                for value, option_label in (label if nested else [(group_value, label)]):
                    markup.append((
                        str(value),
                        format_html('\n  <option value="{}">{}</option>\n', str(value),
                                    option_label),
                        format_html('\n  <option value="{}" selected>{}</option>\n',
                                    str(value), option_label),
                    ))
                if nested and group_value:
                    markup.append((None, "\n  </optgroup>", "\n  </optgroup>"))
            self._markup = markup
        return self._markup


class LongChoiceField(forms.ChoiceField):
    """A ``ChoiceField`` that checks a value against ``FrozenChoices.values``."""

    def valid_value(self, value):
        if isinstance(self.choices, FrozenChoices):
            return str(value) in self.choices.values
        return super().valid_value(value)


class LongSelect(forms.Select):
    """A ``Select`` for hundreds of options; the same HTML as Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(self.choices, FrozenChoices):
            return self._render_frozen(name, value, attrs)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html('\n  <option value="{}"{}>{}</option>\n', str(option["value"]),
                            _attrs(option["attrs"]), option["label"])
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part above is escaped

    def _render_frozen(self, name, value, attrs):
        """As ``render``, from the options' markup written once (``FrozenChoices``):
        the first option whose value was given is the selected one, as in Django."""
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        parts = [format_html('<select name="{}"{}>', name, _attrs(attrs))]
        selected = False
        for option_value, plain, marked in self.choices.option_markup():
            if not selected and option_value is not None and option_value in values:
                parts.append(marked)
                selected = True
            else:
                parts.append(plain)
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part is escaped (option_markup)
