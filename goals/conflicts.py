"""Stale edits: someone else saved the same thing after the form was opened."""

from __future__ import annotations

from django import forms


def keep_input(form: forms.Form, **versions: int) -> None:
    """Keep what the user wrote, with the versions now stored in the named fields,
    so that saving again knowingly replaces the other change."""
    form.data = form.data.copy()
    for name, version in versions.items():
        form.data[name] = version
