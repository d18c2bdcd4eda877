from django import template

from hoctap.stats import charts
from hoctap.stats.progress import SYMBOLS, Status

register = template.Library()


@register.filter
def pct(value):
    return charts.pct(value)


@register.filter
def num(value):
    if value is None:
        return "–"
    if hasattr(value, "denominator") and getattr(value, "denominator", 1) != 1:
        return charts.fmt(value, 1)
    return f"{int(value):,}".replace(",", ".")


@register.filter
def status_symbol(value):
    return SYMBOLS.get(value, "–")


@register.filter
def status_text(value):
    return str(Status(value).label) if value else "—"


@register.filter
def source_text(value):
    return {"registry": "sổ theo dõi", "declared": "khai báo", "mixed": "sổ + khai báo"}.get(value, "—")
