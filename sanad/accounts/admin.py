from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from sanad.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Sanad"), {"fields": ("full_name_ar", "full_name_en", "preferred_language")}),
    )
    list_display = ("username", "full_name_ar", "full_name_en", "is_active", "is_staff")
    search_fields = ("username", "full_name_ar", "full_name_en", "email")
