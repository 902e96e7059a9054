from django.urls import path

from followup import views

urlpatterns = [
    path("", views.start, name="start"),
    path("rod-trad/<int:year>/", views.red_thread, name="red_thread"),
    path("nod/<int:pk>/", views.node_detail, name="node_detail"),
    path("uppfoljning/<int:pk>/", views.assessment_entry, name="assessment_entry"),
    path("planar/", views.plan_year_list, name="plan_year_list"),
    path("planar/<int:year>/perioder/ny/", views.period_form, name="period_add"),
    path("planar/<int:year>/perioder/<int:pk>/", views.period_form, name="period_edit"),
    path("perioder/<int:pk>/status/", views.period_action, name="period_action"),
]

urlpatterns += [
    path("nod/<int:pk>/nyckeltal/ny/", views.indicator_add, name="indicator_add"),
    path("nyckeltal/<int:pk>/andra/", views.indicator_edit, name="indicator_edit"),
    path("nyckeltal/<int:pk>/ta-bort/", views.indicator_delete, name="indicator_delete"),
    path("nyckeltal/<int:pk>/utfall/<int:period_pk>/", views.outcome_edit, name="outcome_edit"),
]

urlpatterns += [
    path("oversikt/<int:year>/", views.overview, name="overview"),
    path("rapport/<int:pk>/", views.period_report, name="period_report"),
    path("rapport/<int:pk>/csv/", views.report_export, {"file_format": "csv"}, name="report_csv"),
    path(
        "rapport/<int:pk>/excel/",
        views.report_export,
        {"file_format": "xlsx"},
        name="report_xlsx",
    ),
    path(
        "rapport/<int:pk>/word/",
        views.report_export,
        {"file_format": "docx"},
        name="report_docx",
    ),
]
