"""Editing the goal tree, committees and users in the browser.

Each view: fetch with a permission check (anonymous → login, others → 403),
a form, a service call that locks the year's tree, then a redirect.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals import conflicts, directory, links, permissions, services
from goals.forms import (
    CommitteeForm,
    MoveForm,
    NodeForm,
    UserForm,
    VersionForm,
    WelcomeForm,
    move_targets,
)
from goals.models import COMMITTEE_KINDS, Committee, Node, NodeKind, PlanYear, kind_label
from goals.rules import NEW_KIND_TITLES
from goals.services import StaleEditError
from goals.year_views import plan_context


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class _Gone(Exception):
    """The node looked up is not there (any more)."""


def _node_for_edit(request: HttpRequest, pk: int, allowed=permissions.can_edit_node) -> Node:
    """The node if `allowed` lets the user change it. Raises otherwise: the login
    page for an anonymous visitor, _Gone (the gone page), or 403."""
    node = Node.objects.select_related("plan_year", "committee", "parent").filter(pk=pk).first()
    if node is None:
        if not request.user.is_authenticated:
            permissions.refuse(request)
        raise _Gone
    if not allowed(request.user, node):
        permissions.refuse(request)
    return node


def _node_changing(view):
    """A view that changes a node: its lookup's refusals become responses."""

    @permissions.redirects_anonymous
    @wraps(view)
    def answered(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Gone:
            return _gone(request)

    return answered


def _gone(request: HttpRequest) -> HttpResponse:
    """The node was deleted, perhaps while this user had it open: say so, keep their text."""
    if not request.user.is_authenticated:
        return permissions.deny(request)
    return render(
        request,
        "goals/node_gone.html",
        {
            "title": request.POST.get("title", ""),
            "description": request.POST.get("description", ""),
        },
        status=404,
    )


def _plan_url(node: Node) -> str:
    if node.kind in COMMITTEE_KINDS and node.committee_id:
        return node.committee.plan_url(node.plan_year.year)
    return node.get_absolute_url()


def _back_to_plan(request: HttpRequest, node: Node, message: str) -> HttpResponse:
    """After a node was saved: say so, and go back where the form was opened
    from, or else to the node in its plan."""
    messages.success(request, message)
    return redirect(_next_url(request, _plan_url(node)))


def _node_form_page(
    request: HttpRequest, form: NodeForm, label: str, *, status: int = 200, **context
) -> HttpResponse:
    """The form to add or change a node, keeping where it was opened from."""
    return render(
        request,
        "goals/node_form.html",
        {"form": form, "kind_label": label, "next": _next_url(request, ""), **context},
        status=status,
    )


def node_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the next kind of node under `pk`: the form, and its POST."""
    parent = Node.objects.select_related("plan_year", "committee").filter(pk=pk).first()
    if parent is None:
        return _gone(request)
    kind = parent.child_kind
    if kind is None:
        return permissions.deny(request)
    allowed = permissions.committees_for_new_goals(request.user)
    committees = Committee.objects.active()
    if kind == NodeKind.COMMITTEE_GOAL and allowed is not None:
        committees = committees.filter(pk__in=allowed)
    if not permissions.can_add_child(request.user, parent):
        return permissions.deny(request)

    form = NodeForm(request.POST or None, kind=kind, committees=committees)
    if request.method == "POST" and form.is_valid():
        committee = form.cleaned_data.get("committee")
        if kind == NodeKind.ACTIVITY:
            committee = parent.committee
        try:
            node = services.node_create(
                plan_year=parent.plan_year,
                parent=parent,
                kind=kind,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                committee=committee,
                **form.plan(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _back_to_plan(request, node, _("“%(title)s” was added.") % {"title": node.title})
    return _node_form_page(
        request, form, kind_label(kind), parent=parent, new_title=NEW_KIND_TITLES[kind]
    )


def vision_add(request: HttpRequest, year: int) -> HttpResponse:
    if not permissions.can_edit_kind(request.user, NodeKind.VISION, None):
        return permissions.deny(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    form = NodeForm(request.POST or None, kind=NodeKind.VISION)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_create(
                plan_year=plan_year,
                kind=NodeKind.VISION,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The vision was added."))
            return redirect("followup:red_thread", year=plan_year.year)
    return render(
        request,
        "goals/node_form.html",
        {
            "form": form,
            "plan_year": plan_year,
            "kind_label": kind_label(NodeKind.VISION),
            "new_title": NEW_KIND_TITLES[NodeKind.VISION],
        },
    )


@_node_changing
def node_edit(request: HttpRequest, pk: int) -> HttpResponse:
    node = _node_for_edit(request, pk)
    initial = {"title": node.title, "description": node.description, "version": node.version}
    initial |= {name: getattr(node, name) for name in services.ACTIVITY_PLAN_FIELDS}
    form = NodeForm(request.POST or None, initial=initial, kind=node.kind)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.node_update(
                node=node,
                expected_version=form.cleaned_data["version"] or 0,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                **form.plan(),
            )
        except StaleEditError as stale:
            conflict = stale.current
            conflicts.keep_input(form, version=conflict.version)
        except ValidationError as error:
            if not Node.objects.filter(pk=node.pk).exists():
                return _gone(request)
            form.add_error(None, error)
        else:
            return _back_to_plan(request, node, _("The changes were saved."))
    return _node_form_page(
        request,
        form,
        node.get_kind_display(),
        status=409 if conflict else 200,
        node=node,
        conflict=conflict,
    )


@_node_changing
def node_move(request: HttpRequest, pk: int) -> HttpResponse:
    node = _node_for_edit(request, pk, allowed=permissions.can_move_node)
    form = MoveForm(request.POST or None, node=node, parents=move_targets(node))
    if request.method == "POST" and form.is_valid():
        try:
            services.node_move(node=node, target=form.cleaned_data["parent"], position="last-child")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(title)s” was moved.") % {"title": node.title})
            return redirect(_next_url(request, node.get_absolute_url()))
    return render(
        request,
        "goals/node_move.html",
        {"form": form, "node": node, "next": _next_url(request, "")},
    )


@require_POST
@_node_changing
def node_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a node one step up or down among its siblings."""
    node = _node_for_edit(request, pk)
    direction = request.POST.get("direction")
    siblings = node.get_siblings()
    if node.kind in COMMITTEE_KINDS:
        # Other committees' goals under the same municipal goal are not this user's to pass.
        siblings = siblings.filter(committee_id=node.committee_id)
    if direction == "up":
        neighbour = siblings.filter(rght__lt=node.lft).order_by("-lft").first()
        position = "left"
    elif direction == "down":
        neighbour = siblings.filter(lft__gt=node.rght).order_by("lft").first()
        position = "right"
    else:
        messages.error(request, _("Choose whether to move it up or down."))
        return redirect(_next_url(request, node.get_absolute_url()))
    if neighbour is None:
        messages.info(request, _("“%(title)s” is already at the edge.") % {"title": node.title})
    else:
        try:
            services.node_move(node=node, target=neighbour, position=position)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The order was changed."))
    return redirect(_next_url(request, node.get_absolute_url()))


@_node_changing
def node_delete(request: HttpRequest, pk: int) -> HttpResponse:
    node = _node_for_edit(request, pk, allowed=permissions.can_delete_node)
    descendants = list(node.get_descendants().select_related("committee"))
    going_links = links.links_going_with(node)
    form = VersionForm(request.POST or None, initial={"version": node.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        parent_url = node.parent.get_absolute_url() if node.parent else "/"
        try:
            count = services.node_delete(node=node, expected_version=form.cleaned_data["version"])
        except StaleEditError:
            conflict = True
            node.refresh_from_db()
            form = VersionForm(initial={"version": node.version})
        except ValidationError:
            return _gone(request)
        else:
            messages.success(
                request,
                _("“%(title)s” and %(count)s underlying were deleted.")
                % {"title": node.title, "count": count - 1},
            )
            default = _plan_url(node) if node.kind in COMMITTEE_KINDS else parent_url
            return redirect(_next_url(request, default))
    return render(
        request,
        "goals/node_delete.html",
        {
            "form": form,
            "node": node,
            "descendants": descendants,
            "going_links": going_links,
            "conflict": conflict,
            "next": _next_url(request, ""),
        },
        status=409 if conflict else 200,
    )


def operational_plan(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    """A committee's verksamhetsplan: its goals and activities under the municipal goals."""
    if not permissions.can_read(request.user):
        return permissions.deny(request)
    plan_year = get_object_or_404(PlanYear, year=year)
    committee = get_object_or_404(Committee, slug=slug)
    rows = Node.objects.for_year(plan_year).in_tree_order().rows()
    shown = [
        row for row in rows if row.kind not in COMMITTEE_KINDS or row.committee_id == committee.pk
    ]
    can_edit = permissions.can_edit_kind(request.user, NodeKind.COMMITTEE_GOAL, committee.pk)
    plan = plan_context(request.user, plan_year, committee)
    # Mark the first and last child of each parent, for the reorder buttons.
    siblings: dict[int | None, list[int]] = {}
    for row in shown:
        siblings.setdefault(row.parent_id, []).append(row.id)
    edges = {
        row.id: (siblings[row.parent_id][0] == row.id, siblings[row.parent_id][-1] == row.id)
        for row in shown
    }
    return render(
        request,
        "goals/operational_plan.html",
        {
            "plan_year": plan_year,
            "committee": committee,
            "rows": [
                (row, *edges[row.id], plan["activity_plans"].get(row.id))
                for row in shown
                if row.kind != NodeKind.VISION
            ],
            "can_edit": can_edit,
            **plan,
            "here": request.get_full_path(),
        },
    )


# --- committees and users (officials) ----------------------------------------


@permissions.officials_only
def committee_list(request: HttpRequest) -> HttpResponse:
    committees = Committee.objects.prefetch_related(
        Prefetch("members", queryset=get_user_model().objects.order_by("username"))
    )
    return render(request, "goals/committee_list.html", {"committees": committees})


@permissions.officials_only
def committee_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    committee = get_object_or_404(Committee, pk=pk) if pk else None
    form = CommitteeForm(request.POST or None, instance=committee)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The committee “%(name)s” was saved.") % {"name": saved.name})
        return redirect("goals:committee_list")
    return render(request, "goals/committee_form.html", {"form": form, "committee": committee})


@permissions.officials_only
def user_list(request: HttpRequest) -> HttpResponse:
    users = get_user_model().objects.order_by("username").prefetch_related("groups", "committees")
    return render(request, "goals/user_list.html", {"users": users})


@permissions.officials_only
def user_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk) if pk else None
    if user is not None and not permissions.can_edit_user(request.user, user):
        return permissions.deny(request)
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        created = user is None
        saved = form.save()
        if created:
            # The new user chooses a password through the reset link.
            reset = WelcomeForm(saved)
            if reset.is_valid():
                reset.save(request=request, use_https=request.is_secure())
            messages.success(
                request,
                _("The user %(name)s was created and sent a link to choose a password.")
                % {"name": saved.username},
            )
        else:
            messages.success(request, _("The user %(name)s was saved.") % {"name": saved.username})
        return redirect("goals:user_list")
    return render(
        request,
        "goals/user_form.html",
        {
            "form": form,
            "edited_user": user,
            "directory_roles": directory.directory_roles_of(user),
            "directory_history": directory.directory_history_of(user),
        },
    )
