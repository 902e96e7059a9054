"""The filters' select, written out in Python, must be the HTML Django's own would be."""

import re

import pytest
from django import forms

from followup.forms import RedThreadFilterForm
from followup.formwidgets import QuickSelect

CHOICES = [("", "Alla"), (1, "Barn & utbildning"), (2, '"Social" <nämnd>'), (30, "Kultur")]


def _normalized(html: str) -> str:
    """Django's template puts options on lines of their own; the browser ignores that."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "", 1, "2", 30, "999", "<script>", ["1"]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_x"}, {"id": "id_x", "aria-invalid": "true", "aria-describedby": "e"}]
)
def test_renders_what_djangos_select_renders(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("committee", value, attrs)
    djangos = forms.Select(choices=CHOICES).render("committee", value, attrs)
    assert _normalized(ours) == _normalized(djangos)


def test_the_filter_form_marks_an_invalid_choice_for_assistive_technology():
    form = RedThreadFilterForm({"status": "nonsense", "committee": "7"}, periods=[], committees=[])
    form.period_choice(None)
    form.filters(perspectives=[])
    html = str(form["status"])
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_status_error"' in html
    assert '<option value="met">' in html
