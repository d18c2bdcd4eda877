"""A synthetic Vietnam for the statistics benchmark, written with COPY (psycopg 3 `cursor.copy`).

Households of realistic sizes (1-7 people, mean ≈ 3.5 as in the 2019 census) headed by people with
Vietnamese names drawn with the frequencies of the common family names (Nguyễn ≈ 38 %, Trần, Lê,
Phạm, …), ~19 villages per commune (63,600 / 3,321), clan branches, organisations with staff, and
the assessments of two years: 2024 recorded on the old map (the old commune when the new one was
formed from exactly one), 2025 on the new one. At nation scale: households and their
learning-family assessments only.

Big tables are loaded with their secondary indexes and constraints dropped and rebuilt after the
COPY (foreign keys come back NOT VALID: the generator writes consistent ids), then ANALYZEd.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db import connection

from hoctap.core.text import fold, normalise, sort_key

SEED = 20251125

FAMILY_NAMES = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 51),
    ("Huỳnh", 20),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 20),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 7),
    ("Trịnh", 6),
    ("Đào", 6),
    ("Mai", 4),
    ("Cao", 4),
    ("Lương", 4),
    ("Hà", 5),
    ("Tạ", 3),
    ("Lò", 2),
    ("Triệu", 2),
    ("Nông", 2),
    ("Lục", 1),
    ("Quách", 1),
]
MIDDLE = {
    "male": [
        "Văn",
        "Văn",
        "Văn",
        "Đức",
        "Hữu",
        "Minh",
        "Quang",
        "Công",
        "Xuân",
        "Thanh",
        "Ngọc",
        "Trọng",
        "Mạnh",
        "Tiến",
        "Duy",
    ],
    "female": [
        "Thị",
        "Thị",
        "Thị",
        "Thị",
        "Ngọc",
        "Thu",
        "Thanh",
        "Minh",
        "Hồng",
        "Kim",
        "Phương",
        "Bích",
        "Thùy",
        "Diệu",
    ],
}
GIVEN = {
    "male": [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Hải",
        "Hùng",
        "Huy",
        "Khánh",
        "Long",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Thắng",
        "Toàn",
        "Tuấn",
        "Việt",
        "Vinh",
        "Hiếu",
        "Trung",
        "Thành",
        "Tùng",
        "Kiên",
        "Lâm",
        "Đông",
        "Hòa",
        "Nghĩa",
        "Phúc",
        "Tài",
    ],
    "female": [
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hằng",
        "Hạnh",
        "Hoa",
        "Hương",
        "Huyền",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "Nga",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Thảo",
        "Thủy",
        "Trang",
        "Tuyết",
        "Yến",
        "Vân",
        "Hiền",
        "Lý",
        "Quyên",
        "Xuân",
    ],
}
HOUSEHOLD_SIZES = [(1, 10), (2, 20), (3, 22), (4, 25), (5, 12), (6, 7), (7, 4)]  # mean 3.46
VILLAGE_KINDS = ["Thôn", "Thôn", "Thôn", "Xóm", "Tổ dân phố", "Bản"]
VILLAGE_NAMES = [
    "Đông",
    "Đoài",
    "Nam",
    "Bắc",
    "Thượng",
    "Hạ",
    "Trung",
    "An Lạc",
    "Phú Mỹ",
    "Tân Lập",
    "Hòa Bình",
    "Quyết Tiến",
    "Đồng Tâm",
    "Thắng Lợi",
    "Đoàn Kết",
    "Tiền Phong",
    "Hưng Long",
    "Cổ Lễ",
    "Văn Lâm",
    "Phú Xá",
    "Bình Minh",
    "Yên Phú",
    "Lạc Hồng",
    "Đại Đồng",
]
ORG_KINDS = [
    ("school", "Trường Tiểu học"),
    ("school", "Trường THCS"),
    ("kindergarten", "Trường Mầm non"),
    ("agency", "Trạm Y tế"),
    ("cooperative", "Hợp tác xã Nông nghiệp"),
    ("enterprise", "Công ty TNHH"),
    ("agency", "Ủy ban nhân dân"),
]
NOW = "2025-03-01 08:00:00+07"
FAMILY_STATES_2025 = [
    ("recognised", 62),
    ("certified", 6),
    ("not_recognised", 4),
    ("proposed", 6),
    ("under_review", 4),
    ("submitted", 5),
    ("self_assessing", 5),
    ("registered", 8),
]
FAMILY_STATES_2024 = [
    ("recognised", 55),
    ("certified", 10),
    ("not_recognised", 10),
    ("revoked", 1),
    ("submitted", 8),
    ("registered", 16),
]
CITIZEN_STATES = [
    ("recognised", 55),
    ("not_recognised", 8),
    ("proposed", 7),
    ("submitted", 10),
    ("self_assessing", 10),
    ("registered", 10),
]
CLASSES = [("tieu_bieu", 15), ("dat", 85)]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return lambda: rng.choices(values, weights)[0]


class Names:
    """A pool of full names with their folded and sort forms computed once."""

    def __init__(self, rng, size=30_000):
        family = _weighted(rng, FAMILY_NAMES)
        self.pool = {"male": [], "female": []}
        for sex in ("male", "female"):
            for _ in range(size // 2):
                name = normalise(f"{family()} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}")
                self.pool[sex].append((name, fold(name), sort_key(name)))
        self.rng = rng

    def pick(self, sex):
        return self.rng.choice(self.pool[sex])


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Copier:
    """Buffers rows and streams them with COPY in big text chunks."""

    def __init__(self, cursor, table, columns, chunk=20_000):
        self.cursor, self.table, self.columns, self.chunk = cursor, table, columns, chunk
        self.buffer: list[str] = []
        self.rows = 0

    def add(self, row):
        self.buffer.append("\t".join(_text(v) for v in row))
        if len(self.buffer) >= self.chunk:
            self.flush()

    def add_text(self, line: str):
        self.buffer.append(line)
        if len(self.buffer) >= self.chunk:
            self.flush()

    def flush(self):
        if not self.buffer:
            return
        with self.cursor.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy:
            copy.write("\n".join(self.buffer) + "\n")
        self.rows += len(self.buffer)
        self.buffer = []


class Indexes:
    """Drop a table's secondary indexes and constraints; put them back after the load."""

    def __init__(self, cursor, table):
        self.cursor, self.table = cursor, table

    def __enter__(self):
        c = self.cursor
        c.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f', 'c')",
            [self.table],
        )
        self.constraints = c.fetchall()
        for name, _definition, _kind in self.constraints:
            c.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        c.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p')",
            [self.table, self.table],
        )
        self.indexes = c.fetchall()
        for name, _definition in self.indexes:
            c.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        c = self.cursor
        c.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in self.indexes:
            c.execute(definition)
        for name, definition, kind in self.constraints:
            suffix = " NOT VALID" if kind in ("f", "c") else ""
            c.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}{suffix}')
        c.execute(f"ANALYZE {self.table}")
        return False


def assessment_columns():
    from hoctap.assessments.models import Assessment

    columns, defaults = [], {}
    for field in Assessment._meta.concrete_fields:
        if field.column == "id":
            continue
        columns.append(field.column)
        if field.has_default():
            default = field.get_default()
            defaults[field.column] = "{}" if isinstance(default, dict) else str(default)
        elif field.null:
            defaults[field.column] = None
        else:
            defaults[field.column] = ""
    return columns, defaults


def make_villages(communes, rng) -> dict[int, list[int]]:
    """~19 villages per commune (63,600 / 3,321), created in bulk with their paths."""
    from hoctap.territory.models import Era, Level, Unit

    objects = []
    for commune in communes:
        count = max(6, int(rng.gauss(19, 5)))
        for number in range(1, count + 1):
            kind = rng.choice(VILLAGE_KINDS)
            short = (
                f"{rng.choice(VILLAGE_NAMES)} {number}"
                if number > len(VILLAGE_NAMES) // 2
                else VILLAGE_NAMES[(number * 7 + commune.pk) % len(VILLAGE_NAMES)] + f" {number}"
            )
            name = normalise(f"{kind} {short}")
            objects.append(
                Unit(
                    era=Era.CURRENT,
                    level=Level.VILLAGE,
                    code=f"{commune.code}-{number:03d}",
                    name=name,
                    short_name=short,
                    division_type=kind,
                    parent_id=commune.pk,
                    path="",
                    name_folded=fold(name),
                    sort_key=sort_key(short),
                )
            )
    Unit.objects.bulk_create(objects, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE territory_unit v SET path = c.path || v.id || '/' FROM territory_unit c "
            "WHERE v.parent_id = c.id AND v.level = 'village' AND v.path = ''"
        )
    villages = defaultdict(list)
    for pk, parent_id in Unit.objects.filter(level=Level.VILLAGE).values_list("pk", "parent_id"):
        villages[parent_id].append(pk)
    return villages


def generate(
    communes,
    households_per_commune: int,
    *,
    with_people: bool,
    years,
    campaigns,
    criteria_sets,
    legacy_of: dict[int, int | None],
    log=print,
) -> dict:
    """Write the synthetic registry and assessments for `communes`; return the row counts."""
    rng = random.Random(SEED)
    names = Names(rng)
    villages = make_villages(communes, rng)
    size = _weighted(rng, HOUSEHOLD_SIZES)
    columns, defaults = assessment_columns()
    raw = connection.connection  # the psycopg connection
    counts = defaultdict(int)
    ids = defaultdict(int)
    with raw.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        tables = ["registry_household", "assessments_assessment"] + (
            ["registry_person", "registry_clanbranch", "registry_organisation"] if with_people else []
        )
        managers = [Indexes(cursor, table) for table in tables]
        for manager in managers:
            manager.__enter__()
        households = Copier(
            cursor,
            "registry_household",
            [
                "id",
                "code",
                "village_id",
                "commune_id",
                "address",
                "head_id",
                "clan_branch_id",
                "code_folded",
                "name_folded",
                "sort_key",
                "created_at",
                "updated_at",
            ],
        )
        people = Copier(
            cursor,
            "registry_person",
            [
                "id",
                "full_name",
                "sex",
                "birth_date",
                "birth_year",
                "ethnicity",
                "id_number",
                "household_id",
                "occupation_group",
                "employer_id",
                "digital_skill",
                "account_id",
                "unit_id",
                "commune_id",
                "name_folded",
                "sort_key",
                "created_at",
                "updated_at",
            ],
        )
        clans = Copier(
            cursor,
            "registry_clanbranch",
            [
                "id",
                "name",
                "branch",
                "commune_id",
                "representative",
                "name_folded",
                "branch_folded",
                "sort_key",
                "created_at",
                "updated_at",
            ],
        )
        orgs = Copier(
            cursor,
            "registry_organisation",
            [
                "id",
                "name",
                "kind",
                "managing_level",
                "unit_id",
                "commune_id",
                "address",
                "name_folded",
                "sort_key",
                "created_at",
                "updated_at",
            ],
        )
        assessments = Copier(cursor, "assessments_assessment", ["id", *columns])
        family_state = {2024: _weighted(rng, FAMILY_STATES_2024), 2025: _weighted(rng, FAMILY_STATES_2025)}
        citizen_state = _weighted(rng, CITIZEN_STATES)
        klass = _weighted(rng, CLASSES)

        base = [_text(defaults[c]) for c in columns]
        base[columns.index("registered_at")] = NOW
        position = {c: i for i, c in enumerate(columns)}
        at = {
            name: position[name]
            for name in (
                "campaign_id",
                "title",
                "subject_kind",
                "unit_id",
                "recorded_unit_id",
                "criteria_set_id",
                "state",
                "classification",
            )
        }

        def assessment(title, kind, subject_field, subject_id, unit_id, year, state, recorded):
            """One row as text: a copy of the constant columns with the few that vary set."""
            ids["assessment"] += 1
            row = base.copy()
            row[at["campaign_id"]] = str(campaigns[(title, year)])
            row[at["title"]] = title
            row[at["subject_kind"]] = kind
            row[at["unit_id"]] = str(unit_id)
            row[at["recorded_unit_id"]] = "\\N" if recorded is None else str(recorded)
            row[at["criteria_set_id"]] = str(criteria_sets[title])
            row[at["state"]] = state
            if state in ("recognised", "certified", "revoked", "proposed"):
                row[at["classification"]] = klass()
            row[position[subject_field]] = str(subject_id)
            assessments.add_text(f"{ids['assessment']}\t" + "\t".join(row))

        for index, commune in enumerate(communes):
            spread = rng.uniform(0.55, 1.45) if len(communes) > 1 else 1.0  # communes differ in size
            commune_households = max(200, int(households_per_commune * spread))
            commune_villages = villages[commune.pk]
            commune_clans, commune_orgs = [], []
            if with_people:
                for number in range(max(3, commune_households // 40)):
                    ids["clan"] += 1
                    family = rng.choice(FAMILY_NAMES)[0]
                    name, branch = f"Họ {family}", f"Chi {number + 1}"
                    clans.add(
                        [
                            ids["clan"],
                            name,
                            branch,
                            commune.pk,
                            "",
                            fold(name),
                            fold(branch),
                            sort_key(f"{name} {branch}"),
                            NOW,
                            NOW,
                        ]
                    )
                    commune_clans.append(ids["clan"])
                for number, (kind, label) in enumerate(ORG_KINDS * 2):
                    ids["org"] += 1
                    village = rng.choice(commune_villages)
                    name = f"{label} số {number + 1} {commune.short_name}"
                    orgs.add(
                        [
                            ids["org"],
                            name,
                            kind,
                            "commune",
                            village,
                            commune.pk,
                            "",
                            fold(name),
                            sort_key(name),
                            NOW,
                            NOW,
                        ]
                    )
                    commune_orgs.append((ids["org"], village))
            for h in range(commune_households):
                ids["household"] += 1
                household_id = ids["household"]
                village = commune_villages[h % len(commune_villages)]
                clan = rng.choice(commune_clans) if commune_clans and rng.random() < 0.6 else None
                members = size() if with_people else 0
                head_sex = "male" if rng.random() < 0.72 else "female"
                head_name, head_folded, head_sort = names.pick(head_sex)
                head_id = None
                if with_people:
                    for m in range(members):
                        ids["person"] += 1
                        sex = head_sex if m == 0 else rng.choice(("male", "female"))
                        name, folded, sorted_name = (head_name, head_folded, head_sort) if m == 0 else names.pick(sex)
                        birth_year = rng.randint(1945, 1995) if m < 2 else rng.randint(1950, 2022)
                        skill = (
                            rng.choices(("none", "basic", "proficient"), (45, 40, 15))[0]
                            if birth_year > 1955
                            else "none"
                        )
                        employer = None
                        if commune_orgs and 1965 < birth_year < 2005 and rng.random() < 0.12:
                            employer = rng.choice(commune_orgs)[0]
                        people.add(
                            [
                                ids["person"],
                                name,
                                sex,
                                None,
                                birth_year,
                                "01",
                                None,
                                household_id,  # 01: Kinh (GSO code)
                                "official" if employer else rng.choice(("farmer", "worker", "other")),
                                employer,
                                skill,
                                None,
                                village,
                                commune.pk,
                                folded,
                                sorted_name,
                                NOW,
                                NOW,
                            ]
                        )
                        if m == 0:
                            head_id = ids["person"]
                        if 15 <= 2025 - birth_year <= 60 and rng.random() < 0.3:
                            assessment(
                                "citizen", "person", "person_id", ids["person"], village, 2025, citizen_state(), village
                            )
                households.add_text(
                    f"{household_id}\tH{h + 1:05d}\t{village}\t{commune.pk}\t\t{_text(head_id)}\t{_text(clan)}\t"
                    f"h{h + 1:05d}\t{head_folded}\t{head_sort}\t{NOW}\t{NOW}"
                )
                for year in years:
                    if rng.random() < 0.88:
                        recorded = village if year >= 2025 else legacy_of.get(commune.pk)
                        assessment(
                            "family",
                            "household",
                            "household_id",
                            household_id,
                            village,
                            year,
                            family_state[year](),
                            recorded,
                        )
            if with_people:
                for clan_id in commune_clans:
                    if rng.random() < 0.7:
                        assessment(
                            "clan",
                            "clan_branch",
                            "clan_branch_id",
                            clan_id,
                            commune.pk,
                            2025,
                            family_state[2025](),
                            commune.pk,
                        )
                for village in commune_villages:
                    if rng.random() < 0.8:
                        assessment(
                            "community",
                            "village",
                            "community_id",
                            village,
                            village,
                            2025,
                            family_state[2025](),
                            village,
                        )
                for org_id, org_village in commune_orgs:
                    if rng.random() < 0.8:
                        assessment(
                            "unit",
                            "organisation",
                            "organisation_id",
                            org_id,
                            org_village,
                            2025,
                            family_state[2025](),
                            org_village,
                        )
            if (index + 1) % 100 == 0:
                log(f"  {index + 1}/{len(communes)} communes, {ids['household']:,} households")
        for copier in (clans, orgs, households, people, assessments):
            copier.flush()
        for manager in managers:
            manager.__exit__(None, None, None)
        for table, key in (
            ("registry_household", "household"),
            ("registry_person", "person"),
            ("registry_clanbranch", "clan"),
            ("registry_organisation", "org"),
            ("assessments_assessment", "assessment"),
        ):
            if ids[key]:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [ids[key]])
    counts.update(
        {
            "villages": sum(len(v) for v in villages.values()),
            "households": ids["household"],
            "people": ids["person"],
            "clan_branches": ids["clan"],
            "organisations": ids["org"],
            "assessments": ids["assessment"],
        }
    )
    return dict(counts)


__all__ = ["generate", "datetime"]
