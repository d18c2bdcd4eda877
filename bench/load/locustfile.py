"""The busy season (November–December) as Locust users: who does what, how often, with a person's
pauses between actions (5–15 s: reading a page, typing a form, walking to the next house).

Run by bench/load/run.py, which builds the database, starts gunicorn and the worker, and reads the
accounts file it made (LOAD_ACTORS): every signed-in user starts with a session made before the run,
as people who signed in earlier in the season (a sign-in is a deliberately slow PBKDF2 hash, paid once;
the new citizens who sign up in the run do pay it). Each simulated person sends its own
X-Forwarded-For address, as clients behind the deployment's proxy (HOCTAP_TRUSTED_PROXIES=1), so the
per-address rate limits apply per person, as in production.

The mix, by share of simulated people (weights below):
  citizens self-assessing (their sheet, a photo as evidence, submit, their page)  35
  new citizens signing up (and registering, self-assessing when the registry matched them)  5
  village heads (household register: list, search, a household, a new household; the village board) 25
  commune officers (review board of a village, a page of the dossiers waiting for review, accepting
    dossiers, the commune's dashboard, sign-ups) 15
  commune chairmen (the decision page, issuing a decision, certificates, the decision PDF: made by
    the worker, so the page polls and the PDF answers 202 until it is there)  3
  province officers (province and commune dashboards, xlsx export, a background export)  2
  anonymous visitors (/verify/ of a certificate code, the public province page, the landing page) 15

Every request is recorded (LOAD_LOG, one JSON line each: time, step, name, ms, ok) for run.py to cut
into steps; the shape (LoadShape) climbs the user counts of LOAD_STEPS, holding each LOAD_STEP_SECONDS.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
import threading
import time

from locust import HttpUser, LoadTestShape, between, events, task

ACTORS = json.loads(open(os.environ["LOAD_ACTORS"], encoding="utf-8").read())
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "20,40").split(",")]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "60"))
RAMP_SECONDS = int(os.environ.get("LOAD_RAMP_SECONDS", "15"))
LOG_PATH = os.environ.get("LOAD_LOG", "load-requests.jsonl")
YEAR = ACTORS["year"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACCEPT_FORM = re.compile(
    r'/assessments/(\d+)/review-row/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
    r'value="[^"]+">\s*<input type="hidden" name="op" value="accept">\s*'
    r'<input type="hidden" name="expected_version" value="(\d+)">'
)
HOUSEHOLD_LINK = re.compile(r'href="/registry/households/(\d+)/"')
PROPOSED_BOX = re.compile(r'name="assessment" value="(\d+)"')
DECISION_LINK = re.compile(r"/decisions/(\d+)/")
VERSION_INPUT = re.compile(r'name="expected_version" value="(\d+)"')
COMMUNE_OPTION = re.compile(r'<option value="(\d+)"')
NOTICE_VERSION = re.compile(r'name="notice_version" value="(\d+)"')
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
    "Khánh",
    "Hiếu",
]

# -- the run's shape and its record ----------------------------------------------------------------

state = {"step": -1, "phase": "ramp"}
log_lock = threading.Lock()
log_file = None


@events.test_start.add_listener
def _open_log(environment, **_kwargs):
    global log_file
    log_file = open(LOG_PATH, "w", encoding="utf-8", buffering=1 << 16)


@events.test_stop.add_listener
def _close_log(environment, **_kwargs):
    if log_file is not None:
        log_file.flush()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_kwargs):
    if log_file is None:
        return
    line = json.dumps(
        {
            "t": round(time.time(), 3),
            "step": state["step"],
            "phase": state["phase"],
            "name": f"{request_type} {name}",
            "ms": round(response_time, 1),
            "ok": exception is None,
            "error": str(exception)[:200] if exception else None,
        }
    )
    with log_lock:
        log_file.write(line + "\n")


class LoadShape(LoadTestShape):
    """LOAD_STEPS user counts, each reached within RAMP_SECONDS and held to STEP_SECONDS; requests
    made while ramping are recorded as such and left out of the step's figures."""

    def tick(self):
        elapsed = self.get_run_time()
        index = int(elapsed // STEP_SECONDS)
        if index >= len(STEPS):
            return None
        previous = STEPS[index - 1] if index else 0
        state["step"] = index
        state["phase"] = "ramp" if elapsed - index * STEP_SECONDS < RAMP_SECONDS else "hold"
        rate = max(1.0, abs(STEPS[index] - previous) / max(1, RAMP_SECONDS - 5))
        return STEPS[index], rate


# -- test data ------------------------------------------------------------------------------------


def _photo_base() -> bytes:
    """A phone photo as the self-assessment page sends it (shrunk to 1600 px, JPEG ≈ 150–250 KB)."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(7)
    image = Image.new("RGB", (1600, 1200), (180, 170, 150))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y = rng.randrange(1600), rng.randrange(1200)
        draw.rectangle(
            (x, y, x + rng.randrange(20, 200), y + rng.randrange(20, 120)),
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    return image


PHOTO = _photo_base()
photo_counter = itertools.count()


def photo() -> bytes:
    """A distinct file each time (evidence is stored by content hash; a shared file is flagged)."""
    out = io.BytesIO()
    PHOTO.save(out, "JPEG", quality=82, comment=f"load {os.getpid()} {next(photo_counter)} {time.time()}".encode())
    return out.getvalue()


class Pool:
    """Accounts handed out one per simulated person (two people never share a session)."""

    def __init__(self, items):
        self.items = list(items)
        random.Random(1).shuffle(self.items)
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            return self.items.pop() if self.items else None

    def give_back(self, item):
        with self.lock:
            self.items.insert(0, item)


POOLS = {role: Pool(items) for role, items in ACTORS["pools"].items()}
VILLAGES: dict[int, list[int]] = {}
for _head in ACTORS["pools"]["village_officer"]:
    VILLAGES.setdefault(_head["parent"], []).append(_head["unit"])
address_counter = itertools.count(1)


class Person(HttpUser):
    abstract = True
    wait_time = between(5, 15)
    role: str | None = None

    def on_start(self):
        n = next(address_counter)
        self.client.headers["X-Forwarded-For"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        self.client.headers["Accept-Language"] = "vi"
        self.account = POOLS[self.role].take() if self.role else None
        if self.role and self.account is None:
            raise RuntimeError(f"no more {self.role} accounts")
        if self.account:
            self.client.cookies.set("sessionid", self.account["session"])

    def on_stop(self):
        if self.account:
            POOLS[self.role].give_back(self.account)

    # helpers
    def page(self, url, name=None, **kwargs):
        with self.client.get(url, name=name or url, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on GET {name or url}")
            elif "/login/" in response.url and "login" not in (name or url):
                response.failure("sent to the login page: the session was not accepted")
            return response

    def post(self, url, data, name=None, expect=(200, 302), files=None, headers=None):
        token = self.client.cookies.get("csrftoken")
        headers = {"X-CSRFToken": token or "", "Referer": self.host + url, **(headers or {})}
        with self.client.post(
            url, data=data, files=files, headers=headers, name=name or url, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code} on POST {name or url}: {response.text[:200]}")
            return response


# -- citizens ---------------------------------------------------------------------------------------


class Citizen(Person):
    """Registered for this year's learning-citizen title: opens the sheet, adds a photo, scores,
    submits, then comes back to their page now and then."""

    weight = 35
    role = "citizen"

    def on_start(self):
        super().on_start()
        self.assessment = self.account.get("assessment")
        self.submitted = False
        self.photos = 0

    @task
    def season(self):
        if self.assessment is None or self.submitted:
            self.page("/my/")
            self.wait()
            if self.assessment:
                self.page(f"/assessments/{self.assessment}/", name="/assessments/[id]/")
            else:
                self.page("/notifications/")
            return
        sheet_url = f"/assessments/{self.assessment}/self-assessment/"
        sheet = self.page(sheet_url, name="/assessments/[id]/self-assessment/")
        if sheet.status_code != 200 or "a_" not in sheet.text:
            self.submitted = True
            return
        self.wait()
        if self.photos < 2:
            self.photos += 1
            self.post(
                f"/assessments/{self.assessment}/evidence/",
                name="/assessments/[id]/evidence/ (photo)",
                data={"effective_date": f"{YEAR}-11-{random.randint(1, 28):02d}", "description": "Ảnh minh chứng"},
                files={"file": (f"anh-{self.photos}.jpg", photo(), "image/jpeg")},
                headers={"Accept": "application/json"},
                expect=(201,),
            )
            return
        fields = dict(re.findall(r'name="(a_[^"]+)"[^>]*data-max="([^"]+)"', sheet.text))
        data = {name: maximum for name, maximum in fields.items()}
        for name in set(re.findall(r'name="(a_[^"]+)" value="true"', sheet.text)):
            data[name] = "true"
        version = VERSION_INPUT.search(sheet.text)
        data["expected_version"] = version.group(1) if version else ""
        data["submit"] = "1"
        response = self.post(sheet_url, data, name="/assessments/[id]/self-assessment/ (submit)")
        if response.status_code == 302:
            self.submitted = True
            self.page(f"/assessments/{self.assessment}/", name="/assessments/[id]/")


class NewCitizen(Person):
    """Signs up (the commune is chosen from the province's list, fetched by htmx), lands on their
    page, registers for the title when the registry took them in, and looks at the sheet."""

    weight = 5

    @task
    def sign_up(self):
        if self.client.cookies.get("sessionid"):
            self.page("/my/")
            return
        form = self.page("/signup/")
        notice = NOTICE_VERSION.search(form.text)
        self.wait()
        province = ACTORS["province"]
        options = self.page(
            f"/signup/?province={province}", name="/signup/?province=[id] (htmx)", headers={"HX-Request": "true"}
        )
        communes = COMMUNE_OPTION.findall(options.text) or ACTORS["communes"]
        n = next(address_counter)
        name = f"{random.choice(FAMILY_NAMES)} {random.choice(MIDDLE)} {random.choice(GIVEN)}"
        self.wait()
        response = self.post(
            "/signup/",
            {
                "full_name": name,
                "birth_year": str(random.randint(1966, 2008)),
                "sex": random.choice(["male", "female"]),
                "province": str(province),
                "commune": str(random.choice(communes)),
                "id_number": "",
                "occupation_group": "farmer",
                "username": f"moi{os.getpid()}x{n}x{random.randint(0, 10**6)}",
                "password": "Hoc-tap-suot-doi-2026",
                # the personal-data notice read and agreed to (the sign-up is refused without it)
                "notice_version": notice.group(1) if notice else "",
                "consent": "on",
                "step": "",
            },
            name="/signup/ (POST)",
            expect=(302,),
        )
        if response.status_code != 302:
            return
        mine = self.page("/my/")
        if 'button type="submit" class="big"' in mine.text:  # the register button: the registry took them in
            registered = self.post("/my/", {}, name="/my/ (register)", expect=(302,))
            if registered.status_code == 302 and "self-assessment" in registered.headers.get("Location", ""):
                self.wait()
                location = registered.headers["Location"]
                self.page(location, name="/assessments/[id]/self-assessment/")


# -- officers -----------------------------------------------------------------------------------------


class VillageOfficer(Person):
    """A village head keeping the household register during the season."""

    weight = 25
    role = "village_officer"

    @task(3)
    def browse_register(self):
        listing = self.page("/registry/households/")
        ids = HOUSEHOLD_LINK.findall(listing.text)
        self.wait()
        if ids:
            self.page(f"/registry/households/{random.choice(ids)}/", name="/registry/households/[id]/")

    @task(2)
    def search(self):
        self.page(f"/registry/households/?q={random.choice(FAMILY_NAMES)}", name="/registry/households/?q=")

    @task(1)
    def new_household(self):
        self.page("/registry/households/new/")
        self.wait()
        name = f"{random.choice(FAMILY_NAMES)} {random.choice(MIDDLE)} {random.choice(GIVEN)}"
        self.post(
            "/registry/households/new/",
            {
                "village": str(self.account["unit"]),
                "code": f"L{os.getpid() % 1000}{next(address_counter):06d}",
                "address": "",
                "members-TOTAL_FORMS": "1",
                "members-INITIAL_FORMS": "0",
                "members-MIN_NUM_FORMS": "0",
                "members-MAX_NUM_FORMS": "1000",
                "members-0-full_name": name,
                "members-0-sex": "male",
                "members-0-birth_year": str(random.randint(1950, 2000)),
                "members-0-occupation_group": "farmer",
                "members-0-digital_skill": "basic",
                "head": "0",
                "members-0-is_head": "on",
            },
            name="/registry/households/new/ (POST)",
            expect=(302,),
        )

    @task(2)
    def village_board(self):
        self.page("/")
        self.wait()
        self.page(
            f"/campaigns/{ACTORS['campaigns']['family']}/units/{self.account['unit']}/review/",
            name="/campaigns/[id]/units/[village]/review/",
        )


class CommuneOfficer(Person):
    """Reviews the villages' dossiers: the board of a village, accepting a few rows (htmx), a
    dossier in full; the commune's dashboard; pending sign-ups."""

    weight = 15
    role = "commune_officer"

    def on_start(self):
        super().on_start()
        self.villages = None

    @task(4)
    def review_village(self):
        if self.villages is None:
            self.page(f"/units/{self.account['unit']}/", name="/units/[commune]/")
            # the commune's villages of the current map (the unit page also links the old-map units
            # the commune was formed from, which have no board)
            self.villages = VILLAGES.get(self.account["unit"]) or [self.account["unit"]]
            self.wait()
        village = random.choice(self.villages)
        # The board comes a page of 25 at a time; a reviewer works through the dossiers waiting
        # for review, now and then on a later page.
        board_url = f"/campaigns/{ACTORS['campaigns']['family']}/units/{village}/review/?show=waiting"
        board = self.page(board_url, name="/campaigns/[id]/units/[village]/review/?show=waiting")
        if 'rel="next"' in board.text and random.random() < 0.3:
            self.wait()
            board = self.page(board_url + "&page=2", name="/campaigns/[id]/units/[village]/review/?show=waiting&page=")
        rows = ACCEPT_FORM.findall(board.text)
        random.shuffle(rows)
        for assessment_id, version in rows[:3]:
            self.wait()
            self.post(
                f"/assessments/{assessment_id}/review-row/",
                {"op": "accept", "expected_version": version},
                name="/assessments/[id]/review-row/ (accept)",
                headers={"HX-Request": "true"},
                expect=(200,),
            )
        if rows:
            self.wait()
            self.page(f"/assessments/{rows[0][0]}/", name="/assessments/[id]/")

    @task(1)
    def dashboard(self):
        self.page(f"/stats/units/{self.account['unit']}/", name="/stats/units/[commune]/")

    @task(1)
    def home_and_signups(self):
        self.page("/")
        self.wait()
        self.page("/signups/")


class CommuneApprover(Person):
    """The commune chairman: the list of proposed dossiers, a decision for some of them, its
    certificates, the decision as PDF."""

    weight = 3
    role = "commune_approver"

    @task
    def decide(self):
        url = f"/campaigns/{ACTORS['campaigns']['family']}/decisions/new/"
        form = self.page(url, name="/campaigns/[id]/decisions/new/")
        chosen = PROPOSED_BOX.findall(form.text)[: random.randint(5, 20)]
        self.wait()
        if not chosen:
            self.page("/decisions/")
            return
        issuer = re.search(
            r'name="issuer"[^>]*>\s*(?:<option[^>]*>[^<]*</option>\s*)*?<option value="(\d+)"', form.text
        )
        response = self.post(
            url,
            {
                "issuer": issuer.group(1) if issuer else "",
                "issued_on": f"{YEAR}-12-{random.randint(1, 28):02d}",
                "signer_name": "Nguyễn Văn Chủ",
                "signer_title": "Chủ tịch",
                "legal_bases": "Luật Giáo dục 2019",
                "recipients": "Lưu VT",
                "assessment": chosen,
            },
            name="/campaigns/[id]/decisions/new/ (POST)",
            expect=(302,),
        )
        location = response.headers.get("Location", "")
        match = DECISION_LINK.search(location)
        if not match:
            return
        decision = match.group(1)
        self.page(location, name="/decisions/[id]/")
        self.wait()
        self.post(f"/decisions/{decision}/", {}, name="/decisions/[id]/ (certificates)", expect=(302,))
        # The page polls the state of its PDFs (made by the worker) while they are being made.
        for _ in range(2):
            time.sleep(2)
            self.page(
                f"/decisions/{decision}/?part=documents",
                name="/decisions/[id]/?part=documents (htmx)",
                headers={"HX-Request": "true"},
            )
        self.wait()
        self.document(f"/decisions/{decision}/decision.pdf", name="/decisions/[id]/decision.pdf")

    def document(self, url, name):
        """A PDF: 202 and a page that reloads itself every 2 s while the worker makes it, then the file."""
        for _ in range(15):
            with self.client.get(url, name=name, catch_response=True) as response:
                if response.status_code == 200 and response.headers.get("Content-Type") == "application/pdf":
                    return
                if response.status_code != 202:
                    response.failure(f"{response.status_code} on GET {name}")
                    return
            time.sleep(2)
        events.request.fire(
            request_type="GET",
            name=f"{name} (never made)",
            response_time=30_000,
            response_length=0,
            exception=RuntimeError("the PDF was not made within 30 s"),
        )


class ProvinceOfficer(Person):
    """The province follows the season: its dashboard, a commune's, the xlsx of the figures, and now
    and then a commune's household list as a background export."""

    weight = 2
    role = "province_officer"

    @task(4)
    def dashboards(self):
        self.page(f"/stats/units/{ACTORS['province']}/", name="/stats/units/[province]/")
        self.wait()
        self.page(f"/stats/units/{random.choice(ACTORS['communes'])}/", name="/stats/units/[commune]/")

    @task(1)
    def xlsx(self):
        self.page(
            f"/stats/units/{ACTORS['province']}/export/children.xlsx",
            name="/stats/units/[province]/export/children.xlsx",
        )

    @task(1)
    def background_export(self):
        self.page("/exports/")
        self.wait()
        response = self.post(
            "/exports/",
            {"kind": "households", "unit": str(random.choice(ACTORS["communes"])), "year": str(YEAR)},
            name="/exports/ (POST)",
            expect=(302,),
        )
        location = response.headers.get("Location", "")
        if location:
            for _ in range(3):
                self.wait()
                self.page(location, name="/exports/[id]/")


class Visitor(Person):
    """Anonymous: checks a certificate's code (the QR code or typed), the public province page, the
    landing page."""

    weight = 15

    @task(4)
    def verify(self):
        code = random.choice(ACTORS["certificates"])
        if random.random() < 0.5:
            self.page(f"/verify/{code}", name="/verify/[code]")
        else:
            self.page("/verify/")
            self.wait()
            self.page(f"/verify/?code={code.replace('-', ' ')}", name="/verify/?code=", allow_redirects=True)

    @task(1)
    def public(self):
        self.page("/")
        self.wait()
        self.page(f"/public/province/{ACTORS['province_code']}/", name="/public/province/[code]/")
