"""The form that adds or removes a goal a node also supports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from goals.fields import MAX_ID
from goals.models import Node, NodeKind
from goals.rules import LINK_TARGET_KIND


class LinkForm(forms.Form):
    """Which goal to link or unlink. Any id is taken here; whether the link may
    be made is the rule's to say (goals/rules.py `link_error`), in its words."""

    target = forms.IntegerField(
        label=_("Goal it also supports"), min_value=1, max_value=MAX_ID, widget=forms.Select
    )
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[("add", _("Add")), ("remove", _("Remove"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, candidates: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].widget.choices = candidates


def link_candidates(node: Node, linked_ids: set[int]) -> list[tuple[int, str]]:
    """(id, label) of the goals `node` may still also support: its year's goals
    of the level above it, for an activity its own committee's, not its parent
    nor those already linked. One query."""
    goals = (
        Node.objects.for_year(node.plan_year_id)
        .filter(kind=LINK_TARGET_KIND[node.kind])
        .exclude(pk__in=[node.parent_id, *linked_ids])
        .in_tree_order()
    )
    if node.kind == NodeKind.ACTIVITY:
        goals = goals.filter(committee_id=node.committee_id)
    return list(goals.values_list("pk", "title"))
