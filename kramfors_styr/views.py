"""Pages that belong to the site as a whole rather than to one app."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# When the statement was last reviewed against the pages that exist. Update it
# whenever the statement's text changes or a new kind of page is published.
STATEMENT_REVIEWED = datetime.date(2026, 11, 26)


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The tillgänglighetsredogörelse that the law on accessible digital public
    service requires, in the structure DIGG prescribes."""
    return render(
        request,
        "accessibility_statement.html",
        {
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "reviewed": STATEMENT_REVIEWED,
        },
    )
