from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value):
    """A share in percent, "82,5%" ("82.5%" in English); unknown → "–" (never 0 % or 100 %)."""
    if value is None:
        return "–"
    text = f"{float(value):.1f}".rstrip("0").rstrip(".")
    return f"{number_format(Decimal(text), force_grouping=True)}%"


@register.filter
def num(value):
    return "–" if value is None else number_format(int(value), force_grouping=True)
