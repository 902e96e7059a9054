"""Free text as the application stores it: no control characters but tab,
newline and carriage return.

A control character in a title breaks every file it goes into (Excel and Word
files are XML, which cannot hold most of them) and is invisible on screen. One
is pasted without anyone meaning to: Word puts U+000B for a line break
(Shift+Enter) and U+000C for a page break. Those two become a newline; every
other control character (C0 but tab, newline and carriage return; DEL; C1) is
refused with a message saying which.

The model fields below carry the rule, so every form made from a model, the
admin, and everything that calls `full_clean()` (the services, the importers)
applies it; forms that are not made from a model use `PlainTextFormField`.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Word's line and page breaks, when pasted.
WORD_BREAKS = re.compile("[\x0b\x0c]")
# C0 but tab (09), newline (0A) and carriage return (0D); DEL; C1.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalise_breaks(text: str) -> str:
    return WORD_BREAKS.sub("\n", text)


def validate_plain_text(value: str) -> None:
    found = CONTROL_CHARACTERS.search(value or "")
    if found:
        raise ValidationError(
            _(
                "The text contains an invisible control character (U+%(code)s), which cannot "
                "be saved. Remove it, for example by typing the text again or pasting it "
                "as plain text."
            ),
            code="control_character",
            params={"code": f"{ord(found.group()):04X}"},
        )


class PlainTextFormField(forms.CharField):
    """A form's free-text field: Word's breaks as newlines, other control characters refused."""

    default_validators = [validate_plain_text]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_breaks(value) if isinstance(value, str) else value


class _PlainText:
    default_validators = [validate_plain_text]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_breaks(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PlainTextFormField, **kwargs})


class PlainCharField(_PlainText, models.CharField):
    """A CharField whose text holds no control characters (see the module)."""


class PlainTextField(_PlainText, models.TextField):
    """A TextField whose text holds no control characters (see the module)."""
