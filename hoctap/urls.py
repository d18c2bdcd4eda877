from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import URLResolver, include, path
from django.views.i18n import set_language

from hoctap.accounts import reset_views
from hoctap.api.service import api
from hoctap.assessments.urls import public_urlpatterns as assessment_public_urls
from hoctap.web import views as web_views


def self_authenticating(urls):
    """The API answers 401 itself (a bearer token or a session, per operation): the login
    middleware must not turn its refusals into redirects to the login page."""
    patterns, app_name, namespace = urls

    def mark(items):
        for item in items:
            if isinstance(item, URLResolver):
                mark(item.url_patterns)
            else:
                item.callback.login_required = False

    mark(patterns)
    return patterns, app_name, namespace


urlpatterns = [
    path("", web_views.home, name="home"),
    path("public/", web_views.public_stats, name="public_stats"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", reset_views.password_reset_start, name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path("password/reset/code/", reset_views.password_reset_code, name="password_reset_code"),
    path("password/reset/<uidb64>/<token>/", reset_views.EmailResetConfirm.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_complete",
    ),
    # The language switch is on the landing page too: anonymous visitors choose their language.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", self_authenticating(api.urls)),
    path("", include("hoctap.territory.urls")),
    path("", include("hoctap.accounts.urls")),
    path("", include("hoctap.audit.urls")),
    path("", include("hoctap.criteria.urls")),
    path("registry/", include("hoctap.registry.urls")),
    path("", include("hoctap.exports.urls")),
    path("", include("hoctap.privacy.urls")),
    path("", include("hoctap.assessments.urls")),
    path("", include("hoctap.openrosa.urls")),
    path("", include("hoctap.stats.urls")),
    path("", include("hoctap.reports.urls")),
    path("", include("hoctap.inspections.urls")),
    path("", include("hoctap.awards.urls")),
    path("", include("hoctap.funds.urls")),
    path("", include("hoctap.members.urls")),
    path("", include("hoctap.learning.urls")),
    path("", include("hoctap.notifications.urls")),
    *assessment_public_urls,
]
