from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from sanad.api import views
from sanad.cases.api import AppealViewSet, CaseViewSet, ReportViewSet
from sanad.courts.api import ComplianceReportPdfView, CourtOrderViewSet
from sanad.documents.api import CaseSummaryPdfView
from sanad.multiagency.api import AgreedActionViewSet, ReviewMeetingViewSet
from sanad.notices.api import NoticeViewSet
from sanad.people.api import PersonViewSet
from sanad.people.review_api import LinkCandidateViewSet
from sanad.referrals.api import ReferralFormPdfView, ReferralViewSet
from sanad.statistics.api import IndicatorListView, IndicatorValueView
from sanad.strategy.api import ReportingRoundViewSet, StrategyReportView, StrategyViewSet, SubmissionViewSet
from sanad.taxonomy.api import DefinitionVersionViewSet

router = DefaultRouter()
router.register("governorates", views.GovernorateViewSet, basename="governorate")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("units", views.UnitViewSet, basename="unit")
# "api-" prefix: the pages already own names such as person-list and person-detail.
router.register("persons", PersonViewSet, basename="api-person")
router.register("link-candidates", LinkCandidateViewSet, basename="api-link-candidate")
router.register("notices", NoticeViewSet, basename="api-notice")
router.register("reports", ReportViewSet, basename="api-report")
router.register("cases", CaseViewSet, basename="api-case")
router.register("appeals", AppealViewSet, basename="api-appeal")
router.register("review-meetings", ReviewMeetingViewSet, basename="api-review-meeting")
router.register("review-actions", AgreedActionViewSet, basename="api-review-action")
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("court-orders", CourtOrderViewSet, basename="api-court-order")
router.register("strategies", StrategyViewSet, basename="api-strategy")
router.register("strategy-rounds", ReportingRoundViewSet, basename="api-strategy-round")
router.register("strategy-submissions", SubmissionViewSet, basename="api-strategy-submission")
router.register("definitions/versions", DefinitionVersionViewSet, basename="definition-version")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "definitions/current/",
        DefinitionVersionViewSet.as_view({"get": "current"}),
        name="definitions-current",
    ),
    path("cases/<int:pk>/summary.pdf", CaseSummaryPdfView.as_view(), name="api-case-summary-pdf"),
    path("referrals/<int:pk>/form.pdf", ReferralFormPdfView.as_view(), name="api-referral-form-pdf"),
    path("compliance-reports/<int:pk>.pdf", ComplianceReportPdfView.as_view(), name="api-compliance-report-pdf"),
    path("strategies/<int:pk>/report.<str:fmt>", StrategyReportView.as_view(), name="api-strategy-report"),
    path("statistics/indicators/", IndicatorListView.as_view(), name="api-statistics-indicators"),
    path("statistics/indicators/<slug:code>/", IndicatorValueView.as_view(), name="api-statistics-indicator"),
    path("", include(router.urls)),
]
