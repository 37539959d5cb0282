"""Form widgets.

``LongSelect`` writes the markup of Django's ``select.html`` and
``select_option.html`` in Python: the same HTML, without rendering a template
per option. A search form whose place list holds every kommune and bydel
(~390 options) spent most of its page time there (issue 12).
"""

from django import forms
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


class LongSelect(forms.Select):
    """A ``Select`` for hundreds of options; the same HTML as Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
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
