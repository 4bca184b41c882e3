"""Drafting, publishing, immutability, refusals and recoding across versions."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from sanad.access.actor import Actor
from sanad.access.policy import Denied
from sanad.audit.models import AuditEvent
from sanad.institutions.roles import Role
from sanad.taxonomy import services
from sanad.taxonomy.checks import VersionRefused
from sanad.taxonomy.comparison import compare
from sanad.taxonomy.content import CodeData, RecodeData, content_of
from sanad.taxonomy.models import Code, CodeList, DefinitionVersion, Recode, VersionStatus
from sanad.taxonomy.recoding import recode, recode_map
from sanad.taxonomy.reference import GBVIMS_CORE

pytestmark = pytest.mark.django_db

VT = CodeList.VIOLENCE_TYPE


def test_shipped_first_version_holds_every_list_and_the_six_gbvims_types(v1: DefinitionVersion) -> None:
    assert v1.status == VersionStatus.PUBLISHED and v1.number == 1 and v1.published_at is not None
    lists = set(Code.objects.filter(version=v1).values_list("list", flat=True))
    assert lists == set(CodeList.values)
    core = Code.objects.filter(version=v1, list=VT, code__in=GBVIMS_CORE)
    assert core.count() == 6
    assert all(c.label_ar and c.label_en and c.definition_ar and c.definition_en for c in core)
    gbvims_ages = list(Code.objects.filter(version=v1, list="age_group_gbvims").values_list("code", flat=True))
    assert gbvims_ages == ["0-11", "12-17", "18-25", "26-40", "41-60", "61+"]


def test_draft_copies_the_current_version_and_publishes_whole(v1: DefinitionVersion, admin: Actor) -> None:
    draft = services.draft_create(actor=admin, notes="second")
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT and draft.recodes_from == v1
    assert Code.objects.filter(version=draft).count() == Code.objects.filter(version=v1).count()
    services.code_save(
        actor=admin,
        version=draft,
        data=CodeData(
            list=VT,
            code="stalking",
            label_ar="ملاحقة",
            label_en="Stalking",
            definition_ar="تتبع الشخص ومراقبته بما يثير خوفه.",
            gbvims_type="psychological_abuse",
            iccs_code="02082",
        ),
    )
    published = services.version_publish(actor=admin, version=draft)
    assert published.status == VersionStatus.PUBLISHED and published.published_by == admin.user
    actions = set(AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))
    assert {"definitions.draft_create", "definitions.code_add", "definitions.publish"} <= actions
    assert [c.code for c in compare(v1, published).added] == ["stalking"]


def test_a_published_version_cannot_change_through_services_or_the_database(
    v1: DefinitionVersion, admin: Actor
) -> None:
    rape = CodeData(list=VT, code="rape", label_ar="تغيير", gbvims_type="rape", iccs_code="03011")
    with pytest.raises(VersionRefused):
        services.code_save(actor=admin, version=v1, data=rape)
    with pytest.raises(VersionRefused):
        services.code_set_active(actor=admin, version=v1, code_list=VT, code="rape", active=False)
    with pytest.raises(VersionRefused):
        services.version_publish(actor=admin, version=v1)
    for attempt in (
        lambda: Code.objects.filter(version=v1, code="rape").update(label_ar="x"),
        lambda: Code.objects.filter(version=v1, code="rape").delete(),
        lambda: Code.objects.create(version=v1, list=VT, code="new", label_ar="جديد"),
        lambda: Recode.objects.create(version=v1, list=VT, from_code="a", to_code="b"),
        lambda: DefinitionVersion.objects.filter(pk=v1.pk).update(notes="changed"),
        lambda: DefinitionVersion.objects.filter(pk=v1.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert Code.objects.get(version=v1, list=VT, code="rape").label_ar == "اغتصاب"


def test_a_bad_version_is_refused_with_every_problem_and_nothing_published(v1: DefinitionVersion, admin: Actor) -> None:
    draft = services.draft_create(actor=admin)
    save = lambda **kw: services.code_save(actor=admin, version=draft, data=CodeData(**kw))  # noqa: E731
    save(list=VT, code="bad-gbvims", label_ar="أ", definition_ar="ت", gbvims_type="beating", iccs_code="0101")
    save(list=VT, code="bad-iccs", label_ar="ب", definition_ar="ت", gbvims_type="physical_assault", iccs_code="9999")
    save(list="relationship", code="no-arabic", label_ar="", label_en="No Arabic")
    services.recode_declare(
        actor=admin, version=draft, data=RecodeData(list=VT, from_code="threats", to_code="nowhere", kind="merge")
    )
    # Reusing a code with another meaning: 'neglect' recoded away yet still active in this version.
    Recode.objects.create(version=draft, list=VT, from_code="child_neglect", to_code="economic_violence")
    with pytest.raises(VersionRefused) as refused:
        services.version_publish(actor=admin, version=draft)
    texts = [p.en for p in refused.value.problems]
    assert any("unknown GBVIMS type 'beating'" in t for t in texts)
    assert any("unknown ICCS code '9999'" in t for t in texts)
    assert any("'no-arabic' has no Arabic label" in t for t in texts)
    assert any("recodes to 'nowhere', which does not exist" in t for t in texts)
    assert any("'child_neglect' is recoded to 'economic_violence' but still in use" in t for t in texts)
    assert len(texts) == 5
    # Every problem reads in Arabic too.
    assert all(p.ar and p.ar != p.en for p in refused.value.problems)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.published_at is None
    assert AuditEvent.objects.filter(action="definitions.publish", outcome="failed", object_id=str(draft.pk)).exists()


def test_dropping_a_code_without_recode_or_losing_a_gbvims_type_is_refused(v1: DefinitionVersion, admin: Actor) -> None:
    draft = services.draft_create(actor=admin)
    services.code_remove(actor=admin, version=draft, code_list=VT, code="forced_marriage")
    problems = [p.en for p in services.problems_of(draft)]
    assert any("'forced_marriage' is dropped without a recode" in t for t in problems)
    assert any("GBVIMS core type 'forced_marriage'" in t for t in problems)


def two_step_history(v1: DefinitionVersion, admin: Actor) -> tuple[DefinitionVersion, DefinitionVersion]:
    """v2 renames 'honour_related' to 'honour_crime' and merges 'threats' into 'psychological_abuse';
    v3 merges 'confinement' into the renamed 'honour_crime' (odd, but it tests composition)."""
    draft = services.draft_create(actor=admin)
    services.code_rename(
        actor=admin,
        version=draft,
        code_list=VT,
        code="honour_related",
        new_code="honour_crime",
        label_ar="جريمة بدعوى الشرف",
        label_en="Honour crime",
    )
    services.recode_declare(
        actor=admin,
        version=draft,
        data=RecodeData(list=VT, from_code="threats", to_code="psychological_abuse", kind="merge"),
    )
    v2 = services.version_publish(actor=admin, version=draft)
    draft = services.draft_create(actor=admin)
    services.recode_declare(
        actor=admin,
        version=draft,
        data=RecodeData(list=VT, from_code="confinement", to_code="honour_crime", kind="merge"),
    )
    v3 = services.version_publish(actor=admin, version=draft)
    return v2, v3


def test_recoding_across_versions_composes_the_steps(v1: DefinitionVersion, admin: Actor) -> None:
    v2, v3 = two_step_history(v1, admin)
    assert recode(v1, v2, VT, "honour_related") == "honour_crime"
    assert recode(v1, v2, VT, "threats") == "psychological_abuse"
    assert recode(v1, v2, VT, "rape") == "rape"
    mapping = recode_map(v1, v3)
    assert mapping[(VT, "honour_related")] == "honour_crime"
    assert mapping[(VT, "confinement")] == "honour_crime"
    assert mapping[(VT, "threats")] == "psychological_abuse"
    # Every code of v1 lands on a code that exists in v3: counts over both periods are comparable.
    v3_codes = {(c.list, c.code) for c in content_of(v3).codes}
    assert all((key[0], code) in v3_codes for key, code in mapping.items())


def test_comparison_shows_renamed_and_merged(v1: DefinitionVersion, admin: Actor) -> None:
    v2, _v3 = two_step_history(v1, admin)
    diff = compare(v1, v2)
    assert [(r.before.code, r.after.code) for r in diff.renamed] == [("honour_related", "honour_crime")]
    assert [(m.into.code, [s.code for s in m.sources]) for m in diff.merged] == [("psychological_abuse", ["threats"])]
    assert diff.added == [] and diff.retired == []


def test_only_one_draft_and_only_national_admins_write(v1: DefinitionVersion, admin: Actor, actor_for: object) -> None:
    services.draft_create(actor=admin)
    with pytest.raises(VersionRefused):
        services.draft_create(actor=admin)
    for role in Role:
        if role == Role.NATIONAL_ADMIN:
            continue
        other: Actor = actor_for(role)  # type: ignore[operator]
        with pytest.raises(Denied):
            services.draft_create(actor=other)
        assert AuditEvent.objects.filter(action="definitions.manage", outcome="denied", user_id=other.user_id).exists()
    assert DefinitionVersion.objects.count() == 2


def test_a_draft_can_be_discarded_and_a_published_version_cannot(v1: DefinitionVersion, admin: Actor) -> None:
    draft = services.draft_create(actor=admin)
    services.draft_discard(actor=admin, version=draft)
    assert not DefinitionVersion.objects.filter(pk=draft.pk).exists()
    assert not Code.objects.filter(version_id=draft.pk).exists()
    with pytest.raises(VersionRefused):
        services.draft_discard(actor=admin, version=v1)
    assert AuditEvent.objects.filter(action="definitions.draft_discard", object_id=str(draft.pk)).exists()


def test_an_administrator_of_another_country_neither_sees_nor_changes_these_definitions(
    v1: DefinitionVersion, admin: Actor
) -> None:
    from sanad.taxonomy import selectors
    from sanad.testing.factories import CountryFactory, InstitutionFactory, UnitFactory, member

    other_unit = UnitFactory(institution=InstitutionFactory(country=CountryFactory(code="jo")))
    m = member(Role.NATIONAL_ADMIN, unit=other_unit)
    foreign = Actor(user=m.user, membership=m)
    assert list(selectors.version_list(actor=foreign)) == []
    draft = services.draft_create(actor=admin)
    with pytest.raises(Denied):
        services.code_set_active(actor=foreign, version=draft, code_list=VT, code="rape", active=False)
    with pytest.raises(Denied):
        services.version_publish(actor=foreign, version=draft)
    # Their own country starts from nothing: a draft with no version to copy.
    own = services.draft_create(actor=foreign)
    assert own.number == 1 and own.recodes_from is None and not Code.objects.filter(version=own).exists()
