"""URLs used only by the test settings: the project's, plus views that exercise shared mechanisms."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sanad.accounts.stepup import require_recent_auth
from sanad.urls import urlpatterns as project_urlpatterns


@require_recent_auth(max_age_seconds=300)
def sensitive_action(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sensitive action done")


urlpatterns = [
    path("_test/sensitive/", sensitive_action, name="test-sensitive"),
    *project_urlpatterns,
]
