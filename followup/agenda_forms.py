"""The form that links a goal or an indicator to Agenda 2030's global goals."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goals.agendamodels import GLOBAL_GOAL_CHOICES


class GlobalGoalsForm(forms.Form):
    """Which global goals it serves: a checkbox each; none is a valid answer."""

    global_goals = forms.TypedMultipleChoiceField(
        label=_("Global goals"),
        coerce=int,
        required=False,
        choices=GLOBAL_GOAL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
