"""A refusal says what to do next, in Vietnamese: a page not found (or outside the user's area), a
form sent after its token expired (Django's English «Forbidden (403) CSRF verification failed»
otherwise), an act not allowed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied

pytestmark = pytest.mark.django_db


def test_not_found_names_the_way_back(client, small_map, users):
    client.force_login(users["village_officer"])
    response = client.get(f"/units/{small_map['commune_b'].pk}/")  # another commune: outside their area
    page = response.content.decode()
    assert response.status_code == 404
    assert "nằm ngoài địa bàn của bạn" in page and "giao thêm địa bàn" in page and "Về trang đầu" in page


def test_an_expired_form_is_refused_in_vietnamese_with_what_to_do(small_map, users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["village_officer"])
    response = client.post("/logout/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Chưa gửi được" in page and "tải lại trang rồi nhập và gửi lại" in page
    assert "Forbidden" not in page and "CSRF" not in page


def test_an_act_not_allowed_says_who_grants_it(small_map, users):
    request = RequestFactory().get("/")
    request.user = users["village_officer"]
    response = permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403 and "phân quyền cho bạn" in page and "403 Forbidden" not in page
