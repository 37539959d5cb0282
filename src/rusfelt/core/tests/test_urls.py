"""Every named URL resolves to its own view: the root URL configuration's order (the
capabilities before core's and drift's patterns, ``rusfelt.urls``) may change which
patterns are tried first, never where a URL leads."""

import uuid
from collections import Counter

from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter

#: A value each kind of path converter accepts (``str`` for any other).
SAMPLES = {IntConverter: 7, SlugConverter: "a-slug", UUIDConverter: uuid.UUID(int=7),
           PathConverter: "a/path"}


def _named(resolver, namespace="", converters=None):
    """``(view name, pattern, its converters)`` of every named pattern under ``resolver``."""
    for pattern in resolver.url_patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _named(pattern, inner, found)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern, found


def test_every_named_url_reverses_to_a_path_that_resolves_to_its_own_view():
    named = list(_named(get_resolver()))
    counts = Counter(name for name, _pattern, _converters in named)
    checked = 0
    for name, pattern, converters in named:
        if pattern.pattern.regex.groupindex.keys() - converters.keys():
            continue  # a regular expression's groups (the admin's app list): no sample
        kwargs = {key: SAMPLES.get(type(converter), "x1")
                  for key, converter in converters.items()}
        url = reverse(name, kwargs=kwargs)
        match = resolve(url)
        assert match.view_name == name, (url, match.view_name, name)
        if counts[name] == 1:
            assert match.func is pattern.callback, (url, name)
        checked += 1
    assert checked > 100
    # The capabilities' pages and core's are among them.
    assert {"indikatorer:sett", "core:home", "core:unit_detail", "drift:health"} <= set(counts)
