from django.urls import path

from . import views

app_name = "openrosa"
urlpatterns = [
    # The OpenRosa server: ODK Collect's server URL is …/openrosa.
    path("openrosa/formList", views.form_list, name="form_list"),
    path("openrosa/forms/<int:campaign_id>/<int:set_id>/form.xml", views.form_xml, name="form_xml"),
    path("openrosa/forms/<int:campaign_id>/<int:set_id>/manifest", views.manifest, name="manifest"),
    path("openrosa/forms/<int:campaign_id>/<int:set_id>/subjects.csv", views.subjects, name="subjects"),
    path("openrosa/submission", views.submission, name="submission"),
    # The officer's pages.
    path("openrosa/devices/", views.devices, name="devices"),
    path("openrosa/devices/<int:device_id>/revoke/", views.device_revoke, name="device_revoke"),
    path("openrosa/guide/", views.guide, name="guide"),
    # The installable offline pages: the worker at the root (its scope is the whole site).
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
]
