"""Signals sent when a subtree changes its place in a goal tree.

Sent inside the tree lock, in the transaction of the write, so that what
other apps keep about the tree (the follow-up's roll-up counts) changes
with it or not at all. `goals` does not know who listens.
"""

from django.dispatch import Signal

# The node (with its subtree) is about to leave its place: it will be moved
# (moving=True; subtree_attached follows for the same instance) or deleted.
# Its ancestors in the database are still the old ones. Args: node, moving.
subtree_detaching = Signal()

# The node (with its subtree) has just been placed: created (created=True; it
# has no descendants yet), or moved (moving=True). Its ancestors in the
# database are the new ones. Args: node, created, moving.
subtree_attached = Signal()
