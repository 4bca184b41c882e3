from django.contrib import admin

from sanad.statistics.models import StatisticsSettings


@admin.register(StatisticsSettings)
class StatisticsSettingsAdmin(admin.ModelAdmin[StatisticsSettings]):
    """The national administrator may change a country's protection between pack loads."""

    list_display = ("country", "threshold", "rounding_base", "consent_required")
