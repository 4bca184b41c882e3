from django.urls import path

from sanad.people import views

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("matches/", views.person_search, name="person-matches"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/confidentiality/", views.person_confidentiality, name="person-confidentiality"),
    path("<int:pk>/<str:how>/", views.person_open, name="person-open"),
]
