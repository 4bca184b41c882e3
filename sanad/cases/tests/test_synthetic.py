from __future__ import annotations

import pytest
from django.core.management import call_command

from sanad.cases.models import Case, Report
from sanad.institutions.packs import load_country_pack

pytestmark = pytest.mark.django_db


def test_generate_synthetic_cases_through_the_services() -> None:
    load_country_pack("bh")
    call_command("generate_synthetic", cases=12, seed=7)
    assert Report.objects.count() == 12
    numbers = list(Case.objects.values_list("year", "sequence"))
    assert numbers and len(set(numbers)) == len(numbers)
    assert Report.objects.values("owner_unit").distinct().count() > 1
    assert all(r.incidents.exists() and r.persons.count() == 2 for r in Report.objects.all())
