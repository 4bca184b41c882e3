"""Demo users, one per role, for `make run`. Only ever loaded in demo mode."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from sanad.accounts.models import User
from sanad.institutions.models import Membership, Unit
from sanad.institutions.packs import PACKS_DIR
from sanad.institutions.roles import ADMIN_ROLES, Role

# What the administration area lets each administrator role touch (Django model permissions).
ADMIN_GROUP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    Role.NATIONAL_ADMIN: [
        ("institutions", "country"),
        ("institutions", "governorate"),
        ("institutions", "institution"),
        ("institutions", "unit"),
        ("institutions", "membership"),
        ("institutions", "packload"),
        ("accounts", "user"),
    ],
    Role.INSTITUTION_ADMIN: [("institutions", "unit"), ("institutions", "membership"), ("accounts", "user")],
}


def admin_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=f"sanad:{role}")
    perms = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in ADMIN_GROUP_PERMISSIONS[role]},
        content_type__model__in={model for _, model in ADMIN_GROUP_PERMISSIONS[role]},
    )
    group.permissions.set(perms)
    return group


@transaction.atomic
def load_demo_users(country_code: str) -> tuple[list[dict[str, str]], str]:
    path = Path(PACKS_DIR) / f"{country_code}.demo.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    password = data["password"]
    rows = []
    for entry in data["users"]:
        unit = Unit.objects.get(
            institution__country__code=country_code, institution__code=entry["institution"], code=entry["unit"]
        )
        user, created = User.objects.get_or_create(
            username=entry["username"],
            defaults={"full_name_ar": entry["name_ar"], "full_name_en": entry["name_en"]},
        )
        if created:
            user.set_password(password)
        user.is_staff = entry["role"] in ADMIN_ROLES
        user.save()
        if entry["role"] in ADMIN_ROLES:
            user.groups.add(admin_group(entry["role"]))
        Membership.objects.get_or_create(user=user, unit=unit, role=entry["role"], is_active=True)
        rows.append({"username": user.username, "role": entry["role"], "unit": unit.name_en})
    return rows, password
