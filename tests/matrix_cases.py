"""Cases for the scope matrix (tests/test_scope_matrix.py).

When you add a route with parameters, add here how to point each parameter at commune B's record.
`build_world` makes, next to the small map, one record of every kind in commune B; extend it with
the records your app owns.
"""


def _token_of(user):
    """A user's API tokens are their own: another user's token id answers 404."""
    from hoctap.accounts.models import ApiToken

    return ApiToken.issue(user, "B")[0].pk


def _notice_of(user):
    """A notice is its recipient's own: another user's notice id answers 404."""
    from django.utils import timezone

    from hoctap.notifications.models import Kind, Notification

    return Notification.objects.create(
        user=user, kind=Kind.REPORT_DEADLINE, key="matrix-b", url="/", created_at=timezone.now()
    ).pk


def build_world(small_map, officer_a, officer_b):
    world = {**small_map, "officer_a": officer_a, "officer_b": officer_b}
    _registry_world(world)
    _stats_world(world)
    _reporting_world(world)
    _assessments_world(world)
    _criteria_world(world)
    _openrosa_world(world)
    _funds_world(world)
    _members_world(world)
    _learning_world(world)
    _areas_world(world)
    _privacy_world(world)
    return world


def _privacy_world(world):
    """Personal data (hoctap.privacy): a pending request of commune B's person, and its basis."""
    from hoctap.privacy import services

    world["data_request_b"] = services.file_request(
        person=world["person_b"],
        user=None,
        commune=world["commune_b"],
        kind="correct",
        details="Bình Minh",
        channel="office",
        recorded_by=world["officer_b"],
    )


def _areas_world(world):
    """Disadvantaged-area designations (hoctap.territory): commune B in zone III, village B on the
    extremely disadvantaged list."""
    import datetime

    from hoctap.territory.models import AreaDesignation

    basis = {"basis_number": "861/QĐ-TTg", "basis_date": datetime.date(2021, 6, 4), "basis_issuer": "Bình Minh"}
    world["area_b"] = AreaDesignation.objects.create(
        unit=world["commune_b"], year=2026, designation="zone_3", note="Bình Minh", **basis
    )
    world["area_village_b"] = AreaDesignation.objects.create(
        unit=world["village_b"], year=2026, designation="village_extreme", **basis
    )


def _funds_world(world):
    """Study-promotion funds (hoctap.funds): commune B's fund with a receipt."""
    import datetime

    from hoctap.funds.models import Fund, FundEntry

    world["fund_b"] = Fund.objects.create(unit=world["commune_b"], name="Quỹ khuyến học Bình Minh")
    world["fund_entry_b"] = FundEntry.objects.create(
        fund=world["fund_b"], kind="receipt", amount=1_000_000, date=datetime.date(2025, 3, 1), party="Bình Minh"
    )


def _members_world(world):
    """The association (hoctap.members): commune B's branch with a member who holds an office."""
    import datetime

    from hoctap.members.models import Branch, Member, Membership, Office

    branch = Branch.objects.create(unit=world["village_b"], kind="village", name="Chi hội Bình Minh")
    member = Member.objects.create(unit=world["village_b"], full_name="Hội viên Bình Minh")
    Membership.objects.create(member=member, branch=branch, joined_on=datetime.date(2020, 1, 1))
    world.update(
        branch_b=branch,
        member_b=member,
        office_b=Office.objects.create(
            member=member, commune=world["commune_b"], position="chair", started_on=datetime.date(2021, 1, 1)
        ),
    )


def _learning_world(world):
    """Learning records (hoctap.learning): commune B's centre class, Week activity and declaration."""
    import datetime

    from hoctap.learning.models import CentreClass, LiteracyDeclaration, WeekActivity

    world["class_b"] = CentreClass.objects.create(
        commune=world["commune_b"],
        topic="law",
        name="Pháp luật Bình Minh",
        started_on=datetime.date(2025, 3, 1),
        participants=30,
        held_by="Công an xã Bình Minh",
    )
    world["week_b"] = WeekActivity.objects.create(
        commune=world["commune_b"],
        date=datetime.date(2025, 10, 1),
        activity="Khai mạc Tuần lễ Bình Minh",
        participants=100,
    )
    world["declaration_b"] = LiteracyDeclaration.objects.create(
        commune=world["commune_b"],
        year=2025,
        population_15_35=100,
        literate_15_35=99,
        population_15_60=200,
        literate2_15_60=190,
        declared_by="Chủ tịch UBND xã Bình Minh",
        document="Báo cáo Bình Minh",
        document_date=datetime.date(2025, 11, 1),
    )


def _registry_world(world):
    """The registry (hoctap.registry): commune B's household with a member, clan branch,
    organisation, declared totals and an import job of B's officer."""
    from hoctap.registry.models import ClanBranch, DeclaredTotals, Household, ImportJob, Organisation, Person

    clan = ClanBranch.objects.create(name="Họ Bình Minh", branch="Chi 1", commune=world["commune_b"])
    household = Household.objects.create(code="HB-1", village=world["village_b"], address="Thôn Đoài", clan_branch=clan)
    organisation = Organisation.objects.create(name="Trường Bình Minh", kind="school", unit=world["commune_b"])
    person = Person.objects.create(
        full_name="Lê Bình Minh",
        sex="male",
        birth_year=1980,
        household=household,
        employer=organisation,
        id_number="034080009999",
        occupation_group="farmer",
    )
    household.head = person
    household.save()
    world.update(
        household_b=household,
        person_b=person,
        clan_b=clan,
        organisation_b=organisation,
        totals_b=DeclaredTotals.objects.create(commune=world["commune_b"], year=2025, households=10),
        import_job_b=ImportJob.objects.create(
            template="households",
            file="imports/b.xlsx",
            original_name="Bình Minh.xlsx",
            uploaded_by=world["officer_b"],
            unit=world["commune_b"],
            errors=[{"row": 2, "value": "Bình Minh"}],
            error_count=1,
            status=ImportJob.Status.INVALID,
        ),
    )


def _assessments_world(world):
    """The yearly cycle (hoctap.assessments): commune B's open family assessment with evidence, a
    certified citizen with its decision and certificate, a citizen sign-up, and a campaign of
    another province."""
    import datetime

    from hoctap.accounts.roles import Role
    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import citizens, workflow
    from hoctap.assessments.campaigns import campaign_for, create_campaign
    from hoctap.assessments.decisions import issue_certificates, issue_decision
    from hoctap.assessments.models import Evidence, EvidenceFile, LearnerFigures
    from hoctap.criteria.shipped import publish_shipped_sets
    from hoctap.criteria.titles import Title
    from hoctap.registry.models import Household, OccupationGroup, Person, Sex
    from hoctap.territory.models import Level, Unit
    from tests.conftest import make_user

    publish_shipped_sets(log=lambda *args: None)
    for title in (Title.FAMILY, Title.CITIZEN):
        campaign_for(title, 2025, None) or create_campaign(title, 2025)
    officer_b = Scope(world["officer_b"])
    household = Household.objects.create(code="MATRIX-B", village=world["village_b"])
    world["assessment_b"] = workflow.register(officer_b, Title.FAMILY, household, 2025)
    stored = EvidenceFile.objects.create(sha256="b" * 64, content_type="image/jpeg", size=1, width=1, height=1)
    world["evidence_b"] = Evidence.objects.create(
        assessment=world["assessment_b"], file=stored, original_name="b.jpg", effective_date=datetime.date(2025, 5, 1)
    )
    # the learners of commune B's school, with the same file as evidence
    world["learner_figures_b"] = LearnerFigures.objects.create(
        organisation=world["organisation_b"],
        year=2025,
        learners=10,
        citizens=9,
        evidence=stored,
        evidence_name="Bình Minh.jpg",
    )
    person = Person.objects.create(
        full_name="Công Dân Bình Minh",
        sex=Sex.FEMALE,
        birth_year=1985,
        unit=world["village_b"],
        occupation_group=OccupationGroup.FARMER,
    )
    citizen = workflow.register(officer_b, Title.CITIZEN, person, 2025)
    answers = {
        i.code: True if i.kind == "pass_fail" else format(i.max_points, "f")
        for i in citizen.criteria_set.definition.indicators
    }
    citizen = workflow.transition(officer_b, citizen, "start")
    citizen = workflow.transition(officer_b, citizen, "submit", answers=answers)
    approver_b = Scope(make_user("matrix_approver_b", Role.COMMUNE_APPROVER, world["commune_b"]))
    reviewer_b = Scope(make_user("matrix_reviewer_b", Role.COMMUNE_OFFICER, world["commune_b"]))
    citizen = workflow.transition(reviewer_b, citizen, "start_review")
    citizen = workflow.transition(reviewer_b, citizen, "propose")
    world["decision_b"] = issue_decision(
        approver_b,
        citizen.campaign,
        [citizen],
        issuer=world["commune_b"],
        issued_on=datetime.date(2025, 12, 1),
        signer_name="Bình Minh",
    )
    [world["certificate_b"]] = issue_certificates(approver_b, world["decision_b"])
    world["signup_b"] = citizens.sign_up(
        username="matrix_citizen_b",
        password="mat-khau-rat-dai-2025",
        full_name="Người Bình Minh",
        birth_year=1991,
        sex=Sex.MALE,
        commune=world["commune_b"],
        notice_version=1,
    )
    other_province = Unit.objects.create(
        era=world["province"].era,
        level=Level.PROVINCE,
        code="99",
        name="Tỉnh Khác",
        short_name="Khác",
        division_type="tỉnh",
        parent=world["nation"],
    )
    world["campaign_elsewhere"] = create_campaign(Title.FAMILY, 2025, province=other_province)
    world["campaign_national"] = campaign_for(Title.FAMILY, 2025, None)


def _criteria_world(world):
    """Criteria sets (hoctap.criteria): two versions of another province's own set, named with a
    commune-B marker so a leak into commune A's lists is caught, and a national set to pair with."""
    import datetime

    from hoctap.criteria import loader
    from hoctap.criteria.models import CriteriaSetVersion
    from hoctap.criteria.shipped import publish_shipped_sets
    from hoctap.territory.models import Level, Unit

    publish_shipped_sets(log=lambda *args: None)
    elsewhere = Unit.objects.create(
        era=world["province"].era,
        level=Level.PROVINCE,
        code="98",
        name="Tỉnh Thử Nghiệm",
        short_name="Thử Nghiệm",
        division_type="tỉnh",
        parent=world["nation"],
    )
    data = loader.load_file(loader.SHIPPED_SETS_DIR / "citizen-677-2022.yaml").model_dump(mode="python")
    for version in (1, 2):
        data.update(
            code="citizen-elsewhere",
            version=version,
            name_vi=f"Bộ tiêu chí riêng (Bình Minh) v{version}",
            effective_from=datetime.date(2025, version, 1),
        )
        definition = loader.load_mapping(data)
        world[f"criteria_elsewhere_v{version}"] = CriteriaSetVersion.objects.create(
            code=definition.code,
            version=version,
            title=definition.title,
            status=definition.status,
            name_vi=definition.name_vi,
            name_en=definition.name_en,
            effective_from=definition.effective_from,
            province=elsewhere,
            source_yaml=loader.to_yaml(definition),
            fingerprint=definition.fingerprint(),
        )
    world["criteria_national"] = CriteriaSetVersion.objects.filter(province=None).first()


def _openrosa_world(world):
    """ODK Collect (hoctap.openrosa): commune B's officer's phone; B's form is the one of B's open
    family assessment."""
    from hoctap.openrosa.models import DeviceCredential

    world["device_b"], _secret = DeviceCredential.issue(world["officer_b"], "Điện thoại Bình Minh")


def _stats_world(world):
    """Statistics: a target and an association-capacity row of commune B (hoctap.stats)."""
    from hoctap.stats.models import AssociationCapacity, Target

    world["stats_target_b"] = Target.objects.create(
        indicator="family", year=2026, unit=world["commune_b"], value=75, source="Bình Minh"
    )
    world["stats_capacity_b"] = AssociationCapacity.objects.create(
        unit=world["commune_b"], year=2026, officers=2, officers_and_members=10
    )


def _reporting_world(world):
    """Reports, exports, inspections, awards: commune B's report, export file, inspection finding,
    emulation self-report, nomination and award."""
    import datetime

    from django.core.files.base import ContentFile

    from hoctap.accounts.roles import Role
    from hoctap.accounts.scoping import Scope
    from hoctap.awards import services as awards
    from hoctap.exports.models import ExportJob, ExportStatus
    from hoctap.inspections import services as inspections
    from hoctap.reports.loader import load_schedules
    from hoctap.reports.models import Report, ReportAddressee, ReportType
    from tests.conftest import make_user
    from tests.reports import builders

    load_schedules()
    world["report_b"] = Report.objects.create(
        report_type=ReportType.objects.get(code="annual"), year=2025, unit=world["commune_b"]
    )
    # Addressed to commune B's own bodies (its distribution list): commune A's never read it.
    for role in (Role.PEOPLES_COMMITTEE, Role.STEERING_COMMITTEE, Role.PARTY_COMMITTEE):
        ReportAddressee.objects.create(report=world["report_b"], role=role, unit=world["commune_b"], line="Bình Minh")
    job = ExportJob.objects.create(
        kind="households",
        unit=world["commune_b"],
        year=2025,
        status=ExportStatus.DONE,
        progress=100,
        filename="b.xlsx",
        requested_by=world["officer_b"],
    )
    job.file.save("matrix-b.xlsx", ContentFile(b"PK"), save=True)
    world["export_b"] = job
    listed = ExportJob.objects.create(
        kind="registry.people",
        unit=world["village_b"],
        params={"village": world["village_b"].pk, "format": "csv"},
        status=ExportStatus.DONE,
        progress=100,
        filename="nhan-khau.csv",
        requested_by=world["officer_b"],
    )
    listed.file.save("matrix-b.csv", ContentFile("Bình Minh".encode()), save=True)
    world["list_export_b"] = listed
    inspector = make_user("matrix_inspector", Role.PROVINCE_OFFICER, world["province"])
    builders.recognised_citizens(world["officer_b"], world["village_b"], 1)
    world["inspection_b"] = inspections.plan(
        Scope(inspector),
        province=world["province"],
        year=2025,
        communes=[world["commune_b"]],
        name="Kiểm tra",
        sample_size=1,
        actor=inspector,
    )
    world["finding_b"] = world["inspection_b"].findings.get()
    scope_b = Scope(world["officer_b"])
    world["self_report_b"] = awards.save_self_report(
        scope_b, year=2025, body="commune_association", body_name="Hội xã", unit=world["commune_b"], answers={}
    )
    world["nomination_b"] = awards.create_nomination(
        scope_b,
        occasion="congress-2025",
        nominee_kind="family",
        nominee_name="Gia đình",
        unit=world["village_b"],
        achievements="Học tập",
        actor=world["officer_b"],
    )
    world["award_b"] = awards.record_award(
        scope_b,
        kind="giay_khen",
        issuer="Hội",
        decision_number="1/QĐ",
        decision_date=datetime.date(2025, 1, 2),
        recipient_name="Gia đình",
        recipient_kind="family",
        unit=world["commune_b"],
        actor=world["officer_b"],
    )


OBJECT_ROUTES = {
    "territory:unit_detail": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "territory:village_create": lambda w: [{"unit_id": w["commune_b"].pk}],
    "territory:village_changes": lambda w: [{"unit_id": w["commune_b"].pk}],
    "territory:unit_areas": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "territory:area_delete": lambda w: [{"designation_id": w["area_b"].pk}, {"designation_id": w["area_village_b"].pk}],
    "accounts:user_detail": lambda w: [{"user_id": w["officer_b"].pk}],
    "accounts:token_revoke": lambda w: [{"token_id": _token_of(w["officer_b"])}],
    "notifications:open": lambda w: [{"pk": _notice_of(w["officer_b"])}],
    "accounts:reset_code": lambda w: [{"user_id": w["officer_b"].pk}],
    "audit:history": lambda w: [
        {"model_label": "territory.unit", "object_id": w["commune_b"].pk},
        {"model_label": "accounts.user", "object_id": w["officer_b"].pk},
    ],
    "api:unit_detail": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    # hoctap.privacy: commune B's request and person
    "privacy:request_detail": lambda w: [{"request_id": w["data_request_b"].pk}],
    "privacy:office_request": lambda w: [{"person_id": w["person_b"].pk}],
    "privacy:basis": lambda w: [{"person_id": w["person_b"].pk}],
    "api:privacy_person_basis": lambda w: [{"person_id": w["person_b"].pk}],
    # hoctap.registry: commune B's household, person, clan branch, organisation, totals, import job
    "registry:household_detail": lambda w: [{"household_id": w["household_b"].pk}],
    "registry:household_edit": lambda w: [{"household_id": w["household_b"].pk}],
    "registry:person_detail": lambda w: [{"person_id": w["person_b"].pk}],
    "registry:person_edit": lambda w: [{"person_id": w["person_b"].pk}],
    "registry:person_reveal_id": lambda w: [{"person_id": w["person_b"].pk}],
    "registry:clan_detail": lambda w: [{"clan_id": w["clan_b"].pk}],
    "registry:clan_edit": lambda w: [{"clan_id": w["clan_b"].pk}],
    "registry:organisation_detail": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "registry:organisation_edit": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "registry:totals_edit": lambda w: [{"commune_id": w["commune_b"].pk, "year": 2025}],
    "registry:import_job": lambda w: [{"job_id": w["import_job_b"].pk}],
    "registry:import_progress": lambda w: [{"job_id": w["import_job_b"].pk}],
    "registry:import_commit": lambda w: [{"job_id": w["import_job_b"].pk}],
    "registry:import_report": lambda w: [{"job_id": w["import_job_b"].pk}],
    "api:registry_household_detail": lambda w: [{"household_id": w["household_b"].pk}],
    "api:registry_household_update": lambda w: [{"household_id": w["household_b"].pk}],
    "api:registry_person_detail": lambda w: [{"person_id": w["person_b"].pk}],
    "api:registry_person_update": lambda w: [{"person_id": w["person_b"].pk}],
    "api:registry_clan_detail": lambda w: [{"clan_id": w["clan_b"].pk}],
    "api:registry_clan_update": lambda w: [{"clan_id": w["clan_b"].pk}],
    "api:registry_organisation_detail": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "api:registry_organisation_update": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "api:registry_denominators": lambda w: [{"commune_id": w["commune_b"].pk, "year": 2025}],
    # hoctap.stats: dashboards of B's commune and village, their exports, B's capacity and target
    "stats:dashboard": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "stats:export": lambda w: [
        {"unit_id": w["commune_b"].pk, "table": t} for t in ("indicators", "children", "series")
    ],
    "stats:capacity_edit": lambda w: [{"unit_id": w["commune_b"].pk, "year": 2026}],
    "stats:target_edit": lambda w: [{"target_id": w["stats_target_b"].pk}],
    "api:stats_unit": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "stats:ethnicity": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "stats:year_comparison": lambda w: [{"unit_id": w["commune_b"].pk}],
    "stats:ethnicity_export": lambda w: [{"unit_id": w["commune_b"].pk}],
    "api:stats_unit_ethnicity": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    # hoctap.reports, hoctap.inspections, hoctap.awards: commune B's records
    "reports:detail": lambda w: [{"report_id": w["report_b"].pk}],
    "reports:transition": lambda w: [{"report_id": w["report_b"].pk}],
    "reports:differences": lambda w: [{"report_id": w["report_b"].pk}],
    "reports:table_xlsx": lambda w: [{"report_id": w["report_b"].pk}],
    "reports:pdf": lambda w: [{"report_id": w["report_b"].pk}],
    "reports:export_detail": lambda w: [{"job_id": w["export_b"].pk}],
    # hoctap.exports: commune B's officer's own jobs (a report export and a list export)
    "exports:job_detail": lambda w: [{"job_id": w["export_b"].pk}, {"job_id": w["list_export_b"].pk}],
    "exports:job_download": lambda w: [{"job_id": w["export_b"].pk}, {"job_id": w["list_export_b"].pk}],
    "reports:export_download": lambda w: [{"job_id": w["export_b"].pk}],
    "inspections:detail": lambda w: [{"inspection_id": w["inspection_b"].pk}],
    "inspections:report": lambda w: [{"inspection_id": w["inspection_b"].pk}],
    "inspections:finding": lambda w: [{"finding_id": w["finding_b"].pk}],
    "inspections:follow_up": lambda w: [{"finding_id": w["finding_b"].pk}],
    "funds:detail": lambda w: [{"fund_id": w["fund_b"].pk}],
    "funds:receipt": lambda w: [{"fund_id": w["fund_b"].pk}],
    "funds:payment": lambda w: [{"fund_id": w["fund_b"].pk}],
    "funds:reverse": lambda w: [{"entry_id": w["fund_entry_b"].pk}],
    "funds:summary": lambda w: [{"unit_id": w["commune_b"].pk}],
    "members:branch": lambda w: [{"branch_id": w["branch_b"].pk}],
    "members:join": lambda w: [{"branch_id": w["branch_b"].pk}],
    "members:member": lambda w: [{"member_id": w["member_b"].pk}],
    "members:leave": lambda w: [{"member_id": w["member_b"].pk}],
    "members:move": lambda w: [{"member_id": w["member_b"].pk}],
    "members:dues": lambda w: [{"member_id": w["member_b"].pk}],
    "members:office": lambda w: [{"member_id": w["member_b"].pk}],
    "members:training": lambda w: [{"member_id": w["member_b"].pk}],
    "members:office_end": lambda w: [{"office_id": w["office_b"].pk}],
    "api:learning_figures": lambda w: [{"unit_id": w["commune_b"].pk}],
    "api:learning_class_detail": lambda w: [{"class_id": w["class_b"].pk}],
    "api:learning_class_update": lambda w: [{"class_id": w["class_b"].pk}],
    "learning:summary": lambda w: [{"unit_id": w["commune_b"].pk}],
    "learning:summary_xlsx": lambda w: [{"unit_id": w["commune_b"].pk}],
    "learning:class_create": lambda w: [{"unit_id": w["commune_b"].pk}],
    "learning:class_edit": lambda w: [{"class_id": w["class_b"].pk}],
    "learning:week_create": lambda w: [{"unit_id": w["commune_b"].pk}],
    "learning:week_edit": lambda w: [{"activity_id": w["week_b"].pk}],
    "learning:declare": lambda w: [{"unit_id": w["commune_b"].pk}],
    "members:summary": lambda w: [{"unit_id": w["commune_b"].pk}, {"unit_id": w["village_b"].pk}],
    "awards:self_report": lambda w: [{"report_id": w["self_report_b"].pk}],
    "awards:nomination": lambda w: [{"nomination_id": w["nomination_b"].pk}],
    "api:report_detail": lambda w: [{"report_id": w["report_b"].pk}],
    "api:update_report": lambda w: [{"report_id": w["report_b"].pk}],
    "api:report_transition": lambda w: [{"report_id": w["report_b"].pk}],
    "api:report_differences": lambda w: [{"report_id": w["report_b"].pk}],
    "api:export_detail": lambda w: [{"job_id": w["export_b"].pk}],
    "api:export_download": lambda w: [{"job_id": w["export_b"].pk}],
    "api:inspection_detail": lambda w: [{"inspection_id": w["inspection_b"].pk}],
    "api:finding_detail": lambda w: [{"finding_id": w["finding_b"].pk}],
    "api:score_finding": lambda w: [{"finding_id": w["finding_b"].pk}],
    "api:finding_follow_up": lambda w: [{"finding_id": w["finding_b"].pk}],
    "api:self_report_detail": lambda w: [{"report_id": w["self_report_b"].pk}],
    "api:update_self_report": lambda w: [{"report_id": w["self_report_b"].pk}],
    "api:submit_self_report": lambda w: [{"report_id": w["self_report_b"].pk}],
    "api:self_report_submission": lambda w: [{"report_id": w["self_report_b"].pk}],
    "api:report_history": lambda w: [{"report_id": w["report_b"].pk}],
    "api:nomination_decisions": lambda w: [{"nomination_id": w["nomination_b"].pk}],
    "api:finding_scoring": lambda w: [{"finding_id": w["finding_b"].pk}],
    "api:finding_follow_up_actions": lambda w: [{"finding_id": w["finding_b"].pk}],
    "api:nomination_detail": lambda w: [{"nomination_id": w["nomination_b"].pk}],
    "api:nomination_decide": lambda w: [{"nomination_id": w["nomination_b"].pk}],
    "api:award_detail": lambda w: [{"award_id": w["award_b"].pk}],
    # hoctap.assessments: a campaign of another province; commune B's units, assessment, evidence,
    # decision, certificate and citizen sign-up
    "assessments:campaign_detail": lambda w: [{"campaign_id": w["campaign_elsewhere"].pk}],
    # a results file for a campaign of another province (the national one is every commune's own)
    "assessments:results_template": lambda w: [{"campaign_id": w["campaign_elsewhere"].pk}],
    "assessments:results_import": lambda w: [{"campaign_id": w["campaign_elsewhere"].pk}],
    "assessments:register_subjects": lambda w: _campaign_units(w),
    "assessments:review_board": lambda w: _campaign_units(w),
    "assessments:decision_create": lambda w: [
        {"campaign_id": w["campaign_elsewhere"].pk},
        {"campaign_id": w["campaign_national"].pk},
    ],
    "assessments:assessment_detail": lambda w: _assessments_b(w),
    "assessments:self_assessment": lambda w: _assessments_b(w),
    "assessments:assessment_transition": lambda w: _assessments_b(w),
    "assessments:evidence_upload": lambda w: _assessments_b(w),
    "assessments:review_row": lambda w: _assessments_b(w),
    "assessments:evidence_file": lambda w: [{"evidence_id": w["evidence_b"].pk}],
    "assessments:evidence_thumbnail": lambda w: [{"evidence_id": w["evidence_b"].pk, "size": "small"}],
    "assessments:learner_figures": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "assessments:learner_figures_evidence": lambda w: [{"figures_id": w["learner_figures_b"].pk}],
    "api:learner_figures_list": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "api:learner_figures_record": lambda w: [{"organisation_id": w["organisation_b"].pk}],
    "assessments:decision_detail": lambda w: [{"decision_id": w["decision_b"].pk}],
    "assessments:decision_pdf": lambda w: [{"decision_id": w["decision_b"].pk}],
    "assessments:decision_certificates_pdf": lambda w: [{"decision_id": w["decision_b"].pk}],
    "assessments:certificate_pdf": lambda w: [{"certificate_id": w["certificate_b"].pk}],
    "assessments:signup_link": lambda w: [{"signup_id": w["signup_b"].pk}],
    "api:campaign_detail": lambda w: [{"campaign_id": w["campaign_elsewhere"].pk}],
    "api:assessment_detail": lambda w: _assessments_b(w),
    "api:assessment_transition": lambda w: _assessments_b(w),
    "api:evidence_upload": lambda w: _assessments_b(w),
    "api:assessment_steps": lambda w: _assessments_b(w),
    "api:evidence_list": lambda w: _assessments_b(w),
    "api:decision_certificates": lambda w: [{"decision_id": w["decision_b"].pk}],
    "api:decision_detail": lambda w: [{"decision_id": w["decision_b"].pk}],
    "api:issue_certificates": lambda w: [{"decision_id": w["decision_b"].pk}],
    # hoctap.openrosa: the form, manifest and subject list of commune B's open assessment; B's phone
    "openrosa:form_xml": lambda w: _odk_form_b(w),
    "openrosa:manifest": lambda w: _odk_form_b(w),
    "openrosa:subjects": lambda w: _odk_form_b(w),
    "openrosa:device_revoke": lambda w: [{"device_id": w["device_b"].pk}],
    # hoctap.criteria: another province's own set, alone and paired with a national one
    "criteria:set_detail": lambda w: _criteria_elsewhere(w),
    "criteria:sheet": lambda w: _criteria_elsewhere(w),
    "criteria:export_yaml": lambda w: _criteria_elsewhere(w),
    "criteria:export_xlsx": lambda w: _criteria_elsewhere(w),
    "criteria:diff": lambda w: [
        {"set_id": w["criteria_elsewhere_v1"].pk, "other_id": w["criteria_elsewhere_v2"].pk},
        {"set_id": w["criteria_national"].pk, "other_id": w["criteria_elsewhere_v2"].pk},
        {"set_id": w["criteria_elsewhere_v1"].pk, "other_id": w["criteria_national"].pk},
    ],
    "api:criteria_set_detail": lambda w: _criteria_elsewhere(w),
    "api:criteria_set_yaml": lambda w: _criteria_elsewhere(w),
    "api:score_criteria_set": lambda w: _criteria_elsewhere(w),
    "api:criteria_score_template": lambda w: _criteria_elsewhere(w),
}
# Histories of commune B's assessments, decision and evidence go through the same scope.
_history_cases = OBJECT_ROUTES["audit:history"]
OBJECT_ROUTES["audit:history"] = lambda w: (
    _history_cases(w)
    + [
        {"model_label": "assessments.assessment", "object_id": w["assessment_b"].pk},
        {"model_label": "assessments.assessment", "object_id": w["certificate_b"].assessment_id},
        {"model_label": "assessments.decision", "object_id": w["decision_b"].pk},
        {"model_label": "assessments.evidence", "object_id": w["evidence_b"].pk},
        {"model_label": "assessments.learnerfigures", "object_id": w["learner_figures_b"].pk},
        {"model_label": "registry.household", "object_id": w["household_b"].pk},
        {"model_label": "registry.person", "object_id": w["person_b"].pk},
        {"model_label": "registry.clanbranch", "object_id": w["clan_b"].pk},
        {"model_label": "registry.organisation", "object_id": w["organisation_b"].pk},
        {"model_label": "registry.declaredtotals", "object_id": w["totals_b"].pk},
        {"model_label": "criteria.criteriasetversion", "object_id": w["criteria_elsewhere_v1"].pk},
        {"model_label": "territory.areadesignation", "object_id": w["area_b"].pk},
        {"model_label": "privacy.datarequest", "object_id": w["data_request_b"].pk},
    ]
)


def _criteria_elsewhere(world):
    return [{"set_id": world["criteria_elsewhere_v1"].pk}, {"set_id": world["criteria_elsewhere_v2"].pk}]


def _assessments_b(world):
    return [{"assessment_id": world["assessment_b"].pk}, {"assessment_id": world["certificate_b"].assessment_id}]


def _odk_form_b(world):
    return [{"campaign_id": world["assessment_b"].campaign_id, "set_id": world["assessment_b"].criteria_set_id}]


def _campaign_units(world):
    return [
        {"campaign_id": campaign.pk, "unit_id": unit.pk}
        for campaign in (world["campaign_national"], world["campaign_elsewhere"])
        for unit in (world["commune_b"], world["village_b"])
    ]


# Routes whose parameter is not a record (nothing to scope).
PUBLIC_ROUTES = {
    "set_language",
    # The e-mailed reset link: the signed token decides, not a scope (Django's PasswordResetConfirmView).
    "password_reset_confirm",
    # A province's public summary: aggregates only, no personal data, no login (hoctap.stats).
    "stats:public_province",
    # Public certificate verification: the code is checked by signature, not by scope (hoctap.assessments).
    "verify",
    "api:verify_certificate",
    # A downloadable import template: the parameter names a template, not a record (hoctap.registry).
    "registry:import_template",
}

# Parameterless routes that are not pages to read (redirects, POST-only endpoints, the API schema).
NON_PAGE_ROUTES = {
    "logout",
    "set_language",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
    "reports:start",
    # hoctap.registry: streamed exports (their scoping is tested in tests/registry/test_exports.py)
    "registry:household_export",
    "registry:person_export",
    "registry:clan_export",
    "registry:organisation_export",
    # hoctap.criteria: POST-only (publishing a checked file, checking a YAML text)
    "criteria:publish",
    "api:validate_criteria_set",
}

# Extra query strings for lists, so filters and searches are walked too (a function of the world
# when the query names one of commune B's records).
LIST_QUERIES = {
    "territory:unit_list": ["", "?q=binh", "?level=village", "?level=commune&era=current"],
    "territory:area_list": ["", "?year=2026"],
    "api:list_units": ["", "?q=binh", "?level=village", "?era=legacy"],
    "stats:target_list": ["", "?indicator=family"],
    "api:stats_targets": ["", "?indicator=family&year=2026"],
    "reports:board": ["", "?report_type=annual&year=2025"],
    "api:list_reports": ["", "?year=2025", "?state=draft"],
    "api:list_nominations": ["", "?occasion=congress-2025"],
    "assessments:assessment_list": ["", "?q=binh", "?state=registered", "?title=citizen&year=2025"],
    "api:list_assessments": ["", "?state=registered", "?title=citizen&year=2025"],
    "api:list_decisions": ["", "?year=2025"],
    "api:learning_classes": ["", "?year=2025", lambda w: f"?commune_id={w['commune_b'].pk}"],
    "api:learning_week_activities": ["", "?year=2025"],
    "api:learning_declarations": ["", "?year=2025"],
    "api:list_campaigns": ["", "?year=2025"],
    "registry:household_list": ["", "?q=binh", "?q=HB-1"],
    "registry:person_list": ["", "?q=binh", "?occupation_group=farmer&working_age=on"],
    "registry:clan_list": ["", "?q=binh"],
    "registry:organisation_list": ["", "?q=binh", "?kind=school"],
    "registry:totals_list": ["", "?year=2025"],
    # The search selects' suggestions: searches that would find commune B's records, and B's record
    # sent as the one the form holds (it must not come back either).
    "registry:suggest_households": [
        "",
        "?q=binh",
        "?q=hb-1",
        "?q=matrix",
        lambda w: f"?q=binh&field=household&household={w['household_b'].pk}",
        lambda w: f"?field=household&household={w['household_b'].pk}",
    ],
    "registry:suggest_organisations": [
        "",
        "?q=binh",
        "?q=truong",
        lambda w: f"?q=binh&field=employer&employer={w['organisation_b'].pk}",
    ],
    "registry:suggest_clan_branches": [
        "",
        "?q=binh",
        "?q=ho",
        lambda w: f"?q=binh&field=clan_branch&clan_branch={w['clan_b'].pk}",
    ],
    "api:registry_household_list": ["", "?q=binh", "?q=hb-1"],
    "api:registry_person_list": ["", "?q=binh"],
    "api:registry_clan_list": ["", "?q=binh"],
    "api:registry_organisation_list": ["", "?q=binh", "?kind=school"],
    "criteria:set_list": ["", "?q=Bình", "?title=citizen", "?status=partial", "?province=national"],
    "api:list_criteria_sets": ["", "?title=citizen", "?code=citizen-elsewhere", "?national=false"],
}
