from django.urls import path

from followup import views

urlpatterns = [
    path("", views.start, name="start"),
    path("rod-trad/<int:year>/", views.red_thread, name="red_thread"),
    path("nod/<int:pk>/", views.node_detail, name="node_detail"),
]
