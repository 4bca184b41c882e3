from django.urls import path

from sanad.notices import views

urlpatterns = [
    path("", views.inbox, name="notice-inbox"),
    path("read/", views.mark_all_read, name="notice-mark-all-read"),
]
