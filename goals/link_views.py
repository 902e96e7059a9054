"""The page that edits what a committee goal or an activity also supports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from goals import links, permissions
from goals.linkforms import LinkForm, link_candidates
from goals.views import _node_changing, _node_for_edit


@_node_changing
def node_links(request: HttpRequest, pk: int) -> HttpResponse:
    """The goals the node also supports, each with a remove button, and a form
    to add one: plain form posts, each redirecting back here."""
    node = _node_for_edit(request, pk, allowed=permissions.can_edit_links)
    supported = links.supported_goals(node)
    candidates = link_candidates(node, {goal.id for goal in supported})
    form = LinkForm(request.POST or None, candidates=candidates, initial={"action": "add"})
    if request.method == "POST" and form.is_valid():
        target_id = form.cleaned_data["target"]
        try:
            if form.cleaned_data["action"] == "remove":
                removed = links.link_remove(source=node, target_id=target_id)
                message = _("The link was removed.") if removed else _("There was no such link.")
            else:
                links.link_add(source=node, target_id=target_id)
                message = _("The link was added.")
        except ValidationError as error:
            form.add_error("target", error)
        else:
            messages.success(request, message)
            return redirect("goals:node_links", pk=node.pk)
    return render(
        request,
        "goals/node_links.html",
        {"node": node, "supported": supported, "form": form, "has_candidates": bool(candidates)},
    )
