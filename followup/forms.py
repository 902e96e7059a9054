from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from followup.geh import COMPUTED_LINES, ENTERED_LINES, BalanceEntry, DeficitEntry
from followup.indicators import KEEP, format_value
from followup.kolada import KoladaError
from followup.koladafiles import MAX_ZIP_BYTES as ZIP_LIMIT
from followup.koladafiles import Budget, pages_of
from followup.models import (
    STATUS_ORDER,
    GehVerdict,
    GoalStatus,
    Indicator,
    IndicatorDirection,
    Period,
    PeriodKind,
    status_choices_for,
    status_label,
)
from followup.outcomeimport import MAX_BYTES as OUTCOME_FILE_LIMIT
from followup.redthread import RedThreadFilter, node_url_parts
from followup.search import MAX_QUERY_LENGTH
from followup.services import Entry
from goals import fields as id_fields
from goals import rules
from goals.forms import ReasonForm
from goals.models import Committee, GehRole, Node, NodeKind, PlanYear
from goals.text import PlainTextFormField


class QuickSelect(forms.Select):
    """A single-choice select written out in Python rather than through the
    widget templates, which cost a template render per option: on the röd
    tråd's filters about a millisecond and a half a page. Same HTML, same
    attributes (the bound field's aria-invalid and aria-describedby included)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        selected = set(self.format_value(value))
        options = mark_safe(  # every value and label escaped here
            "".join(
                [
                    f'<option value="{escape(str(choice))}"'
                    f"{' selected' if str(choice) in selected else ''}>"
                    f"{escape(str(label))}</option>"
                    for choice, label in self.choices
                ]
            )
        )
        final_attrs = _attributes(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final_attrs, options)


class QuickTextarea(forms.Textarea):
    """A textarea written out in Python, as django/forms/widgets/textarea.html would."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        value = self.format_value(value)
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            value or "",
        )


class QuickHiddenInput(forms.HiddenInput):
    """A hidden input written out in Python, as django/forms/widgets/input.html would."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        value = self.format_value(value)
        return format_html(
            '<input type="hidden" name="{}"{}{}>',
            name,
            format_html(' value="{}"', value) if value is not None else "",
            _attributes(self.build_attrs(self.attrs, attrs)),
        )


def _attributes(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html: in order, True as a bare name, False left out."""
    return mark_safe(  # every name and value escaped here
        "".join(
            [
                f" {escape(key)}" if value is True else f' {escape(key)}="{escape(value)}"'
                for key, value in attrs.items()
                if value is not False
            ]
        )
    )


def field_group(bound: forms.BoundField) -> SafeString:
    """The label, the errors and the widget of a field without help text, as
    `BoundField.as_field_group()` gives them but without its three template
    renders: the follow-up entry has two such fields a row, over a thousand
    rows for a big committee."""
    suffix = bound.field.label_suffix
    if suffix is None:
        suffix = bound.form.label_suffix
    label = str(bound.label)
    if suffix and label and label[-1] not in ":?.!":
        label += str(suffix)
    errors = bound.errors
    return mark_safe(  # the label escaped here; errors and widget render escaped
        f'<label for="{escape(bound.id_for_label)}">{escape(label)}</label>'
        f"{errors if errors else ''}{bound}"
    )


def _who(user) -> str:
    return user.get_full_name() or user.get_username()


def _last_saved(assessment) -> str:
    return gettext("Last saved by %(who)s, %(when)s.") % {
        "who": _who(assessment.updated_by),
        "when": localize(template_localtime(assessment.updated_at)),
    }


def _conflict_box(other) -> str:
    """What someone else saved meanwhile, beside the user's own text."""
    if other is None:
        said = escape(gettext("deleted"))
    else:
        said = escape(other.get_status_display())
        if other.updated_by_id:
            said += f" ({escape(_who(other.updated_by))})"
    analysis = (
        f"<p>{linebreaksbr(other.analysis, autoescape=True)}</p>"
        if other is not None and other.analysis
        else ""
    )
    return (
        f'<div class="conflict-box" role="note"><p><strong>'
        f"{escape(gettext('Saved by someone else meanwhile:'))}</strong> {said}</p>{analysis}</div>"
    )


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

    def __init__(self, data, *, periods: list[Period], committees: list[Committee]) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        self.periods = {period.pk: period for period in periods}
        self.fields["period"].choices = [(p.pk, p.display_title) for p in periods]
        self.fields["committee"].choices = everything + [(c.pk, c.name) for c in committees]
        self.fields["perspective"].choices = everything
        self.fields["status"].choices = everything + [(s, status_label(s)) for s in STATUS_ORDER]

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
        return RedThreadFilter(
            committee_id=cleaned.get("committee") or None,
            status=cleaned.get("status") or None,
            perspective_id=cleaned.get("perspective") or None,
        )


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
                row.append(_conflict_box(conflicts[node.pk]))
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
                row.append(f'<p class="meta">{escape(_last_saved(assessment))}</p>')
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


# --- indicators (nyckeltal) ----------------------------------------------------


class DecimalInput(forms.DecimalField):
    """A number as people type it: a decimal comma or point, spaces between thousands."""

    widget = forms.TextInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u2212", "-").replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_value(value)
        return value


class IndicatorForm(forms.ModelForm):
    baseline = DecimalInput(label=_("Baseline"), required=False)
    target = DecimalInput(label=_("Target"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "definition",
            "baseline",
            "target",
            "direction",
            "kolada_kpi",
            "kolada_ou",
            "order",
        ]
        labels = {
            "name": _("Name"),
            "unit": _("Unit"),
            "definition": _("Definition"),
            "direction": _("Direction"),
            "kolada_kpi": _("Kolada KPI id"),
            "kolada_ou": _("Kolada unit id"),
            "order": _("Order"),
        }
        widgets = {"definition": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "unit": _("For example %, kr or number of days."),
            "definition": _("What is measured and how; filled in from Kolada's definition."),
            "direction": _("Whether a higher or a lower outcome is better."),
            "kolada_kpi": _("Optional; for example N15428."),
            "kolada_ou": _(
                "Optional: an organisational unit in Kolada, such as a school, whose value "
                "becomes the outcome instead of the municipality's; for example V15E228200101."
            ),
            "order": _("Indicators are listed by this number, smallest first."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].widget = forms.RadioSelect(choices=IndicatorDirection.choices)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("Write the indicator's name."))
        return name

    def clean_kolada_kpi(self) -> str:
        kpi = (self.cleaned_data.get("kolada_kpi") or "").strip().upper()
        if kpi and not re.fullmatch(r"[A-Z]\d{5}", kpi):
            raise forms.ValidationError(
                _("A Kolada KPI id is a letter and five digits, for example N15428.")
            )
        return kpi

    def clean_kolada_ou(self) -> str:
        unit = (self.cleaned_data.get("kolada_ou") or "").strip().upper()
        if unit and not re.fullmatch(r"[A-Z0-9]{4,30}", unit):
            raise forms.ValidationError(
                _("A Kolada unit id is letters and digits, for example V15E228200101.")
            )
        if unit and not (self.cleaned_data.get("kolada_kpi") or self.data.get("kolada_kpi")):
            raise forms.ValidationError(_("A unit is taken only with a Kolada KPI id."))
        return unit

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class OutcomeForm(forms.Form):
    value = DecimalInput(label=_("Outcome"))
    forecast = DecimalInput(
        label=_("Forecast for the full year"),
        required=False,
        help_text=_("Optional; the value expected at the end of the year."),
    )
    source = PlainTextFormField(
        label=_("Source"),
        required=False,
        max_length=40,
        help_text=_("Optional; for example Kolada or the payroll system."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, with_forecast: bool = False, **kwargs) -> None:
        # The forecast belongs to an interim period only.
        super().__init__(*args, **kwargs)
        if not with_forecast:
            del self.fields["forecast"]

    def forecast_to_save(self):
        """The forecast for `indicators.outcome_save`: KEEP when the form has none."""
        if "forecast" not in self.fields:
            return KEEP
        return self.cleaned_data.get("forecast")


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleaned to a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            return [super().clean(None, initial)]  # raises "required"
        return [super(MultipleFileField, self).clean(each, initial) for each in files]


class OutcomeFileForm(forms.Form):
    """A CSV or Excel file of indicator outcomes (followup/outcomeimport.py)."""

    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "Columns nyckeltal_id, period_id and värde, and optionally kommentar, as in "
            "the template. At most 2 MB."
        ),
        error_messages={
            "required": _("Choose a file to import."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > OUTCOME_FILE_LIMIT:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": OUTCOME_FILE_LIMIT // (1024 * 1024)}
            )
        return upload


class KpiSearchForm(forms.Form):
    """Words to find in Kolada's KPI list, from the query string."""

    sok = forms.CharField(
        label=_("Search Kolada's key figures"),
        min_length=2,
        max_length=100,
        help_text=_("Words in Swedish, for example förvärvsarbetande or behörighet."),
    )

    def words(self) -> str:
        return self.cleaned_data["sok"] if self.is_bound and self.is_valid() else ""


class KoladaUploadForm(forms.Form):
    """Saved Kolada answers to import, several at once or zipped; cleaning reads
    and decodes every page (`koladafiles.pages_of`)."""

    file = MultipleFileField(
        label=_("Kolada files (JSON or zip)"),
        help_text=_(
            "Answers from Kolada's API v3 saved as files: data, the KPI list or the "
            "municipality lists, several at once or in a zip, at most %(limit)s MB each. "
            "Only values for the municipality %(municipality)s and its comparison set are "
            "imported."
        ),
        error_messages={
            "required": _("Choose a file to import."),
            "empty": _("The file is empty."),
        },
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file: show what would be imported, and import nothing"),
        required=False,
    )

    # Files sent in one upload, at most.
    MAX_FILES = 50

    def __init__(self, *args, municipality: str, max_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "limit": max_bytes // (1024 * 1024),
            "municipality": municipality,
        }

    def clean_file(self):
        uploads = self.cleaned_data["file"]
        if len(uploads) > self.MAX_FILES:
            raise forms.ValidationError(
                _("At most %(limit)s files can be imported at once.") % {"limit": self.MAX_FILES}
            )
        pages, errors, budget = [], [], Budget()
        for upload in uploads:
            limit = ZIP_LIMIT if upload.name.lower().endswith(".zip") else self.max_bytes
            if upload.size > limit:
                errors.append(
                    _("The file is %(size)s MB; at most %(limit)s MB can be imported.")
                    % {
                        "size": f"{upload.size / (1024 * 1024):.1f}",
                        "limit": limit // (1024 * 1024),
                    }
                )
                continue
            try:
                pages += pages_of(upload.name, upload.read(limit + 1), budget)
            except KoladaError as error:
                errors += error.messages
        if errors:
            raise forms.ValidationError(errors)
        self.cleaned_data["pages"] = pages
        return uploads


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


# --- god ekonomisk hushållning -------------------------------------------------


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
