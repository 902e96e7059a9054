"""The follow-up's forms: the röd tråd's filters, plan years and periods, the
assessment entry, the choice of period and the search."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from followup.formwidgets import (
    QuickHiddenInput,
    QuickSelect,
    QuickTextarea,
    conflict_box,
    field_group,
    last_saved,
)
from followup.models import (
    STATUS_ORDER,
    GoalStatus,
    Period,
    PeriodKind,
    status_choices_for,
    status_label,
)
from followup.nodemarkup import node_url_parts
from followup.redthread import (
    ALL_LEVELS,
    DEFAULT_DEPTH,
    RedThreadFilter,
)
from followup.search import MAX_QUERY_LENGTH
from followup.services import Entry
from goals import fields as id_fields
from goals import rules
from goals.agendamodels import GLOBAL_GOAL_CHOICES
from goals.forms import ReasonForm
from goals.models import KIND_ORDER, Committee, Node, NodeKind, PlanYear
from goals.text import PlainTextFormField


class RedThreadFilterForm(forms.Form):
    """The röd tråd's period and filters, from the query string.

    Choices come from what the page has already loaded, so the form costs no
    queries of its own.
    """

    period = forms.TypedChoiceField(
        label=_("Period"), coerce=int, required=False, widget=QuickSelect
    )
    committee = forms.TypedChoiceField(
        label=_("Committee"), coerce=int, required=False, widget=QuickSelect
    )
    perspective = forms.TypedChoiceField(
        label=_("Perspective"), coerce=int, required=False, widget=QuickSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    # An Agenda 2030 global goal: chosen here, or by the links of its page
    # (followup:global_goal). The seventeen are constants: no query.
    global_goal = forms.TypedChoiceField(
        label=_("Global goal"), coerce=int, required=False, widget=QuickSelect
    )
    # What is shown of the tree; set by the page's links, so hidden from the form.
    level = forms.ChoiceField(
        required=False,
        choices=[(kind, kind) for kind in KIND_ORDER[1 : ALL_LEVELS + 1]],
        widget=forms.HiddenInput,
    )
    analyses = forms.BooleanField(label=_("Show the analyses"), required=False)

    def __init__(self, data, *, periods: list[Period], committees: list[Committee]) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        self.periods = {period.pk: period for period in periods}
        self.fields["period"].choices = [(p.pk, p.display_title) for p in periods]
        self.fields["committee"].choices = everything + [(c.pk, c.name) for c in committees]
        self.fields["perspective"].choices = everything
        self.fields["status"].choices = everything + [(s, status_label(s)) for s in STATUS_ORDER]
        self.fields["global_goal"].choices = everything + GLOBAL_GOAL_CHOICES

    def period_choice(self, default_period: Period | None) -> Period | None:
        """The chosen period, or the default when none or an invalid one is asked for.

        Read before the rest of the form: the tree, and so the perspectives to
        choose from, is loaded for the chosen period.
        """
        field = self.fields["period"]
        try:
            chosen = field.clean(field.widget.value_from_datadict(self.data, {}, "period"))
        except ValidationError:
            return default_period
        return self.periods.get(chosen or 0, default_period)

    def filters(self, *, perspectives: list[tuple[int, str]]) -> RedThreadFilter:
        """The filters, with the year's perspectives to choose from; an invalid
        value is ignored, its error kept for the page."""
        self.fields["perspective"].choices = [("", _("All")), *perspectives]
        if self.is_bound:
            self.is_valid()  # keeps the valid fields in cleaned_data, errors for the rest
        cleaned = getattr(self, "cleaned_data", {})
        level = cleaned.get("level")
        return RedThreadFilter(
            committee_id=cleaned.get("committee") or None,
            status=cleaned.get("status") or None,
            perspective_id=cleaned.get("perspective") or None,
            depth=KIND_ORDER.index(level) if level else DEFAULT_DEPTH,
            open_ids=self._open_ids(),
            analyses=bool(cleaned.get("analyses")),
            period_id=cleaned.get("period") or None,
            global_goal=cleaned.get("global_goal") or None,
        )

    def _open_ids(self) -> frozenset[int]:
        """The opened branches' node ids; anything that is not one is left out.
        At most a thousand: each is a link a person followed."""
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return frozenset()
        values = self.data.getlist("open")[:1000]
        return frozenset(int(value) for value in values if value.isdigit() and len(value) < 12)


class PlanYearStartForm(forms.Form):
    source = id_fields.ModelChoiceField(
        label=_("Copy the goals of"),
        queryset=PlanYear.objects.all(),
        required=False,
        empty_label=_("Nothing: start an empty year"),
    )
    year = forms.IntegerField(
        label=_("New plan year"),
        min_value=rules.FIRST_PLAN_YEAR,
        max_value=rules.LAST_PLAN_YEAR,
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if PlanYear.objects.filter(year=year).exists():
            raise forms.ValidationError(
                _("The plan year %(year)s already exists.") % {"year": year}
            )
        return year


class PeriodForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Period
        fields = ["kind", "title", "cutoff_date", "deadline"]
        widgets = {
            "cutoff_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"title": _("Optional; by default the kind and the year.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django's own blank choice, "- Select an option -", has no Swedish translation.
        self.fields["kind"].choices = [("", _("– choose –")), *PeriodKind.choices]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class AssessmentEntryForm(forms.Form):
    """Status and analysis for each node the user may assess in a period.

    Fields are named after the node: `status-<id>`, `analysis-<id>` and the
    hidden `version-<id>` that carries the assessment's version when the page
    was opened (0 when there was none).
    """

    def __init__(
        self, data=None, *, nodes, assessments, disabled: bool = False, forecasts: bool = False
    ) -> None:
        super().__init__(data)
        self.nodes = nodes
        self.assessments = assessments
        # An interim period's goals also get a forecast for the full year
        # (`forecast-<id>`).
        self.forecasts = forecasts
        forecast_choices = [("", str(_("– none –"))), *GoalStatus.choices]
        # Each kind's choices translated once, not once per row.
        choices_by_kind: dict[str, list[tuple[str, str]]] = {}
        for node in nodes:
            current = assessments.get(node.pk)
            choices = choices_by_kind.get(node.kind)
            if choices is None:
                choices = choices_by_kind[node.kind] = [
                    ("", str(_("– choose –"))),
                    *((value, str(label)) for value, label in status_choices_for(node.kind)),
                ]
            self.fields[f"status-{node.pk}"] = forms.ChoiceField(
                label=_("Status"),
                choices=choices,
                required=False,
                widget=QuickSelect,
                initial=current.status if current else "",
                disabled=disabled,
            )
            self.fields[f"analysis-{node.pk}"] = PlainTextFormField(
                label=_("Analysis"),
                required=False,
                max_length=20000,
                widget=QuickTextarea(attrs={"rows": 3}),
                initial=current.analysis if current else "",
                disabled=disabled,
            )
            if forecasts and node.is_goal:
                self.fields[f"forecast-{node.pk}"] = forms.ChoiceField(
                    label=_("Forecast for the full year"),
                    choices=forecast_choices,
                    required=False,
                    widget=QuickSelect,
                    initial=current.forecast_status if current else "",
                    disabled=disabled,
                )
            self.fields[f"version-{node.pk}"] = forms.IntegerField(
                widget=QuickHiddenInput,
                initial=current.version if current else 0,
                min_value=0,
                required=False,
                disabled=disabled,
            )

    def rows_html(self, conflicts: dict) -> SafeString:
        """Every row's fieldset, written with `str.join` like the röd tråd: a big
        committee has over a thousand rows, and a template loop over them took
        a quarter of a second. `conflicts` maps a node id to the assessment
        someone else saved meanwhile (None if they deleted it)."""
        url_start, url_end = node_url_parts()
        kinds = {kind: escape(label) for kind, label in NodeKind.choices}
        under = gettext("Under: %(parent)s")
        open_label = escape(_("Open"))
        suggestion_prefix = escape(_("Suggestion from what lies under it:"))
        parts = []
        for node in self.nodes:
            title = escape(node.title)
            committee = f" · {escape(node.committee.label)}" if node.committee_id else ""
            row = [
                f'<fieldset class="entry{" entry--conflict" if node.pk in conflicts else ""}">'
                f'<legend><span class="kind">{kinds[node.kind]}{committee}</span> '
                f'<span class="entry-title">{title}</span></legend>'
            ]
            if node.parent_id:
                row.append(
                    f'<p class="context">{escape(under % {"parent": node.parent.title})} · '
                    f'<a href="{url_start}{node.pk}{url_end}">{open_label}'
                    f'<span class="visually-hidden"> {title}</span></a></p>'
                )
            if node.pk in conflicts:
                row.append(conflict_box(conflicts[node.pk]))
            suggestion = getattr(node, "suggestion", None)
            if suggestion:
                row.append(
                    f'<p class="suggestion">{suggestion_prefix} <span class="badge '
                    f'badge--{escape(suggestion.status)}">{escape(suggestion.label)}</span></p>'
                )
            forecast = (
                field_group(self[f"forecast-{node.pk}"])
                if f"forecast-{node.pk}" in self.fields
                else ""
            )
            row.append(
                f'<div class="entry-fields">{field_group(self[f"status-{node.pk}"])}{forecast}'
                f"{field_group(self[f'analysis-{node.pk}'])}{self[f'version-{node.pk}']}</div>"
            )
            assessment = self.assessments.get(node.pk)
            if assessment and assessment.updated_by_id:
                row.append(f'<p class="meta">{escape(last_saved(assessment))}</p>')
            row.append("</fieldset>")
            parts.append("".join(row))
        return mark_safe("".join(parts))  # every text in it is escaped above

    def clean(self):
        cleaned = super().clean()
        for node in self.nodes:
            status = cleaned.get(f"status-{node.pk}")
            analysis = (cleaned.get(f"analysis-{node.pk}") or "").strip()
            if not status and analysis:
                self.add_error(f"status-{node.pk}", _("Choose a status to go with the analysis."))
            if not status and cleaned.get(f"forecast-{node.pk}"):
                self.add_error(f"status-{node.pk}", _("Choose a status to go with the forecast."))
        return cleaned

    def changed_entries(self) -> list[tuple[Node, str, str, int]]:
        """(node, status, analysis, version) of the rows that differ from what was stored."""
        changed = []
        for node in self.nodes:
            status = self.cleaned_data.get(f"status-{node.pk}")
            analysis = (self.cleaned_data.get(f"analysis-{node.pk}") or "").strip()
            version = self.cleaned_data.get(f"version-{node.pk}") or 0
            current = self.assessments.get(node.pk)
            if not status:
                continue
            if (
                current
                and current.status == status
                and current.analysis == analysis
                and current.forecast_status == self._forecast(node, current)
            ):
                continue
            changed.append((node, status, analysis, version))
        return changed

    def _forecast(self, node: Node, current=None) -> str:
        """The forecast the row asks for; the stored one where the row has no field."""
        name = f"forecast-{node.pk}"
        if name in self.fields:
            return self.cleaned_data.get(name) or ""
        return current.forecast_status if current else ""

    def entries(self) -> list[Entry]:
        """The changed rows as the service saves them, forecasts included."""
        return [
            Entry(
                node=node,
                status=status,
                analysis=analysis,
                version=version,
                forecast_status=(
                    self._forecast(node) if f"forecast-{node.pk}" in self.fields else None
                ),
            )
            for node, status, analysis, version in self.changed_entries()
        ]


class PeriodChoiceForm(forms.Form):
    """The period a page shows, from the query string; choices are the periods the
    page has already loaded, so the form costs no query."""

    period = forms.TypedChoiceField(
        label=_("Period"), coerce=int, required=False, widget=QuickSelect
    )

    def __init__(self, data, *, periods: list[Period]) -> None:
        super().__init__(data)
        self.periods = {period.pk: period for period in periods}
        self.fields["period"].choices = [(p.pk, p.display_title) for p in periods]

    def selection(self, default: Period | None) -> Period | None:
        """The chosen period; an unknown or hidden one falls back to the default."""
        if self.is_bound and self.is_valid():
            return self.periods.get(self.cleaned_data.get("period") or 0, default)
        return default


class SearchForm(forms.Form):
    """The search box: words to find, and the plan year to find them in (by default the latest)."""

    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput,
        error_messages={
            "required": _("Write one or more words to search for."),
            "max_length": _(
                "The search is too long: at most %(limit_value)d characters, "
                "and it has %(show_value)d."
            ),
        },
    )
    ar = forms.TypedChoiceField(
        label=_("Plan year"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("There is no plan year %(value)s.")},
    )

    def __init__(self, data, *, years: list[int]) -> None:
        super().__init__(data)
        self.fields["ar"].choices = [(year, str(year)) for year in years]


# --- the year's states ---------------------------------------------------------------


class PeriodReopenForm(ReasonForm):
    deadline = forms.DateField(
        label=_("New deadline"),
        help_text=_("As 2026-11-24."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"autocomplete": "off"}),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Give a new deadline."),
            "invalid": _("Write the date as 2026-11-24."),
        },
    )
