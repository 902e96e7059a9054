"""The assignments' (uppdrag) page types for the browser tests (see pages.py)."""

from __future__ import annotations

from django.urls import reverse

from followup.models import Period
from goals.assignmentmodels import Assignment
from goals.models import Committee
from tests.browser.pages import COUNCILLOR, OFFICIAL, SECRETARY, YEAR, Demo, PageType, _submit


def assignment_page_type(name: str, demo: Demo, bun: Committee, annual: Period) -> PageType:
    """The assignments' (uppdrag) pages."""
    assignment = Assignment.objects.filter(plan_year=demo.plan_year, committee=bun).first()
    match name:
        case "assignments":
            path = reverse("followup:assignment_list", kwargs={"year": YEAR})
            return PageType(path, f"Uppdrag {YEAR}", "försenat", role=COUNCILLOR)
        case "assignments-committee":
            path = reverse(
                "followup:committee_assignments", kwargs={"year": YEAR, "slug": bun.slug}
            )
            heading = f"Uppdrag för {bun.name} {YEAR}"
            return PageType(path, heading, assignment.title, role=OFFICIAL)
        case "assignment-add":
            path = reverse("followup:assignment_create", kwargs={"year": YEAR})
            return PageType(path, "Nytt uppdrag", "Förfallodatum", role=OFFICIAL)
        case "assignment-add-errors":
            path = reverse("followup:assignment_create", kwargs={"year": YEAR})
            act = _submit("Spara", title="Utred", due_date="2030-01-01")
            return PageType(path, "Nytt uppdrag", "inom planåret", 400, OFFICIAL, act)
        case "assignment-edit":
            path = reverse("followup:assignment_edit", kwargs={"pk": assignment.pk})
            return PageType(path, "Ändra uppdrag", role=OFFICIAL)
        case "assignment-delete":
            path = reverse("followup:assignment_delete", kwargs={"pk": assignment.pk})
            return PageType(path, f"Ta bort uppdraget ”{assignment.title}”?", role=OFFICIAL)
        case "assignment-followup":
            path = reverse("followup:assignment_followup", kwargs={"pk": annual.pk})
            heading = f"Uppdrag: {annual.display_title}"
            return PageType(path, heading, assignment.title, role=SECRETARY)
    raise ValueError(f"no page type {name!r}")
