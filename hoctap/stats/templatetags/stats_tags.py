from django import template
from django.utils.translation import gettext as _

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
    return charts.count(value)


@register.filter
def status_symbol(value):
    return SYMBOLS.get(value, "–")


@register.filter
def status_text(value):
    return str(Status(value).label) if value else "—"


@register.filter
def source_text(value):
    labels = {"registry": _("sổ theo dõi"), "declared": _("khai báo"), "mixed": _("sổ + khai báo")}
    return labels.get(value, "—")


@register.simple_tag
def children_list(board):
    """The ranked children as links to their dashboards (one line each, built in Python: a
    province has a hundred communes)."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join

    base = reverse("stats:dashboard", args=[0]).replace("/0/", "/{}/")
    query = f"?year={board.year}&map={board.map}&focus={board.focus}"
    return format_html(
        '<ol class="children">{}</ol>',
        format_html_join(
            "",
            '<li><a href="{}">{}</a>: {}{} <span class="status status-{}">{}</span></li>',
            (
                (
                    base.format(c.unit.pk) + query,
                    c.unit.name,
                    charts.pct(c.rate),
                    " ≈" if c.value.approximate else "",
                    c.status or "none",
                    SYMBOLS.get(c.status, "–"),
                )
                for c in board.children
            ),
        ),
    )


@register.filter
def class_label(code):
    """A class or level code ("level_2") as its name in the criteria sets ("Mức 2")."""
    from hoctap.criteria.labels import classification_label

    return classification_label(code)
