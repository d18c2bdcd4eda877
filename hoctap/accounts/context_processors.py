from .scoping import scope_for


def territory(request):
    """Navigation shows the territory the user works on."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    scope = scope_for(request)
    return {"scope": scope, "home_units": scope.home_units()}
