from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "sanad.referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from sanad.referrals import pack_section  # noqa: F401 - registers the 'referrals' pack section
