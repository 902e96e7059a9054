from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from accounts.auth import LimitedPasswordResetForm
from goals.forms import LoginForm
from kramfors_styr import views
from kramfors_styr.converters import IdConverter, YearConverter
from kramfors_styr.health import healthz
from sso import views as sso_views

# Before the apps' URLs are included below, which use them.
register_converter(IdConverter, "id")
register_converter(YearConverter, "year")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "konto/logga-in/",
        sso_views.password_login(auth_views.LoginView.as_view(authentication_form=LoginForm)),
        name="login",
    ),
    path("konto/logga-ut/", sso_views.logout, name="logout"),
    path(
        "konto/glomt-losenord/",
        sso_views.local_login_only(
            auth_views.PasswordResetView.as_view(form_class=LimitedPasswordResetForm)
        ),
        name="password_reset",
    ),
    path(
        "konto/glomt-losenord/skickat/",
        sso_views.local_login_only(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "konto/nytt-losenord/<uidb64>/<token>/",
        sso_views.local_login_only(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "konto/nytt-losenord/klart/",
        sso_views.local_login_only(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path(
        "konto/byt-losenord/",
        sso_views.local_login_only(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "konto/byt-losenord/klart/",
        sso_views.local_login_only(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("", include("sso.urls")),
    path("", include("goals.urls")),
    path("tillganglighet/", views.accessibility_statement, name="accessibility_statement"),
    path("", include("followup.urls")),
]


def _superusers_only(request) -> bool:
    """The admin is the superusers' raw access; staff status alone is not enough."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
