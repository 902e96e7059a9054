from django.urls import path

from followup import api, views, year_views

app_name = "followup"

urlpatterns = [
    path("", views.start, name="start"),
    path("rod-trad/<year:year>/", views.red_thread, name="red_thread"),
    path("nod/<id:pk>/", views.node_detail, name="node_detail"),
    path("uppfoljning/<id:pk>/", views.assessment_entry, name="assessment_entry"),
    path("planar/", views.plan_year_list, name="plan_year_list"),
    path("planar/<year:year>/perioder/ny/", views.period_form, name="period_add"),
    path("planar/<year:year>/perioder/<id:pk>/", views.period_form, name="period_edit"),
    path("perioder/<id:pk>/status/", year_views.period_change, name="period_action"),
    path("perioder/<id:pk>/rapportering/", year_views.period_progress, name="period_progress"),
    path("perioder/<id:pk>/granskning/", year_views.period_audit, name="period_audit"),
    path(
        "perioder/<id:pk>/namnd/<slug:slug>/<slug:step>/",
        year_views.committee_report_step,
        name="committee_report_step",
    ),
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
