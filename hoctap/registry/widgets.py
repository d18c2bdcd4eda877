"""A <select> for a foreign key to a table too large to list: a search box fills it as you type.

A household select listing every household of a commune (~8,000) or a province (~800,000) would
make the page megabytes; officers work on cheap phones over slow links. `SearchSelect` renders only
the empty choice and the record the form holds, preceded by a search box; htmx asks the suggestion
URL for the matches and puts them into the select. Choosing stays a plain <select>: type in the
box, Tab to the select, choose with the arrow keys. Without JavaScript the select still submits
its current value. Validation is the ModelChoiceField's own (its scoped queryset, one query).
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

# The search box names a form that does not exist, so that it has no form owner: the browser never
# submits it with the form, and Enter in it cannot submit the form half-filled. htmx still sends its
# value (it reads the element's own name and value).
DETACHED_FORM = "search-select-detached"
# Anything but an ID number (12 digits), which the search box must never put in a URL.
ID_NUMBER_REFUSED = r"(?!\s*\d{12}\s*$).*"


class SearchSelect(forms.Select):
    template_name = "registry/widgets/search_select.html"

    def __init__(self, *, suggest_url, search_label, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.suggest_url = suggest_url  # may be lazy (reverse_lazy): resolved when rendered
        self.search_label = search_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        select_id = context["widget"]["attrs"].get("id")
        select = f"#{select_id}" if select_id else "next select"
        search_attrs = {
            "name": "q",
            "form": DETACHED_FORM,
            "aria-label": self.search_label,
            "placeholder": self.search_label,
            "autocomplete": "off",
            "spellcheck": "false",
            "enterkeyhint": "search",
            "maxlength": "100",
            # A 12-digit number (a CCCD) would travel in the URL: it is invalid here, and htmx does
            # not send an invalid search.
            "pattern": ID_NUMBER_REFUSED,
            "hx-validate": "true",
            "hx-get": str(self.suggest_url),
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": select,
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            # The select's current value travels along, so the answer keeps it selected: a search
            # that finds nothing does not silently clear the field.
            "hx-include": select,
            "hx-vals": json.dumps({"field": name}),
        }
        if select_id:
            search_attrs["id"] = f"{select_id}_search"
            search_attrs["aria-controls"] = select_id
        context["search"] = {"attrs": search_attrs}
        return context

    def optgroups(self, name, value, attrs=None):
        """The empty choice and the chosen record(s) only: the queryset is never iterated."""
        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)
        choices = [("", iterator.field.empty_label)] if iterator.field.empty_label is not None else []
        wanted = [v for v in value if v not in ("", None)]
        if wanted:
            key = iterator.field.to_field_name or "pk"
            try:
                chosen = list(iterator.queryset.filter(**{f"{key}__in": wanted}))
            except (ValueError, TypeError, ValidationError):  # a value that cannot be a key: nothing chosen
                chosen = []
            choices += [iterator.choice(obj) for obj in chosen]
        groups, has_selected = [], False
        for index, (option_value, option_label) in enumerate(choices):
            selected = (not has_selected or self.allow_multiple_selected) and str(option_value) in value
            has_selected |= selected
            option = self.create_option(name, option_value, option_label, selected, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups
