from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from goals.permissions import can_manage_years, can_read


def site(request: HttpRequest) -> dict:
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        # Lazy: costs its queries only on pages that render the menu for a logged-in user.
        "user_can_manage": SimpleLazyObject(lambda: can_manage_years(request.user)),
        # Whether to offer the search box in the header.
        "user_can_read": SimpleLazyObject(lambda: can_read(request.user)),
        # The login page: single sign-on's button, and whether it has a password form.
        "sso_enabled": settings.SSO_ENABLED,
        "sso_label": settings.OIDC_LOGIN_LABEL
        or _("your account at %(municipality)s") % {"municipality": settings.MUNICIPALITY_NAME},
        "local_login": settings.LOCAL_LOGIN,
    }
