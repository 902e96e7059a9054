from django.urls import path

from goals import link_views, views, year_views

app_name = "goals"

urlpatterns = [
    path("nod/<id:pk>/ny/", views.node_add, name="node_add"),
    path("nod/<id:pk>/andra/", views.node_edit, name="node_edit"),
    path("nod/<id:pk>/flytta/", views.node_move, name="node_move"),
    path("nod/<id:pk>/ordning/", views.node_reorder, name="node_reorder"),
    path("nod/<id:pk>/ta-bort/", views.node_delete, name="node_delete"),
    path("nod/<id:pk>/stodjer-aven/", link_views.node_links, name="node_links"),
    path("planar/<year:year>/vision/ny/", views.vision_add, name="vision_add"),
    path(
        "verksamhetsplan/<year:year>/<slug:slug>/",
        views.operational_plan,
        name="operational_plan",
    ),
    path(
        "verksamhetsplan/<year:year>/<slug:slug>/<slug:step>/",
        year_views.operational_plan_step,
        name="operational_plan_step",
    ),
    path("planar/<year:year>/anta/", year_views.plan_year_adopt, name="plan_year_adopt"),
    path("planar/<year:year>/ateroppna/", year_views.plan_year_reopen, name="plan_year_reopen"),
    path("namnder/", views.committee_list, name="committee_list"),
    path("namnder/ny/", views.committee_form, name="committee_add"),
    path("namnder/<id:pk>/", views.committee_form, name="committee_edit"),
    path("anvandare/", views.user_list, name="user_list"),
    path("anvandare/ny/", views.user_form, name="user_add"),
    path("anvandare/<id:pk>/", views.user_form, name="user_edit"),
]
