from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("konto/sso/", views.start, name="start"),
    path("konto/sso/tillbaka/", views.callback, name="callback"),
    path("konto/nodinloggning/", views.break_glass_login, name="break_glass"),
]
