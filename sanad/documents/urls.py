from django.urls import path

from sanad.documents import views

urlpatterns = [
    path("cases/<int:pk>/summary.pdf", views.case_summary_pdf, name="case-summary-pdf"),
]
