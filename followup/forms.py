from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.models import Period
from followup.redthread import STATUS_ORDER, RedThreadFilter, status_label
from goals.models import Committee


class RedThreadFilterForm(forms.Form):
    """The röd tråd's period and filters, from the query string.

    Choices come from what the page has already loaded, so the form costs no
    queries of its own.
    """

    period = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)
    committee = forms.TypedChoiceField(label=_("Committee"), coerce=int, required=False)
    perspective = forms.TypedChoiceField(label=_("Perspective"), coerce=int, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(
        self,
        data,
        *,
        periods: list[Period],
        committees: list[Committee],
        perspectives: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        everything = [("", _("All"))]
        self.periods = {period.pk: period for period in periods}
        self.fields["period"].choices = [(p.pk, p.display_title) for p in periods]
        self.fields["committee"].choices = everything + [(c.pk, c.name) for c in committees]
        self.fields["perspective"].choices = everything + perspectives
        self.fields["status"].choices = everything + [(s, status_label(s)) for s in STATUS_ORDER]

    def selection(self, default_period: Period | None) -> tuple[Period | None, RedThreadFilter]:
        """The chosen period and filters; an invalid value falls back to the default."""
        if self.is_bound:
            self.is_valid()  # keeps the valid fields in cleaned_data, errors for the rest
        cleaned = getattr(self, "cleaned_data", {})
        period = self.periods.get(cleaned.get("period") or 0, default_period)
        return period, RedThreadFilter(
            committee_id=cleaned.get("committee") or None,
            status=cleaned.get("status") or None,
            perspective_id=cleaned.get("perspective") or None,
        )
