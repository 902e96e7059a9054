"""“Also supports” links: a committee goal or an activity that also serves other
goals of its plan year besides its parent in the tree.

The tree stays a tree: the parent is the node's home (its lock, its nested
set); a link is a row beside it. The rules a link obeys are in
`goals/rules.py` (`link_error`), its writes in `goals/links.py`, under the
year's tree lock.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.models import Node, PlanYear


class NodeLinkQuerySet(models.QuerySet["NodeLink"]):
    def for_year(self, plan_year: PlanYear | int) -> NodeLinkQuerySet:
        return self.filter(plan_year=plan_year)

    def touching(self, *node_ids: int) -> NodeLinkQuerySet:
        """The links from or to any of the nodes."""
        return self.filter(Q(source_id__in=node_ids) | Q(target_id__in=node_ids))


class NodeLink(models.Model):
    """`source` also supports `target`, a goal one level above it that is not its parent."""

    # The year both ends belong to: a year's links are read (and copied,
    # backed up) in one query without a join.
    plan_year = models.ForeignKey(
        PlanYear, verbose_name=_("plan year"), on_delete=models.CASCADE, related_name="node_links"
    )
    source = models.ForeignKey(
        Node, verbose_name=_("supporting node"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        Node, verbose_name=_("supported goal"), on_delete=models.CASCADE, related_name="links_in"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = NodeLinkQuerySet.as_manager()

    class Meta:
        ordering = ["source", "target"]
        verbose_name = _("also-supports link")
        verbose_name_plural = _("also-supports links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="link_not_to_itself"),
        ]
        indexes = [models.Index(fields=["target"], name="nodelink_target")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"
