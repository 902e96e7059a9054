"""The forms of assignments (uppdrag): one assignment, and the follow-up of a
committee's assignments in a period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.assignmentmodels import AssignmentStatus
from followup.assignmentservices import FollowupEntry
from followup.formwidgets import QuickHiddenInput, QuickSelect, QuickTextarea
from goals import rules
from goals.assignmentmodels import Assignment
from goals.assignments import ASSIGNMENT_FIELDS
from goals.models import Committee, Node, NodeKind, PlanYear
from goals.text import PlainTextFormField


class AssignmentForm(forms.ModelForm):
    """An assignment's fields. The goal is chosen among the year's municipal goals,
    but any node is accepted here so that the rules give their own message
    (another year, another kind) rather than "not a valid choice"."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Assignment
        fields = list(ASSIGNMENT_FIELDS)
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, plan_year: PlanYear, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan_year = plan_year
        committees = Committee.objects.active()
        self.fields["committee"].queryset = committees
        self.fields["committee"].error_messages["required"] = rules.assignment_committee_error(None)
        self.fields["given_by"].queryset = Committee.objects.all()
        self.fields["given_by"].empty_label = str(_("the council"))
        goal = self.fields["goal"]
        goal.queryset = Node.objects.all()
        goal.widget.choices = [
            ("", "–"),
            *Node.objects.for_year(plan_year)
            .of_kind(NodeKind.MUNICIPAL_GOAL)
            .in_tree_order()
            .values_list("pk", "title"),
        ]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ASSIGNMENT_FIELDS}


class AssignmentFollowupForm(forms.Form):
    """Status and analysis of each assignment in one period: `astatus-<id>`,
    `aanalysis-<id>` and the hidden `aversion-<id>` (the follow-up's version
    when the page was opened, 0 when there was none)."""

    def __init__(self, data=None, *, assignments, disabled: bool = False) -> None:
        super().__init__(data)
        self.assignments = assignments
        choices = [("", _("– choose –")), *AssignmentStatus.choices]
        for assignment in assignments:
            pk = assignment.pk
            self.fields[f"astatus-{pk}"] = forms.ChoiceField(
                label=_("Status"),
                choices=choices,
                required=False,
                widget=QuickSelect,
                initial=assignment.followup_status or "",
                disabled=disabled,
            )
            self.fields[f"aanalysis-{pk}"] = PlainTextFormField(
                label=_("Analysis"),
                required=False,
                max_length=20000,
                widget=QuickTextarea(attrs={"rows": 3}),
                initial=assignment.followup_analysis or "",
                disabled=disabled,
            )
            self.fields[f"aversion-{pk}"] = forms.IntegerField(
                widget=QuickHiddenInput,
                initial=assignment.followup_version or 0,
                min_value=0,
                required=False,
                disabled=disabled,
            )

    def rows(self):
        """Each assignment with its bound fields, for the template."""
        return [
            (a, self[f"astatus-{a.pk}"], self[f"aanalysis-{a.pk}"], self[f"aversion-{a.pk}"])
            for a in self.assignments
        ]

    def clean(self):
        cleaned = super().clean()
        for assignment in self.assignments:
            status = cleaned.get(f"astatus-{assignment.pk}")
            if not status and (cleaned.get(f"aanalysis-{assignment.pk}") or "").strip():
                self.add_error(
                    f"astatus-{assignment.pk}", _("Choose a status to go with the analysis.")
                )
        return cleaned

    def entries(self) -> list[FollowupEntry]:
        """The rows that differ from what was stored, as the service saves them."""
        changed = []
        for assignment in self.assignments:
            status = self.cleaned_data.get(f"astatus-{assignment.pk}")
            analysis = (self.cleaned_data.get(f"aanalysis-{assignment.pk}") or "").strip()
            if not status or (
                status == assignment.followup_status
                and analysis == (assignment.followup_analysis or "")
            ):
                continue
            changed.append(
                FollowupEntry(
                    assignment=assignment,
                    status=status,
                    analysis=analysis,
                    version=self.cleaned_data.get(f"aversion-{assignment.pk}") or 0,
                )
            )
        return changed
