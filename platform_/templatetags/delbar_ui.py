"""Template helpers of the page layout (docs/decisions/0038-phone-layout-and-tree-filters.md): how many filters of a
search form are in use, the same search without them, and numbers grouped in the page's language."""

from __future__ import annotations

from django import template
from django.utils import formats

register = template.Library()

# A search form's fields that are not filters: the words, the order, where to search.
NOT_FILTERS = {"q", "sort", "omfang"}


def _filter_names(form) -> list[str]:
    return [field.name for field in form.visible_fields() if field.name not in NOT_FILTERS]


@register.filter
def active_filter_count(form) -> int:
    """How many of the form's filters have a value (as asked; a stale value counts until it is cleared)."""
    if not getattr(form, "is_bound", False):
        return 0
    return sum(1 for name in _filter_names(form) if form.data.get(name) not in (None, ""))


@register.simple_tag(takes_context=True)
def clear_filters_url(context, form) -> str:
    """The page's address with the words and the order kept and every filter (and the page number) dropped."""
    request = context["request"]
    kept = request.GET.copy()
    for name in (*_filter_names(form), "sida"):
        kept.pop(name, None)
    for name in [name for name in kept if not any(kept.getlist(name))]:
        kept.pop(name)  # an empty search box says nothing
    return f"{request.path}?{kept.urlencode()}" if kept else request.path


@register.filter
def number(value):
    """A number in the page's language, grouped by thousands (Swedish: 12 345,5; English: 12,345.5)."""
    if value is None or value == "":
        return value
    return formats.number_format(value, use_l10n=True, force_grouping=True)
