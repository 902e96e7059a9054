from django.urls import path

from followup import api
from followup.views import (
    agenda,
    assignments,
    entry,
    geh,
    indicators,
    kolada,
    node,
    outcome_import,
    reading,
    report,
    search,
    year,
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
    path("perioder/<id:pk>/status/", year.period_change, name="period_action"),
    path("perioder/<id:pk>/rapportering/", year.period_progress, name="period_progress"),
    path("perioder/<id:pk>/granskning/", year.period_audit, name="period_audit"),
    path(
        "perioder/<id:pk>/namnd/<slug:slug>/<slug:step>/",
        year.committee_report_step,
        name="committee_report_step",
    ),
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

# Sound financial management, and the reports as documents.
urlpatterns += [
    path("god-ekonomisk-hushallning/<year:year>/", geh.geh_year, name="geh_year"),
    path("god-ekonomisk-hushallning/<year:year>/mal/", geh.geh_goals_edit, name="geh_goals"),
    path("perioder/<id:pk>/geh/", geh.geh_period, name="geh_period"),
    path(
        "perioder/<id:pk>/geh/bedomning/",
        geh.geh_evaluation_edit,
        name="geh_evaluation_edit",
    ),
    path(
        "perioder/<id:pk>/geh/balanskrav/",
        geh.balance_statement_edit,
        name="balance_statement_edit",
    ),
    path("rapport/<id:pk>/pdf/", geh.report_pdf, name="report_pdf"),
    path("rapport/<id:pk>/namnd/<slug:slug>/", geh.committee_report, name="committee_report"),
    path(
        "rapport/<id:pk>/namnd/<slug:slug>/word/",
        geh.committee_report_docx,
        name="committee_report_docx",
    ),
    path(
        "rapport/<id:pk>/namnd/<slug:slug>/pdf/",
        geh.committee_report_pdf,
        name="committee_report_pdf",
    ),
]

# Assignments (uppdrag) and their follow-up.
urlpatterns += [
    path("uppdrag/<year:year>/", assignments.assignment_list, name="assignment_list"),
    path(
        "uppdrag/<year:year>/namnd/<slug:slug>/",
        assignments.assignment_list,
        name="committee_assignments",
    ),
    path("uppdrag/<year:year>/nytt/", assignments.assignment_create, name="assignment_create"),
    path("uppdrag/<id:pk>/andra/", assignments.assignment_edit, name="assignment_edit"),
    path("uppdrag/<id:pk>/ta-bort/", assignments.assignment_delete, name="assignment_delete"),
    path(
        "uppfoljning/<id:pk>/uppdrag/",
        assignments.assignment_followup,
        name="assignment_followup",
    ),
]

# Agenda 2030: the global goals, and the goals and indicators linked to them.
urlpatterns += [
    path("agenda-2030/<year:year>/", agenda.global_goal_index, name="global_goal_index"),
    path(
        "agenda-2030/<year:year>/mal/<int:number>/",
        agenda.global_goal_detail,
        name="global_goal",
    ),
    path("nod/<id:pk>/agenda-2030/", agenda.node_global_goals, name="node_global_goals"),
    path(
        "nyckeltal/<id:pk>/agenda-2030/",
        agenda.indicator_global_goals,
        name="indicator_global_goals",
    ),
]
