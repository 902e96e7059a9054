from django.urls import path

from goals import views

urlpatterns = [
    path("nod/<int:pk>/ny/", views.node_add, name="node_add"),
    path("nod/<int:pk>/andra/", views.node_edit, name="node_edit"),
    path("nod/<int:pk>/flytta/", views.node_move, name="node_move"),
    path("nod/<int:pk>/ordning/", views.node_reorder, name="node_reorder"),
    path("nod/<int:pk>/ta-bort/", views.node_delete, name="node_delete"),
    path("planar/<int:year>/vision/ny/", views.vision_add, name="vision_add"),
    path(
        "verksamhetsplan/<int:year>/<slug:slug>/",
        views.operational_plan,
        name="operational_plan",
    ),
    path("namnder/", views.committee_list, name="committee_list"),
    path("namnder/ny/", views.committee_form, name="committee_add"),
    path("namnder/<int:pk>/", views.committee_form, name="committee_edit"),
    path("anvandare/", views.user_list, name="user_list"),
    path("anvandare/ny/", views.user_form, name="user_add"),
    path("anvandare/<int:pk>/", views.user_form, name="user_edit"),
]
