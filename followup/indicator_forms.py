"""The forms of a goal's nyckeltal: the nyckeltal itself, its outcomes, and the
files and Kolada pages they are imported from."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.indicatormodels import Indicator, IndicatorDirection
from followup.indicators import KEEP, format_value
from followup.kolada import KoladaError
from followup.koladafiles import MAX_ZIP_BYTES as ZIP_LIMIT
from followup.koladafiles import Budget, pages_of
from followup.outcomeimport import MAX_BYTES as OUTCOME_FILE_LIMIT
from goals.text import PlainTextFormField


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
            "order": _("Place in the list"),
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
