from django.urls import path

from sanad.multiagency import views

urlpatterns = [
    path("", views.meeting_list, name="marac-meetings"),
    path("actions/", views.action_worklist, name="marac-actions"),
    path("actions/<int:pk>/done/", views.action_done, name="marac-action-done"),
    path("<int:pk>/", views.meeting_detail, name="marac-meeting"),
    path("<int:pk>/agenda/", views.meeting_change, {"what": "add"}, name="marac-agenda-add"),
    path("<int:pk>/items/<int:item_id>/<str:what>/", views.meeting_change, name="marac-item-change"),
]
