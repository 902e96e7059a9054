"""The colours of the statuses in the charts drawn on the server (the stacked
bars of followup/bars.py, the indicator charts of followup/trends.py).

Nothing is told by colour alone: every chart has its figures in words beside
it. The fills still differ from white by at least 3:1 (WCAG 2.1, 1.4.11).
"""

from __future__ import annotations

from followup.models import MISSING, ActivityStatus, GoalStatus

FILLS = {
    GoalStatus.MET: "#2e7d32",
    GoalStatus.PARTLY_MET: "#b26a00",
    GoalStatus.NOT_MET: "#c62828",
    GoalStatus.NOT_ASSESSED: "#6b6b6b",
    ActivityStatus.DONE: "#2e7d32",
    ActivityStatus.IN_PROGRESS: "#b26a00",
    ActivityStatus.NOT_STARTED: "#6b6b6b",
    ActivityStatus.CANCELLED: "#c62828",
    MISSING: "#8a8a8a",
}
