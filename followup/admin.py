from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from followup.models import Assessment, Period


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan_year", "kind", "cutoff_date", "deadline", "is_closed"]
    list_filter = ["plan_year", "kind", "is_closed"]
    exclude = ["version"]


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["node", "period", "status", "updated_by", "updated_at"]
    list_filter = ["period", "status"]
    search_fields = ["node__title", "analysis"]
    raw_id_fields = ["node", "updated_by"]
    exclude = ["version"]
