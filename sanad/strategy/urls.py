from django.urls import path

from sanad.strategy import views

urlpatterns = [
    path("", views.home, name="strategy-home"),
    path("<int:pk>/", views.strategy_detail, name="strategy-detail"),
    path("<int:pk>/draft-from/", views.strategy_draft_from, name="strategy-draft-from"),
    path("<int:pk>/activate/", views.strategy_activate, name="strategy-activate"),
    path("<int:pk>/progress/", views.progress, name="strategy-progress"),
    path("<int:pk>/lessons/", views.lesson_add, name="strategy-lesson-add"),
    path("<int:pk>/report.pdf", views.report_pdf, name="strategy-report-pdf"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="strategy-report-xlsx"),
    path("rounds/<int:pk>/", views.round_detail, name="strategy-round"),
    path("rounds/<int:pk>/close/", views.round_close, name="strategy-round-close"),
    path("forms/<int:pk>/", views.form_detail, name="strategy-submission"),
    path("forms/<int:pk>/save/", views.form_save, name="strategy-submission-save"),
    path("forms/<int:pk>/evidence/", views.form_evidence, name="strategy-evidence-add"),
    path("forms/<int:pk>/evidence/<int:evidence_id>/", views.form_evidence_download, name="strategy-evidence"),
    path("forms/<int:pk>/<str:decision>/", views.form_review, name="strategy-review"),
]
