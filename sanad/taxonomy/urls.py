from django.urls import path

from sanad.taxonomy import views

urlpatterns = [
    path("", views.browse, name="definitions-browse"),
    path("versions/", views.version_list, name="definitions-versions"),
    path("versions/new/", views.draft_new, name="definitions-draft-new"),
    path("versions/<int:number>/draft/", views.draft_edit, name="definitions-draft"),
    path("versions/<int:number>/draft/codes/<str:code_list>/new/", views.code_form, name="definitions-code-add"),
    path(
        "versions/<int:number>/draft/codes/<str:code_list>/<str:code>/", views.code_form, name="definitions-code-edit"
    ),
    path(
        "versions/<int:number>/draft/codes/<str:code_list>/<str:code>/active/",
        views.code_active,
        name="definitions-code-active",
    ),
    path("versions/<int:number>/draft/rename/<str:code_list>/", views.code_rename, name="definitions-rename"),
    path("versions/<int:number>/draft/merge/<str:code_list>/", views.code_merge, name="definitions-merge"),
    path(
        "versions/<int:number>/draft/recodes/<str:code_list>/<str:from_code>/remove/",
        views.recode_remove,
        name="definitions-recode-remove",
    ),
    path("versions/<int:number>/import/", views.draft_import, name="definitions-import"),
    path("versions/<int:number>/publish/", views.draft_publish, name="definitions-publish"),
    path("versions/<int:number>/discard/", views.draft_discard, name="definitions-discard"),
    path("versions/<int:number>/export.<str:fmt>", views.export, name="definitions-export"),
    path("compare/", views.compare_versions, name="definitions-compare"),
]
