"""The OpenRosa endpoints ODK Collect calls, and the officer's devices page.

Collect is configured with the server URL `…/openrosa` and appends `/formList` and `/submission`
itself; forms, manifests and media are fetched at the absolute URLs the list and manifest give.
Every OpenRosa response carries `X-OpenRosa-Version: 1.0` and `Date`; the submission endpoint
answers HEAD with 204 and `X-OpenRosa-Accept-Content-Length`, and POST with 201/202 or an error
status, always with an `<OpenRosaResponse>` message that Collect shows as it is.
"""

from __future__ import annotations

import functools
from pathlib import Path
from xml.sax.saxutils import escape

from auditlog.context import set_actor
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.audit.exports import record_export
from hoctap.core.clients import client_address
from hoctap.web.shortcuts import download, not_post

from . import catalog, collect_settings, submissions, xform
from .auth import challenge, credential_of, transport_allowed
from .models import DeviceCredential

XML = "text/xml; charset=utf-8"
LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"
# Collect splits a larger submission into several posts; a phone's photos of one assessment, scaled
# to the form's max-pixels, stay far below this.
ACCEPT_CONTENT_LENGTH = 50 * 1024 * 1024
SUBJECTS_CACHE_SECONDS = 120
SERVICE_WORKER = Path(__file__).parent / "static" / "openrosa" / "sw.js"


def _openrosa_headers(response):
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    response["Content-Language"] = "vi"
    response["Cache-Control"] = "private, no-store"
    return response


def _message(status: int, text: str, *, accept_length: bool = False) -> HttpResponse:
    nature = "submit_success" if status in (201, 202) else "error"
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="{RESPONSE_NS}">'
        f'<message nature="{nature}">{escape(text)}</message></OpenRosaResponse>'
    )
    response = HttpResponse(body, status=status, content_type=XML)
    if accept_length:
        response["X-OpenRosa-Accept-Content-Length"] = str(ACCEPT_CONTENT_LENGTH)
    return _openrosa_headers(response)


def openrosa(methods=("GET",), *, device_only=False):
    """An OpenRosa endpoint: HTTPS, a device credential (or, for reading, a signed-in session: an
    officer may look at a generated form in the browser), the OpenRosa headers."""

    def decorate(view):
        @functools.wraps(view)
        @login_not_required  # a device credential or a session, checked below (401 with a challenge)
        @csrf_exempt  # no cookie is trusted for writes: a device credential is required for them
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return _openrosa_headers(HttpResponseNotAllowed(methods))
            # A device credential travels in every request, so it is accepted over HTTPS only (a
            # browser session is protected like any other page).
            if "HTTP_AUTHORIZATION" in request.META and not transport_allowed(request):
                return _message(403, _("Máy chủ chỉ nhận kết nối bảo mật: địa chỉ máy chủ phải bắt đầu bằng https://."))
            credential = credential_of(request)
            if credential is not None:
                request.user = credential.user
            elif device_only or not request.user.is_authenticated:
                response = _message(
                    401, _("Cần đăng nhập bằng mã thiết bị. Hãy quét lại mã QR trên trang «ODK Collect» của bạn.")
                )
                response["WWW-Authenticate"] = challenge()
                return response
            request.device_credential = credential
            return _openrosa_headers(view(request, *args, **kwargs))

        return wrapper

    return decorate


def _absolute(request, name, **kwargs) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


@openrosa()
def form_list(request):
    scope = scope_for(request)
    wanted = request.GET.get("formID")
    items = []
    for form in catalog.forms(scope):
        if wanted and form.form_id != wanted:
            continue
        campaign_id, set_id = xform.parse_form_id(form.form_id)
        ids = {"campaign_id": campaign_id, "set_id": set_id}
        items.append(
            f"<xform><formID>{form.form_id}</formID><name>{escape(form.title)}</name>"
            f"<version>{form.version}</version><hash>md5:{form.md5}</hash>"
            f"<downloadUrl>{escape(_absolute(request, 'openrosa:form_xml', **ids))}</downloadUrl>"
            f"<manifestUrl>{escape(_absolute(request, 'openrosa:manifest', **ids))}</manifestUrl></xform>"
        )
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="{LIST_NS}">{"".join(items)}</xforms>'
    return HttpResponse(body, content_type=XML)


@openrosa()
def form_xml(request, campaign_id, set_id):
    form, _campaign, _set = catalog.form_or_404(scope_for(request), campaign_id, set_id)
    return download(form.xml, f"{form.form_id}.xml", XML)


def _subjects_key(request, campaign_id, set_id) -> str:
    return f"openrosa:subjects:{request.user.pk}:{campaign_id}:{set_id}"


@openrosa()
def manifest(request, campaign_id, set_id):
    scope = scope_for(request)
    catalog.form_or_404(scope, campaign_id, set_id)
    subjects = catalog.subjects_csv(scope, campaign_id, set_id)
    # Collect fetches the list right after the manifest when its hash changed: serve those very bytes.
    cache.set(_subjects_key(request, campaign_id, set_id), subjects, SUBJECTS_CACHE_SECONDS)
    url = _absolute(request, "openrosa:subjects", campaign_id=campaign_id, set_id=set_id)
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="{MANIFEST_NS}"><mediaFile>'
        f"<filename>{xform.SUBJECTS_FILE}</filename><hash>md5:{catalog.md5(subjects)}</hash>"
        f"<downloadUrl>{escape(url)}</downloadUrl></mediaFile></manifest>"
    )
    return HttpResponse(body, content_type=XML)


@openrosa()
def subjects(request, campaign_id, set_id):
    scope = scope_for(request)
    catalog.form_or_404(scope, campaign_id, set_id)
    data = cache.get(_subjects_key(request, campaign_id, set_id)) or catalog.subjects_csv(scope, campaign_id, set_id)
    # One line per subject after the header line.
    rows = max(0, len(data.splitlines()) - 1)
    record_export(request.user, "openrosa.subjects", rows=rows, filters={"campaign": campaign_id, "set": set_id})
    return download(data, xform.SUBJECTS_FILE, "text/csv; charset=utf-8")


@openrosa(methods=("HEAD", "POST"), device_only=True)
def submission(request):
    if request.method == "HEAD":
        response = HttpResponse(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(ACCEPT_CONTENT_LENGTH)
        return response
    if not request.content_type.startswith("multipart/form-data"):
        return _message(
            415, _("Bản gửi phải ở dạng multipart (tệp dữ liệu kèm ảnh) như ODK Collect gửi."), accept_length=True
        )
    if "*isIncomplete*" in request.POST:
        return _message(
            413, _("Bản gửi quá lớn nên bị chia nhỏ. Hãy chụp lại ảnh với cỡ nhỏ hơn rồi gửi lại."), accept_length=True
        )
    instance = request.FILES.get("xml_submission_file")
    if instance is None:
        return _message(400, _("Bản gửi thiếu tệp dữ liệu (xml_submission_file)."), accept_length=True)
    if instance.size > submissions.MAX_XML_BYTES:
        return _message(413, _("Tệp dữ liệu của bản gửi quá lớn."), accept_length=True)
    try:
        # The audit log's actor is the officer the phone belongs to (the middleware saw no session).
        with set_actor(request.user, remote_addr=client_address(request)):
            outcome = submissions.receive(scope_for(request), request.device_credential, instance.read(), request.FILES)
    except submissions.Refused as refusal:
        return _message(refusal.status, refusal.message, accept_length=True)
    return _message(outcome.status, outcome.message, accept_length=True)


# -- the officer's page ----------------------------------------------------------------------------


def _devices(request):
    return DeviceCredential.objects.filter(user=request.user)


def devices(request):
    """The officer's phones: create a credential (its QR code is shown once), revoke one."""
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    if request.method == "POST":
        name = (request.POST.get("name") or "").strip()
        if not name:
            messages.error(request, _("Hãy đặt tên cho thiết bị (ví dụ: Điện thoại của chị Hoa)."))
            return redirect("openrosa:devices")
        credential, secret = DeviceCredential.issue(request.user, name)
        server_url = _absolute(request, "openrosa:form_list").removesuffix("/formList")
        units = ", ".join(unit.name for unit in scope.home_units())
        payload = collect_settings.encode(
            collect_settings.collect_settings(
                server_url=server_url, login=credential.login, secret=secret, project_name=f"hoctap · {units}"
            )
        )
        response = render(
            request,
            "openrosa/device_qr.html",
            {
                "credential": credential,
                "qr": collect_settings.qr_data_uri(payload),
                "server_url": server_url,
                "secure": server_url.startswith("https://"),
            },
        )
        response["Cache-Control"] = "no-store"  # the code holds the secret: never kept by a cache
        return response
    forms = catalog.forms(scope)
    return render(
        request,
        "openrosa/devices.html",
        {
            "devices": _devices(request),
            "forms": forms,
        },
    )


def device_revoke(request, device_id):
    credential = _devices(request).filter(pk=device_id).first()
    if credential is None:
        raise Http404
    if refused := not_post(request):
        return refused
    credential.revoke()
    messages.success(
        request,
        _("Đã thu hồi mã của thiết bị «%(name)s»; thiết bị đó không gửi, nhận được nữa.") % {"name": credential.name},
    )
    return redirect("openrosa:devices")


def guide(request):
    return render(request, "openrosa/guide.html", {"debug": settings.DEBUG})


# -- the installable offline pages (self-assessment, village review) ------------------------------


@login_not_required
def service_worker(request):
    """The service worker, served from the site's root so that it may keep pages anywhere on it."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new worker reaches phones at their next visit
    return response


@login_not_required
def web_manifest(request):
    manifest = {
        "name": "hoctap · " + _("Học tập suốt đời"),
        "short_name": "hoctap",
        "lang": "vi",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f99",
        "icons": [
            {"src": static(f"openrosa/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
