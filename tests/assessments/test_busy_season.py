"""Issue 17: the busy season's review and document paths. The review board comes a page at a time
(filtered by state and name; bulk accept counts and accepts exactly the filter's rows, on every
page), and decision and certificate PDFs are made by the background worker, once, while the page
says they are being made."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoctap.assessments import document_jobs, documents, review
from hoctap.assessments.models import Assessment, DocumentJob, DocumentKind, DocumentStatus
from hoctap.assessments.states import State
from hoctap.core import documents as core_documents
from hoctap.criteria.titles import Title
from tests.assessments.conftest import scope_of
from tests.assessments.test_pages import run_document_jobs, submitted_citizens

pytestmark = pytest.mark.django_db


def board(campaign, village):
    return f"/campaigns/{campaign.pk}/units/{village.pk}/review/"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(review, "BOARD_PAGE_SIZE", 3)


def states_of(rows):
    return dict(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "state"))


# -- the board, a page at a time -------------------------------------------------------------------


def test_the_board_comes_a_page_at_a_time_and_says_where_you_are(client, campaigns, users, small_map, small_pages):
    rows = submitted_citizens(7, small_map, users)
    url = board(rows[0].campaign, small_map["village_a"])
    client.force_login(users["commune_officer"])
    first = client.get(url).content.decode()
    assert first.count('class="row-actions"') == 3 and "Hồ sơ 1–3 trong 7 hồ sơ." in first
    assert "Trang 1/3" in first and 'rel="next" href="?page=2"' in first
    last = client.get(url + "?page=3").content.decode()
    assert last.count('class="row-actions"') == 1 and "Hồ sơ 7–7 trong 7 hồ sơ." in last
    # every dossier is on exactly one page
    shown = "".join(client.get(f"{url}?page={n}").content.decode() for n in (1, 2, 3))
    assert all(shown.count(f'id="row-{r.pk}"') == 1 for r in rows)


def test_the_board_costs_the_same_queries_for_a_village_of_any_size(client, campaigns, users, small_map, small_pages):
    client.force_login(users["commune_officer"])
    url = board(campaigns[Title.CITIZEN], small_map["village_a"])
    submitted_citizens(3, small_map, users)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    submitted_citizens(9, small_map, users)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url + "?page=2").content.decode()
    assert "Hồ sơ 4–6 trong 12 hồ sơ." in page
    assert len(many) == len(few)


def test_the_board_filters_by_state_and_name_with_counts(client, campaigns, users, small_map):
    rows = submitted_citizens(3, small_map, users)
    returned = rows[0]
    review.return_row(scope_of(users["commune_officer"]), returned, "Thiếu ảnh", expected_version=returned.version)
    url = board(returned.campaign, small_map["village_a"])
    client.force_login(users["commune_officer"])
    page = client.get(url).content.decode()
    assert "Chờ thẩm định (2)" in page and "Đã trả lại (1)" in page and "Tất cả hồ sơ (3)" in page
    only_returned = client.get(url + "?show=returned").content.decode()
    assert f'id="row-{returned.pk}"' in only_returned and f'id="row-{rows[1].pk}"' not in only_returned
    # the name without diacritics finds it
    name = rows[2].person.full_name
    found = client.get(url, {"q": name.replace("ư", "u").replace("ờ", "o")}).content.decode()
    assert f'id="row-{rows[2].pk}"' in found and f'id="row-{rows[1].pk}"' not in found
    nothing = client.get(url, {"q": "Không Ai Tên Này"}).content.decode()
    assert "Không có hồ sơ nào khớp với bộ lọc" in nothing and "Chấp nhận điểm tự chấm" not in nothing
    assert client.get(url + "?show=nonsense").status_code == 200  # an unknown filter shows everything


def test_bulk_accept_over_a_filter_counts_and_accepts_exactly_its_rows_on_every_page(
    client, campaigns, users, small_map, small_pages
):
    rows = submitted_citizens(5, small_map, users)
    chosen, others = rows[:4], rows[4:]
    for number, row in enumerate(chosen):  # four names share a word, over two pages of three
        row.person.full_name = f"Đỗ Chọn {number}"
        row.person.save()
    url = board(rows[0].campaign, small_map["village_a"])
    client.force_login(users["commune_officer"])
    page = client.get(url, {"q": "do chon"}).content.decode()
    assert "Hồ sơ 1–3 trong 4 hồ sơ." in page and "?q=do+chon&amp;confirm=accept" in page
    asked = client.get(url, {"q": "do chon", "confirm": "accept"}).content.decode()
    assert "Chấp nhận 4 hồ sơ?" in asked and all(r.person.full_name in asked for r in chosen)
    assert others[0].person.full_name not in asked
    assert set(states_of(rows).values()) == {State.SUBMITTED}  # asking accepts nothing
    confirm = [f"{r.pk}:{r.version}" for r in chosen]
    done = client.post(url, {"bulk": "accept", "q": "do chon", "confirm": confirm})
    assert done.status_code == 302 and done["Location"].endswith("?q=do+chon")
    states = states_of(rows)
    assert {states[r.pk] for r in chosen} == {State.PROPOSED} and states[others[0].pk] == State.SUBMITTED


def test_the_village_officer_pages_through_the_board_without_actions(client, campaigns, users, small_map, small_pages):
    rows = submitted_citizens(4, small_map, users)
    client.force_login(users["village_officer"])
    page = client.get(board(rows[0].campaign, small_map["village_a"]) + "?page=2").content.decode()
    assert "Hồ sơ 4–4 trong 4 hồ sơ." in page and rows[3].person.full_name in page
    assert "Chấp nhận" not in page and "Trả lại</button>" not in page


# -- PDFs made by the worker --------------------------------------------------------------------------


@pytest.fixture
def certified(client, family_assessment, users):
    """A decision issued and its certificate granted through the pages (which queue their PDFs)."""
    from tests.assessments.conftest import walk_to_proposed

    proposed = walk_to_proposed(family_assessment, users)
    client.force_login(users["commune_approver"])
    response = client.post(
        f"/campaigns/{proposed.campaign_id}/decisions/new/",
        {
            "assessment": [proposed.pk],
            "issuer": proposed.unit.parent_id,
            "issued_on": "2025-12-20",
            "signer_name": "Phạm Văn Đức",
            "signer_title": "Chủ tịch",
            "legal_bases": "Căn cứ A;",
            "recipients": "Như Điều 3;",
        },
    )
    client.post(response["Location"])
    return Assessment.objects.get(pk=proposed.pk)


def test_issuing_queues_the_pdfs_and_the_page_says_they_are_being_made(client, certified, monkeypatch):
    decision = certified.decision
    rendered = []
    monkeypatch.setattr(core_documents, "write_pdf", lambda html: rendered.append(html) or b"%PDF-1.7 test")
    jobs = {job.kind: job for job in DocumentJob.objects.filter(decision=decision)}
    assert set(jobs) == {DocumentKind.DECISION, DocumentKind.CERTIFICATES}
    assert all(job.status == DocumentStatus.QUEUED and job.html for job in jobs.values()) and not rendered
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    assert page.count("đang tạo tệp…") == 2 and 'hx-trigger="every 2s"' in page
    waiting = client.get(f"/decisions/{decision.pk}/decision.pdf")
    assert waiting.status_code == 202 and waiting["Refresh"] == "2" and "Đang tạo tệp PDF…" in waiting.content.decode()
    assert DocumentJob.objects.filter(decision=decision).count() == 2  # asking again queues nothing more
    run_document_jobs()
    assert len(rendered) == 2
    assert DocumentJob.objects.get(pk=jobs[DocumentKind.DECISION].pk).html == ""  # not kept once made
    part = client.get(f"/decisions/{decision.pk}/?part=documents", headers={"HX-Request": "true"}).content.decode()
    assert "đang tạo" not in part and "hx-trigger" not in part and part.startswith('<div id="decision-documents"')
    for _ in range(2):
        pdf = client.get(f"/decisions/{decision.pk}/decision.pdf")
        assert pdf.status_code == 200 and pdf.content == b"%PDF-1.7 test"
    assert len(rendered) == 2  # made once, read back after
    assert DocumentJob.objects.get(pk=jobs[DocumentKind.DECISION].pk).last_served_at is not None


def test_the_pdf_is_still_behind_the_scope_check(client, certified, small_map):
    from hoctap.accounts.roles import Role
    from tests.conftest import make_user

    run_document_jobs()
    client.force_login(make_user("commune_officer_b", Role.COMMUNE_OFFICER, small_map["commune_b"]))
    assert client.get(f"/decisions/{certified.decision.pk}/decision.pdf").status_code == 404
    assert client.get(f"/decisions/{certified.decision.pk}/certificates.pdf").status_code == 404
    assert client.get(f"/certificates/{certified.certificate.pk}/certificate.pdf").status_code == 404
    assert not DocumentJob.objects.filter(kind=DocumentKind.CERTIFICATE).exists()  # nothing queued for them


def test_a_failed_render_says_so_and_is_made_again_only_when_asked(client, certified, monkeypatch):
    decision = certified.decision

    def broken(html):
        raise OSError("disk full")

    monkeypatch.setattr(core_documents, "write_pdf", broken)
    with pytest.raises(OSError):
        run_document_jobs()
    job = DocumentJob.objects.get(decision=decision, kind=DocumentKind.DECISION)
    assert job.status == DocumentStatus.FAILED
    url = f"/decisions/{decision.pk}/decision.pdf"
    page = client.get(url)
    assert page.status_code == 202 and "Refresh" not in page and "Tạo lại" in page.content.decode()
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentStatus.FAILED  # a reload does not loop
    assert "chưa tạo được" in client.get(f"/decisions/{decision.pk}/").content.decode()
    monkeypatch.setattr(core_documents, "write_pdf", lambda html: b"%PDF-1.7 again")
    assert client.post(url)["Location"] == url
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentStatus.QUEUED
    run_document_jobs()
    assert client.get(url).content == b"%PDF-1.7 again"


def test_unread_certificates_are_purged_and_made_again_decisions_are_kept(client, certified, monkeypatch):
    monkeypatch.setattr(core_documents, "write_pdf", lambda html: b"%PDF-1.7 kept")
    run_document_jobs()
    decision = certified.decision
    jobs = {job.kind: job for job in DocumentJob.objects.filter(decision=decision)}
    paths = {kind: core_documents.document_path(job.key) for kind, job in jobs.items()}
    assert all(default_storage.exists(path) for path in paths.values())
    assert document_jobs.purge_unread_certificates() == 0  # just made: kept
    later = timezone.now() + datetime.timedelta(days=400)
    assert document_jobs.purge_unread_certificates(now=later) == 1
    assert default_storage.exists(paths[DocumentKind.DECISION])  # an administrative document: kept
    assert not default_storage.exists(paths[DocumentKind.CERTIFICATES])
    assert not DocumentJob.objects.filter(pk=jobs[DocumentKind.CERTIFICATES].pk).exists()
    again = client.get(f"/decisions/{decision.pk}/certificates.pdf")
    assert again.status_code == 202  # asked for again: made again
    run_document_jobs()
    assert client.get(f"/decisions/{decision.pk}/certificates.pdf").content == b"%PDF-1.7 kept"


def test_a_job_whose_worker_died_is_failed_and_offered_again(client, certified):
    from hoctap.core import liveness

    job = DocumentJob.objects.get(decision=certified.decision, kind=DocumentKind.DECISION)
    # a worker process of this host that no longer exists (on PostgreSQL: nobody holds its lock)
    dead = f"{liveness.socket.gethostname()}:999999999:1"
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentStatus.RUNNING, worker=dead)
    page = client.get(f"/decisions/{certified.decision.pk}/decision.pdf").content.decode()
    assert "Tạo lại" in page and "máy chủ bị tắt" in page
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentStatus.FAILED


def test_recover_jobs_marks_a_dead_workers_document_failed(certified):
    import io

    from django.core.management import call_command

    from hoctap.core import liveness

    job = DocumentJob.objects.get(decision=certified.decision, kind=DocumentKind.CERTIFICATES)
    dead = f"{liveness.socket.gethostname()}:999999999:1"
    DocumentJob.objects.filter(pk=job.pk).update(status=DocumentStatus.RUNNING, worker=dead)
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert f"documents marked failed: 1 [{job.pk}]" in out.getvalue()
    assert DocumentJob.objects.get(pk=job.pk).status == DocumentStatus.FAILED


def test_the_qr_code_is_drawn_when_the_pdf_is_made_from_the_text_in_the_html(certified, tmp_path):
    """The page that computes a document's key renders no QR code (≈ 10–20 ms each: seconds for a
    decision's certificates); the HTML holds the verify address and WeasyPrint draws its code."""
    from PIL import Image

    from tests.pdfs import save_png

    html = documents.certificates_html([certified.certificate], "https://hoctap.example.vn/")
    address = f"https://hoctap.example.vn/verify/{certified.certificate.code}"
    assert core_documents.qr_source(address) in html and "data:image/svg" not in html

    def drawn(text, name):
        page = f'<html><body><img src="{core_documents.qr_source(text)}" style="width:40mm"></body></html>'
        image = Image.open(save_png(core_documents.write_pdf(page), tmp_path / name)[0]).convert("L")
        return image.point(lambda value: 255 if value < 128 else 0).getbbox(), image.tobytes()

    box, pixels = drawn(address, "qr")
    assert box is not None and box[2] - box[0] > 50  # a code about 40 mm wide was drawn
    assert drawn(address + "X", "other")[1] != pixels  # and it is the code of that text
