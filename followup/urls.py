from django.urls import path

from followup import api, geh_views, views

app_name = "followup"

urlpatterns = [
    path("", views.start, name="start"),
    path("rod-trad/<year:year>/", views.red_thread, name="red_thread"),
    path("nod/<id:pk>/", views.node_detail, name="node_detail"),
    path("uppfoljning/<id:pk>/", views.assessment_entry, name="assessment_entry"),
    path("planar/", views.plan_year_list, name="plan_year_list"),
    path("planar/<year:year>/perioder/ny/", views.period_form, name="period_add"),
    path("planar/<year:year>/perioder/<id:pk>/", views.period_form, name="period_edit"),
    path("perioder/<id:pk>/status/", views.period_action, name="period_action"),
]

urlpatterns += [
    path("nod/<id:pk>/nyckeltal/ny/", views.indicator_add, name="indicator_add"),
    path("nyckeltal/<id:pk>/andra/", views.indicator_edit, name="indicator_edit"),
    path("nyckeltal/<id:pk>/ta-bort/", views.indicator_delete, name="indicator_delete"),
    path("nyckeltal/<id:pk>/utfall/<id:period_pk>/", views.outcome_edit, name="outcome_edit"),
]

urlpatterns += [
    path("oversikt/<year:year>/", views.overview, name="overview"),
    path("rapport/<id:pk>/", views.period_report, name="period_report"),
    path("rapport/<id:pk>/csv/", views.report_export, {"file_format": "csv"}, name="report_csv"),
    path(
        "rapport/<id:pk>/excel/",
        views.report_export,
        {"file_format": "xlsx"},
        name="report_xlsx",
    ),
    path(
        "rapport/<id:pk>/word/",
        views.report_export,
        {"file_format": "docx"},
        name="report_docx",
    ),
]

# Kolada import, search and open data.
urlpatterns += [
    path("planar/kolada/", views.kolada_upload, name="kolada_upload"),
    path("sok/", views.search, name="search"),
    path("api/v1/ar/", api.year_list, name="api_years"),
    path("api/v1/ar/<year:year>/", api.year_detail, name="api_year"),
]

# Sound financial management, and the reports as documents.
urlpatterns += [
    path("god-ekonomisk-hushallning/<year:year>/", geh_views.geh_year, name="geh_year"),
    path("god-ekonomisk-hushallning/<year:year>/mal/", geh_views.geh_goals_edit, name="geh_goals"),
    path("perioder/<id:pk>/geh/", geh_views.geh_period, name="geh_period"),
    path(
        "perioder/<id:pk>/geh/bedomning/",
        geh_views.geh_evaluation_edit,
        name="geh_evaluation_edit",
    ),
    path(
        "perioder/<id:pk>/geh/balanskrav/",
        geh_views.balance_statement_edit,
        name="balance_statement_edit",
    ),
    path("rapport/<id:pk>/pdf/", geh_views.report_pdf, name="report_pdf"),
    path("rapport/<id:pk>/namnd/<slug:slug>/", geh_views.committee_report, name="committee_report"),
    path(
        "rapport/<id:pk>/namnd/<slug:slug>/word/",
        geh_views.committee_report_docx,
        name="committee_report_docx",
    ),
    path(
        "rapport/<id:pk>/namnd/<slug:slug>/pdf/",
        geh_views.committee_report_pdf,
        name="committee_report_pdf",
    ),
]
