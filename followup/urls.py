from django.urls import path

from followup import api, views

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
# Kolada import, search and open data.
urlpatterns += [
    path("planar/kolada/", views.kolada_upload, name="kolada_upload"),
    path("sok/", views.search, name="search"),
    path("api/v1/ar/", api.year_list, name="api_years"),
    path("api/v1/ar/<int:year>/", api.year_detail, name="api_year"),
]
