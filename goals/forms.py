from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.auth import demo_accounts
from goals import directory
from goals import fields as id_fields
from goals.models import PARENT_KIND, Committee, Node, NodeKind
from goals.permissions import Role
from goals.text import PlainTextFormField


class NodeForm(forms.Form):
    """Title and description of a node; the committee when a committee goal is created."""

    title = PlainTextFormField(label=_("Title"), max_length=300, strip=True)
    description = PlainTextFormField(
        label=_("Description"), required=False, max_length=20000, widget=forms.Textarea
    )
    committee = id_fields.ModelChoiceField(
        label=_("Committee"), queryset=Committee.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kind: str, committees=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == NodeKind.COMMITTEE_GOAL and committees is not None:
            self.fields["committee"].queryset = committees
            self.fields["committee"].required = True
            self.fields["committee"].empty_label = None
        else:
            del self.fields["committee"]
        if kind == NodeKind.ACTIVITY:
            self.fields.update(_activity_plan_fields())

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Write a title."))
        return title

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned

    def plan(self) -> dict:
        """An activity's plan fields as `goals.services` takes them; nothing for other kinds."""
        names = ("responsible", "start_date", "end_date", "cost_estimate")
        return {name: self.cleaned_data[name] for name in names if name in self.fields}


def _activity_plan_fields() -> dict[str, forms.Field]:
    return {
        "responsible": forms.CharField(
            label=_("Responsible"),
            max_length=200,
            required=False,
            help_text=_("A person's name or a role, for example “rektor”."),
        ),
        "start_date": forms.DateField(
            label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        ),
        "end_date": forms.DateField(
            label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        ),
        "cost_estimate": forms.DecimalField(
            label=_("Cost estimate (kr)"),
            required=False,
            min_value=0,
            max_digits=14,
            decimal_places=0,
        ),
    }


class MoveForm(forms.Form):
    parent = id_fields.ModelChoiceField(label=_("Move under"), queryset=Node.objects.none())

    def __init__(self, *args, node: Node, parents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.node = node
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda parent: parent.title


def move_targets(node: Node):
    """The nodes `node` may be moved under: same year, the right kind, and for an
    activity a goal of its own committee; never its current parent."""
    parents = (
        Node.objects.for_year(node.plan_year_id)
        .filter(kind=PARENT_KIND[node.kind])
        .exclude(pk=node.parent_id)
        .in_tree_order()
    )
    if node.kind == NodeKind.ACTIVITY:
        parents = parents.filter(committee_id=node.committee_id)
    return parents


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["name", "short_name", "slug", "order", "is_active", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}
        field_classes = {"members": id_fields.ModelMultipleChoiceField}
        labels = {
            "members": _("Secretaries"),
            "slug": _("Name in the web address"),
            "order": _("Place in the list"),
        }
        help_texts = {
            "slug": _(
                "The committee's operational plan is found at an address ending in this, "
                "for example bun. Small letters a–z, digits and hyphens."
            ),
            "order": _("Committees are listed by this number, smallest first."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.SECRETARY)
            .order_by("username")
        )
        self.fields["members"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )
        self.fields["members"].required = False

    def clean_members(self):
        members = set(self.cleaned_data["members"])
        current = set(self.instance.members.all()) if self.instance.pk else set()
        slug = self.instance.slug if self.instance.pk else self.data.get("slug", "")
        names = {slug: self.instance.label if self.instance.pk else slug}
        problems = []
        for user in current ^ members:
            key = (Role.SECRETARY, slug)
            problems += directory.hand_edit_problems(
                user=user,
                before={key} if user in current else set(),
                after={key} if user in members else set(),
                committee_names=names,
            )
        if problems:
            raise forms.ValidationError(problems)
        return self.cleaned_data["members"]


class LoginForm(AuthenticationForm):
    """Django's login form without autofocus: keyboard and screen-reader users
    start at the top of the page, with the skip link, as on every other page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)

    def clean(self):
        # The backend refuses a demo account while the demo is off; saying why
        # (only to someone who knows its password) beats "wrong password".
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password and not settings.DEMO:
            account = demo_accounts().filter(username=username).first()
            if account is not None and account.check_password(password):
                raise forms.ValidationError(
                    _("Demo accounts cannot log in: this site does not run as a demo."),
                    code="demo_account",
                )
        return super().clean()

    @property
    def refused_as_demo(self) -> bool:
        return self.has_error(forms.forms.NON_FIELD_ERRORS, "demo_account")


class WelcomeForm(PasswordResetForm):
    """Sends a new user the link to choose a first password.

    Django's reset form skips users without a usable password, which is
    exactly what a new user has; this one sends to the given user only.
    """

    def __init__(self, user) -> None:
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active else []


class UserForm(forms.ModelForm):
    """A user's details and roles. Roles from the municipality's directory
    (goals.directory) are shown but kept as they are: the role chosen here is
    the one given by hand, and a role only the directory hands out is refused."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    committees = id_fields.ModelMultipleChoiceField(
        label=_("Committees (for a secretary)"),
        queryset=Committee.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "is_active"]
        field_classes = {"first_name": PlainTextFormField, "last_name": PlainTextFormField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.from_directory = directory.directory_role_keys(self.instance)
        directory_roles = {role for role, _slug in self.from_directory}
        if directory_roles:
            # The directory's roles stand on their own; a role by hand is optional.
            self.fields["role"].required = False
            self.fields["role"].choices = [("", _("No other role")), *Role.choices]
        if self.instance.pk:
            role = next(
                (
                    g.name
                    for g in self.instance.groups.all()
                    if g.name in Role.values and g.name not in directory_roles
                ),
                "" if directory_roles else None,
            )
            self.initial.setdefault("role", role)
            self.initial.setdefault("committees", list(self.instance.committees.all()))

    def clean(self):
        cleaned = super().clean()
        role, committees = cleaned.get("role"), cleaned.get("committees")
        secretary = role == Role.SECRETARY or any(slug for _r, slug in self.from_directory)
        if role == Role.SECRETARY and not committees:
            self.add_error("committees", _("A secretary must belong to at least one committee."))
        if not secretary and committees:
            self.add_error("committees", _("Only secretaries belong to committees."))
        if role is not None and committees is not None:
            for problem in directory.hand_edit_problems(
                user=self.instance if self.instance.pk else None,
                before=self._role_keys_before(),
                after=self._role_keys(role, committees),
                committee_names={c.slug: c.label for c in Committee.objects.all()},
            ):
                self.add_error(None, problem)
        return cleaned

    def _role_keys_before(self) -> set:
        if not self.instance.pk:
            return set()
        groups = {g.name for g in self.instance.groups.all() if g.name in Role.values}
        keys = {(name, None) for name in groups - {Role.SECRETARY}}
        if Role.SECRETARY in groups:
            keys |= {(Role.SECRETARY, c.slug) for c in self.instance.committees.all()}
        return keys | set(self.from_directory)

    def _role_keys(self, role: str, committees) -> set:
        keys = {(name, None) for name, slug in self.from_directory if slug is None}
        if role and role != Role.SECRETARY:
            keys.add((role, None))
        return keys | {(Role.SECRETARY, c.slug) for c in committees}

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        if not user.pk:
            user.set_unusable_password()
        user.save()
        directory_roles = {role for role, _slug in self.from_directory}
        role_groups = Group.objects.filter(name__in=Role.values).exclude(name__in=directory_roles)
        user.groups.remove(*role_groups)
        if self.cleaned_data["role"]:
            user.groups.add(Group.objects.get_or_create(name=self.cleaned_data["role"])[0])
        # Changed from the committee's side, where the membership history is kept.
        current, wanted = set(user.committees.all()), set(self.cleaned_data["committees"])
        for committee in current - wanted:
            committee.members.remove(user)
        for committee in wanted - current:
            committee.members.add(user)
        return user


# --- decisions and state changes ------------------------------------------------


class DecisionForm(forms.Form):
    """A committee's or the council's decision, as its minutes cite it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A text field for the date as minutes write it: typed the same way with
    # any keyboard, browser or locale.
    decided_on = forms.DateField(
        label=_("Decision date"),
        help_text=_("As 2026-11-24."),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"autocomplete": "off"}),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Give the date of the decision."),
            "invalid": _("Write the date as 2026-11-24."),
        },
    )
    paragraph = forms.CharField(
        label=_("Paragraph (§)"), max_length=20, required=False, help_text=_("For example 112.")
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=60,
        required=False,
        help_text=_("The diarienummer, for example KS 2025/301."),
    )
    minutes_url = forms.URLField(
        label=_("Link to the minutes"), required=False, assume_scheme="https"
    )

    def decision(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("decided_on", "paragraph", "registration_number", "minutes_url")
        }


class PlanYearAdoptForm(DecisionForm):
    decision_body = forms.CharField(
        label=_("Decided by"), max_length=200, initial=_("Kommunfullmäktige")
    )
    field_order = ["decision_body", "decided_on", "paragraph", "registration_number"]


class ReasonForm(forms.Form):
    """Why something decided is opened again: kept in its history."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for reopening.")},
    )


class ConfirmForm(forms.Form):
    """A state change with nothing to fill in: the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
