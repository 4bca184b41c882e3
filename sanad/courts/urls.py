from django.urls import path

from sanad.courts import views

urlpatterns = [
    path("", views.order_list, name="court-order-list"),
    path("cases/<int:case_pk>/new/<str:order_type>/", views.order_create, name="court-order-create"),
    path("reports/<int:pk>.pdf", views.compliance_pdf, name="court-compliance-pdf"),
    path("<int:pk>/", views.order_detail, name="court-order-detail"),
    path("<int:pk>/<str:action>/", views.order_action, name="court-order-action"),
]
