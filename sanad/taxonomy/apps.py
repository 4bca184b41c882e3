from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "sanad.taxonomy"
    verbose_name = _("Definitions")

    def ready(self) -> None:
        from sanad.taxonomy import pack_section  # noqa: F401 - registers the 'definitions' pack section
