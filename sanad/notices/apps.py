from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "sanad.notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from sanad.notices import access_rules  # noqa: F401 - registers the rules
