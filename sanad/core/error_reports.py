"""Error reports (the 500 e-mail to ADMINS, Sentry-like log handlers, the technical 500 page) must
never carry what a survivor's record holds. A form's POST and a view's local variables hold exactly
that, so both are masked whole, not by a list of sensitive-sounding names."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class NoPersonalDataReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
