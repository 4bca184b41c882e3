from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "sanad.statistics"
    label = "statistics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from sanad.statistics import access_rules, pack_section, signals  # noqa: F401 - registers rules, section

        signals.connect()
