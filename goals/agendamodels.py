"""Agenda 2030: the UN's 17 global goals, and the municipal and committee goals
linked to them.

The global goals are fixed data, shipped by the migration that made the
table (goals/migrations/0011_agenda2030.py); each one's number is its primary
key, the same in every database and every backup. Which goals a node is
linked to is a row each in `NodeGlobalGoal`, kept with its history.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

GLOBAL_GOAL_COUNT = 17
# The goals as the migration shipped them (number, Swedish name, colour), for
# lists of choices that cost no query, such as the röd tråd's filter. A test
# holds them equal to the table.
GLOBAL_GOALS = (
    (1, "Ingen fattigdom", "E5243B"),
    (2, "Ingen hunger", "DDA63A"),
    (3, "Hälsa och välbefinnande", "4C9F38"),
    (4, "God utbildning för alla", "C5192D"),
    (5, "Jämställdhet", "FF3A21"),
    (6, "Rent vatten och sanitet för alla", "26BDE2"),
    (7, "Hållbar energi för alla", "FCC30B"),
    (8, "Anständiga arbetsvillkor och ekonomisk tillväxt", "A21942"),
    (9, "Hållbar industri, innovationer och infrastruktur", "FD6925"),
    (10, "Minskad ojämlikhet", "DD1367"),
    (11, "Hållbara städer och samhällen", "FD9D24"),
    (12, "Hållbar konsumtion och produktion", "BF8B2E"),
    (13, "Bekämpa klimatförändringarna", "3F7E44"),
    (14, "Hav och marina resurser", "0A97D9"),
    (15, "Ekosystem och biologisk mångfald", "56C02B"),
    (16, "Fredliga och inkluderande samhällen", "00689D"),
    (17, "Genomförande och globalt partnerskap", "19486A"),
)
GLOBAL_GOAL_CHOICES = [(number, f"{number}. {name}") for number, name, _colour in GLOBAL_GOALS]


class GlobalGoal(models.Model):
    """One of Agenda 2030's global goals, with its Swedish name and official colour."""

    number = models.PositiveSmallIntegerField(
        _("number"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(GLOBAL_GOAL_COUNT)],
    )
    name = models.CharField(_("name"), max_length=100)
    # The official colour as six hex digits. Several fail contrast with white
    # text: it is only ever drawn as a swatch beside dark text.
    colour = models.CharField(_("colour"), max_length=6)

    class Meta:
        ordering = ["number"]
        verbose_name = _("global goal")
        verbose_name_plural = _("global goals")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def hex(self) -> str:
        return f"#{self.colour}"


class NodeGlobalGoal(models.Model):
    """A municipal or committee goal's link to a global goal."""

    node = models.ForeignKey(
        "goals.Node",
        verbose_name=_("goal"),
        on_delete=models.CASCADE,
        related_name="global_goal_links",
    )
    global_goal = models.ForeignKey(
        GlobalGoal,
        verbose_name=_("global goal"),
        on_delete=models.PROTECT,
        related_name="node_links",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["node", "global_goal"]
        verbose_name = _("link to a global goal")
        verbose_name_plural = _("links to global goals")
        constraints = [
            models.UniqueConstraint(fields=["node", "global_goal"], name="one_link_per_global_goal")
        ]

    def __str__(self) -> str:
        return f"{self.node_id} → {self.global_goal_id}"
