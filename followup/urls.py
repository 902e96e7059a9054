from django.urls import path

from followup import api
from followup.views import (
    entry,
    indicators,
    kolada,
    node,
    outcome_import,
    reading,
    report,
    search,
    years,
)

app_name = "followup"

urlpatterns = [
    path("", reading.start, name="start"),
    path("rod-trad/<year:year>/", reading.red_thread, name="red_thread"),
    path("nod/<id:pk>/", node.node_detail, name="node_detail"),
    path("uppfoljning/<id:pk>/", entry.assessment_entry, name="assessment_entry"),
    path("planar/", years.plan_year_list, name="plan_year_list"),
    path("planar/<year:year>/perioder/ny/", years.period_form, name="period_add"),
    path("planar/<year:year>/perioder/<id:pk>/", years.period_form, name="period_edit"),
    path("perioder/<id:pk>/status/", years.period_action, name="period_action"),
]

urlpatterns += [
    path("nod/<id:pk>/nyckeltal/ny/", indicators.indicator_add, name="indicator_add"),
    path("nyckeltal/<id:pk>/andra/", indicators.indicator_edit, name="indicator_edit"),
    path("nyckeltal/<id:pk>/ta-bort/", indicators.indicator_delete, name="indicator_delete"),
    path(
        "planar/<year:year>/nyckeltal/import/",
        outcome_import.outcome_import,
        name="outcome_import",
    ),
    path(
        "planar/<year:year>/nyckeltal/mall/",
        outcome_import.outcome_import_template,
        name="outcome_import_template",
    ),
    path(
        "nyckeltal/<id:pk>/utfall/<id:period_pk>/",
        indicators.outcome_edit,
        name="outcome_edit",
    ),
]

urlpatterns += [
    path("oversikt/<year:year>/", report.overview, name="overview"),
    path("rapport/<id:pk>/", report.period_report, name="period_report"),
    path("rapport/<id:pk>/csv/", report.report_export, {"file_format": "csv"}, name="report_csv"),
    path(
        "rapport/<id:pk>/excel/",
        report.report_export,
        {"file_format": "xlsx"},
        name="report_xlsx",
    ),
    path(
        "rapport/<id:pk>/word/",
        report.report_export,
        {"file_format": "docx"},
        name="report_docx",
    ),
]

# Kolada import, search and open data.
urlpatterns += [
    path("planar/kolada/", kolada.kolada_upload, name="kolada_upload"),
    path("sok/", search.search, name="search"),
    path("api/v1/ar/", api.year_list, name="api_years"),
    path("api/v1/ar/<year:year>/", api.year_detail, name="api_year"),
]
