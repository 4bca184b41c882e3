from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "sanad.access"
    verbose_name = _("Access")

    def ready(self) -> None:
        # Each domain declares its rules in <app>/access_rules.py; importing them registers them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("access_rules")
