from django.urls import path

from sanad.people import review_views, views

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("matches/", views.person_search, name="person-matches"),
    path("review/", review_views.review_queue, name="review-queue"),
    path("review/<int:pk>/", review_views.review_detail, name="review-detail"),
    path("review/<int:pk>/decide/", review_views.review_decide, name="review-decide"),
    path("review/<int:pk>/merge/", review_views.review_merge, name="review-merge"),
    path("review/<int:pk>/unmerge/<int:merge_pk>/", review_views.review_unmerge, name="review-unmerge"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/confidentiality/", views.person_confidentiality, name="person-confidentiality"),
    path("<int:pk>/<str:how>/", views.person_open, name="person-open"),
]
