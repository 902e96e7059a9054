"""Form widgets and markup written in Python: the entry page and the röd tråd's
filters render thousands of fields, and Django's widget templates would cost a
template render each."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext


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


def saved_by(user) -> str:
    return user.get_full_name() or user.get_username()


def last_saved(assessment) -> str:
    return gettext("Last saved by %(who)s, %(when)s.") % {
        "who": saved_by(assessment.updated_by),
        "when": localize(template_localtime(assessment.updated_at)),
    }


def conflict_box(other) -> str:
    """What someone else saved meanwhile, beside the user's own text."""
    if other is None:
        said = escape(gettext("deleted"))
    else:
        said = escape(other.get_status_display())
        if other.updated_by_id:
            said += f" ({escape(saved_by(other.updated_by))})"
    analysis = (
        f"<p>{linebreaksbr(other.analysis, autoescape=True)}</p>"
        if other is not None and other.analysis
        else ""
    )
    return (
        f'<div class="conflict-box" role="note"><p><strong>'
        f"{escape(gettext('Saved by someone else meanwhile:'))}</strong> {said}</p>{analysis}</div>"
    )
