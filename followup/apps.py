from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from followup import counts
        from followup.models import Period
        from goals.models import Node
        from goals.signals import subtree_attached, subtree_detaching

        # The roll-up counts change with the tree, in the same transaction.
        subtree_detaching.connect(counts.subtree_detaching, sender=Node)
        subtree_attached.connect(counts.subtree_attached, sender=Node)
        post_save.connect(counts.period_saved, sender=Period)
