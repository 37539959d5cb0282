from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:code }}``: a dict lookup by a variable key."""
    if not mapping or key is None:
        return ""
    return mapping.get(key, "")
