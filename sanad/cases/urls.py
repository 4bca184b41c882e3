from django.urls import path

from sanad.cases import views

urlpatterns = [
    path("", views.worklist, name="case-worklist"),
    path("reports/new/", views.report_create, name="report-create"),
    path("appeals/", views.appeal_list, name="appeal-list"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal-detail"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/person-search/", views.report_person_search, name="report-person-search"),
    path("reports/<int:pk>/persons/add/", views.report_add_person, name="report-add-person"),
    path("reports/<int:pk>/persons/register/", views.report_register_person, name="report-register-person"),
    path("reports/<int:pk>/incidents/add/", views.report_add_incident, name="report-add-incident"),
    path("reports/<int:pk>/open-case/", views.report_open_case, name="report-open-case"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/assess/", views.case_assess, name="case-assess"),
    path("<int:pk>/confidentiality/", views.case_confidentiality, name="case-confidentiality"),
    path("<int:pk>/open/<str:how>/", views.case_open, name="case-open"),
    path("<int:pk>/attachments/", views.case_attach, name="case-attach"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path("<int:pk>/<str:action>/", views.case_action, name="case-action"),
]
