"""The forms of sound financial management (god ekonomisk hushållning): the
evaluation, the balance requirement statement and the goals that count for it."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from followup.geh import COMPUTED_LINES, ENTERED_LINES, BalanceEntry, DeficitEntry
from followup.gehmodels import GehVerdict
from goals.models import GehRole


class AmountField(forms.IntegerField):
    """A whole amount as people type it: spaces between thousands, a minus sign."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Write a whole number, for example 12 500 or -3 200."),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_value", 10**12)
        kwargs.setdefault("min_value", -(10**12))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        attrs["inputmode"] = "numeric"
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u2212", "-")
            if value and not re.fullmatch(r"-?\d+", value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class GehEvaluationForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Were the goals for sound financial management reached?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a verdict.")},
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the justification for the verdict.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = GehVerdict.choices


DEFICIT_BLANK_ROWS = 2


class BalanceStatementForm(forms.Form):
    """The entered lines of a balance requirement statement in the configured
    unit, and the deficits still to restore (each year's row, and two blank
    rows to add more without a script). The results are computed: a value sent
    for one is refused, not stored."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, unit, deficit_rows: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        for line in ENTERED_LINES:
            self.fields[line.name] = AmountField(
                label=line.label, required=line.name == "result", initial=0
            )
        self.fields["result"].error_messages["required"] = _(
            "Write the result according to the income statement."
        )
        self.deficit_count = deficit_rows + DEFICIT_BLANK_ROWS
        for index in range(self.deficit_count):
            self.fields[f"deficit-{index}-arose_in"] = forms.IntegerField(
                label=_("Year the deficit arose"), required=False, min_value=1900, max_value=2999
            )
            self.fields[f"deficit-{index}-amount"] = AmountField(
                label=_("Amount still to restore"), required=False, min_value=1
            )
            self.fields[f"deficit-{index}-restore_by"] = forms.IntegerField(
                label=_("To be restored by"), required=False, min_value=1900, max_value=2999
            )

    def entered_fields(self):
        return [(line, self[line.name]) for line in ENTERED_LINES]

    def deficit_fields(self):
        return [
            (
                index,
                self[f"deficit-{index}-arose_in"],
                self[f"deficit-{index}-amount"],
                self[f"deficit-{index}-restore_by"],
            )
            for index in range(self.deficit_count)
        ]

    def clean(self):
        cleaned = super().clean()
        for line in COMPUTED_LINES:
            if (self.data.get(line.name) or "").strip():
                self.add_error(
                    None,
                    _("“%(line)s” is computed from the lines above and cannot be typed.")
                    % {"line": line.label},
                )
        for index in range(self.deficit_count):
            names = [f"deficit-{index}-{part}" for part in ("arose_in", "amount", "restore_by")]
            values = [cleaned.get(name) for name in names]
            if any(value is not None for value in values) and any(v is None for v in values):
                self.add_error(
                    names[values.index(None)],
                    _("A deficit needs its year, its amount and the year to restore it by."),
                )
        return cleaned

    def entry(self):
        """The statement in kronor, as the service takes it."""
        factor = self.unit.factor
        amounts = {
            line.name: (self.cleaned_data.get(line.name) or 0) * factor for line in ENTERED_LINES
        }
        deficits = []
        for index in range(self.deficit_count):
            arose_in = self.cleaned_data.get(f"deficit-{index}-arose_in")
            if arose_in is None:
                continue
            deficits.append(
                DeficitEntry(
                    arose_in=arose_in,
                    amount=self.cleaned_data[f"deficit-{index}-amount"] * factor,
                    restore_by=self.cleaned_data[f"deficit-{index}-restore_by"],
                )
            )
        return BalanceEntry(amounts=amounts, deficits=deficits)


class GehGoalsForm(forms.Form):
    """What each municipal goal of a year is for sound financial management."""

    def __init__(self, data=None, *, goals) -> None:
        super().__init__(data)
        self.goals = goals
        choices = [("", _("Neither")), *GehRole.choices]
        for goal in goals:
            self.fields[f"role-{goal.pk}"] = forms.ChoiceField(
                label=goal.title, choices=choices, required=False, initial=goal.geh_role
            )
            self.fields[f"version-{goal.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=goal.version, min_value=0
            )

    def rows(self):
        return [(goal, self[f"role-{goal.pk}"], self[f"version-{goal.pk}"]) for goal in self.goals]

    def roles(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data[f"role-{goal.pk}"] for goal in self.goals}

    def versions(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"version-{goal.pk}"] for goal in self.goals}
