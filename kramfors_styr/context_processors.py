from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from goals.permissions import can_manage_years, can_read


def site(request: HttpRequest) -> dict:
    return {
        "municipality_name": settings.MUNICIPALITY_NAME,
        # Lazy: costs its queries only on pages that render the menu for a logged-in user.
        "user_can_manage": SimpleLazyObject(lambda: can_manage_years(request.user)),
        # Whether to offer the search box in the header.
        "user_can_read": SimpleLazyObject(lambda: can_read(request.user)),
    }
