from django import template

from hoctap.funds.money import format_dong

register = template.Library()


@register.filter
def dong(value):
    """1250000 → "1.250.000 đ" (grouping in the interface language)."""
    return format_dong(value)
