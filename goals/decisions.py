"""The fields of a recorded decision, shared by what a council or committee adopts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from goals.text import PlainCharField


class DecisionFields(models.Model):
    """The decision that adopted or approved something: when, under which
    paragraph (§) of the minutes, its registration number (diarienummer) and,
    where the minutes are online, a link to them."""

    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    paragraph = PlainCharField(_("paragraph (§)"), max_length=20, blank=True)
    registration_number = PlainCharField(_("registration number"), max_length=60, blank=True)
    minutes_url = models.URLField(_("link to the minutes"), blank=True)

    class Meta:
        abstract = True

    @property
    def decision_summary(self) -> str:
        """“2025-11-24 § 112, dnr KS 2025/301”: the decision as minutes cite it."""
        parts = [self.decided_on.isoformat()] if self.decided_on else []
        if self.paragraph:
            parts.append(f"§ {self.paragraph.lstrip('§ ')}")
        text = " ".join(parts)
        if self.registration_number:
            text = f"{text}, dnr {self.registration_number}" if text else self.registration_number
        return text
