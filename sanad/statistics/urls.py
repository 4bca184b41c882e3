from django.urls import path

from sanad.statistics import report_views, views

urlpatterns = [
    path("", views.dashboard, name="statistics-dashboard"),
    path("governorate/<int:pk>/", views.dashboard, {"kind": "governorate"}, name="statistics-governorate"),
    path("institution/<int:pk>/", views.dashboard, {"kind": "institution"}, name="statistics-institution"),
    path("table/<slug:key>.<str:fmt>", views.panel_download, name="statistics-panel"),
    path(
        "governorate/<int:pk>/table/<slug:key>.<str:fmt>",
        views.panel_download,
        {"kind": "governorate"},
        name="statistics-governorate-panel",
    ),
    path(
        "institution/<int:pk>/table/<slug:key>.<str:fmt>",
        views.panel_download,
        {"kind": "institution"},
        name="statistics-institution-panel",
    ),
    path("counting-rules/", views.counting_rules, name="statistics-rules"),
    path("indicators/", views.indicator_list, name="statistics-indicators"),
    path("indicators/<slug:code>/", views.indicator_detail, name="statistics-indicator"),
    path("reports/", report_views.report_packs, name="statistics-reports"),
    path("reports/<str:period>/<slug:pack>.<str:fmt>", report_views.report_download, name="statistics-report"),
]
