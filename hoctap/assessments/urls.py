from django.urls import path

from . import learner_views, views

app_name = "assessments"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:campaign_id>/units/<int:unit_id>/register/", views.register_subjects, name="register_subjects"
    ),
    path("campaigns/<int:campaign_id>/units/<int:unit_id>/review/", views.review_board, name="review_board"),
    path("campaigns/<int:campaign_id>/results/template/", views.results_template, name="results_template"),
    path("campaigns/<int:campaign_id>/results/import/", views.results_import, name="results_import"),
    path("campaigns/<int:campaign_id>/decisions/new/", views.decision_create, name="decision_create"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:assessment_id>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("assessments/<int:assessment_id>/transition/", views.assessment_transition, name="assessment_transition"),
    path("assessments/<int:assessment_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("assessments/<int:assessment_id>/review-row/", views.review_row, name="review_row"),
    path("evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:evidence_id>/thumbnail/<str:size>/", views.evidence_thumbnail, name="evidence_thumbnail"),
    path("organisations/<int:organisation_id>/learners/", learner_views.learner_figures, name="learner_figures"),
    path(
        "learner-figures/<int:figures_id>/evidence/",
        learner_views.learner_figures_evidence,
        name="learner_figures_evidence",
    ),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:decision_id>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path(
        "decisions/<int:decision_id>/certificates.pdf",
        views.decision_certificates_pdf,
        name="decision_certificates_pdf",
    ),
    path("certificates/<int:certificate_id>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("my/", views.mine, name="mine"),
    path("signups/", views.signup_list, name="signup_list"),
    path("signups/<int:signup_id>/", views.signup_link, name="signup_link"),
]

# Public pages, outside the namespace so their addresses stay short on paper: /verify/<code>.
public_urlpatterns = [
    path("verify/", views.verify_home, name="verify_home"),
    # <path:…>: a code typed with a slash still reaches the page that says it is not one.
    path("verify/<path:code>", views.verify, name="verify"),
    path("signup/", views.signup, name="signup"),
]
