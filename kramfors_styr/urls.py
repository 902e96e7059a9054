from django.contrib import admin
from django.urls import include, path

from kramfors_styr import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("tillganglighet/", views.accessibility_statement, name="accessibility_statement"),
    path("", include("followup.urls")),
]
