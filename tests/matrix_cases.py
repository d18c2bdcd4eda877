"""Cases for the scope matrix (tests/test_scope_matrix.py).

When you add a route with parameters, add here how to point each parameter at commune B's record.
`build_world` makes, next to the small map, one record of every kind in commune B; extend it with
the records your app owns.
"""


def build_world(small_map, officer_a, officer_b):
    return {**small_map, "officer_a": officer_a, "officer_b": officer_b}


OBJECT_ROUTES = {
    "territory:unit_detail": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "territory:village_create": lambda w: [{"unit_id": w["commune_b"].pk}],
    "accounts:user_detail": lambda w: [{"user_id": w["officer_b"].pk}],
    "audit:history": lambda w: [
        {"model_label": "territory.unit", "object_id": w["commune_b"].pk},
        {"model_label": "accounts.user", "object_id": w["officer_b"].pk},
    ],
    "api:unit_detail": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
}

# Routes whose parameter is not a record (nothing to scope).
PUBLIC_ROUTES = {
    "set_language",
}

# Parameterless routes that are not pages to read (redirects, POST-only endpoints, the API schema).
NON_PAGE_ROUTES = {"logout", "set_language", "api:api-root", "api:openapi-json", "api:openapi-view"}

# Extra query strings for lists, so filters and searches are walked too.
LIST_QUERIES = {
    "territory:unit_list": ["", "?q=binh", "?level=village", "?level=commune&era=current"],
    "api:list_units": ["", "?q=binh", "?level=village", "?era=legacy"],
}
