from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "sanad.institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        from sanad.institutions import pack_sections  # noqa: F401 - registers the pack sections
