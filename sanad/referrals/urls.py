from django.urls import path

from sanad.referrals import views

urlpatterns = [
    path("", views.inbox, name="referral-inbox"),
    path("new/", views.referral_create, name="referral-notify"),
    path("new/case/<int:case_pk>/", views.referral_create, name="referral-create"),
    path("export.csv", views.export_csv, name="referral-export"),
    path("response-times/", views.response_times, name="referral-response-times"),
    path("standards/", views.standards, name="referral-standards"),
    path("standards/<int:pk>/", views.standard_confirm, name="referral-standard-confirm"),
    path("<int:pk>/form.pdf", views.referral_form_pdf, name="referral-form-pdf"),
    path("<int:pk>/", views.referral_detail, name="referral-detail"),
    path("<int:pk>/<str:action>/", views.referral_action, name="referral-action"),
]
