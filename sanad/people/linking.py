"""National linkage over the registry: the batch run and the incremental link of a new person.

The engine (``sanad.people.linkage``) works on plain records; this module feeds it persons from the
database (decrypting only the phone and the national ID, in batches), and stores what it found:
each person's linked identity, the uncertain pairs for the stewards' queue, and the learned model
(as data) that incremental linking reuses. Nothing here logs a name, a number or a phone: only counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanad.access.actor import Actor
from sanad.audit.services import audit_record
from sanad.crypto.blind_index import blind_index
from sanad.people.linkage import LinkageSettings, MatchModel, PairDecision, PersonRecord, link_records
from sanad.people.linkage.blocking import candidate_pairs
from sanad.people.linkage.compare import unpack_levels
from sanad.people.linkage.engine import score_prepared
from sanad.people.linkage.prepare import prepare_records
from sanad.people.models import (
    DocumentKind,
    IdentityDocument,
    LinkageRun,
    LinkCandidate,
    LinkStatus,
    Person,
    PersonIdentity,
)
from sanad.people.names import name_key, parse_name_chain

logger = logging.getLogger(__name__)

BATCH = 5000
# Pairs worth a steward's look (posterior log2-odds). Measured on a labelled synthetic file of 20,000
# records: below −2 fewer than 1 pair in 15 is a match and the clustering is rarely wrong there (28
# wrong of 1,084 pairs in [−6, −2)), so such pairs would fill the queue for little; [−2, 6) holds
# most of the pairs the clustering gets wrong (186 of 1,654). Above 6, the same person outright.
REVIEW_BAND = (-2.0, 6.0)
AUTO_LINK_WEIGHT = REVIEW_BAND[1]
MAX_NEIGHBOURS = 500


# --- reading persons as engine records ---------------------------------------------------------


def _sex(value: str) -> str:
    return {"male": "m", "female": "f"}.get(value, "")


def person_record(person: Person, national_id: str = "") -> PersonRecord:
    """The engine's view of one person: the Arabic chain, or the Latin name split into a chain."""
    first, father, family = person.first_name, person.father_name, person.family_name
    grandfather = person.grandfather_name
    if not (first or family) and person.latin_name:
        chain = parse_name_chain(person.latin_name)
        first, father, grandfather, family = chain.first, chain.father, chain.grandfather, chain.family
    phones = str(person.phones or "").split(",")[0].strip()  # decrypted on read
    return PersonRecord(
        record_id=str(person.pk),
        sex=_sex(person.sex),
        first=first,
        father=father,
        grandfather=grandfather,
        family=family,
        dob=person.date_of_birth,
        dob_is_estimated=person.dob_is_estimated,
        national_id=national_id,
        phone=phones,
    )


def _national_ids(person_ids: list[int]) -> dict[int, str]:
    docs = IdentityDocument.objects.filter(person_id__in=person_ids, kind=DocumentKind.NATIONAL_ID).order_by("pk")
    found: dict[int, str] = {}
    for person_id, number in docs.values_list("person_id", "number"):
        found.setdefault(person_id, str(number))
    return found


_RECORD_FIELDS = (
    "pk",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "latin_name",
    "sex",
    "date_of_birth",
    "dob_is_estimated",
    "phones",
)


def iter_records(queryset: Any) -> Iterator[PersonRecord]:
    """Records for the persons of ``queryset``, read in batches by id (only the fields linkage needs)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").only(*_RECORD_FIELDS)[:BATCH])
        if not batch:
            return
        ids = _national_ids([p.pk for p in batch])
        for person in batch:
            yield person_record(person, ids.get(person.pk, ""))
        last = batch[-1].pk


def _active_persons() -> Any:
    return Person.objects.filter(merged_into__isnull=True)


def stored_decisions() -> list[PairDecision]:
    """Every steward's verdict, as the engine takes them."""
    decided = LinkCandidate.objects.exclude(status=LinkStatus.PENDING).values_list("person_a", "person_b", "status")
    return [PairDecision(str(a), str(b), status == LinkStatus.CONFIRMED) for a, b, status in decided]


def model_to_data(model: MatchModel) -> dict[str, Any]:
    return {
        "m": {k: v.tolist() for k, v in model.m.items()},
        "u": {k: v.tolist() for k, v in model.u.items()},
        "prior": model.prior,
    }


def model_from_data(data: dict[str, Any]) -> MatchModel:
    return MatchModel(
        m={k: np.array(v, dtype=np.float64) for k, v in data["m"].items()},
        u={k: np.array(v, dtype=np.float64) for k, v in data["u"].items()},
        prior=float(data["prior"]),
    )


def _reasons(levels: dict[str, Any], weights: dict[str, Any], i: int) -> dict[str, Any]:
    return {name: [int(lv[i]), round(float(weights[name][int(lv[i])]), 2)] for name, lv in levels.items()}


# --- the national batch run ---------------------------------------------------------------------


def link_registry(*, actor: Actor, settings: LinkageSettings | None = None) -> LinkageRun:
    """Link every (unmerged) person: identities rewritten, uncertain pairs queued, decisions honoured.

    Heavy work runs outside any transaction; the results are written in one, with the audit event.
    """
    settings = settings or LinkageSettings()
    run = LinkageRun.objects.create(kind=LinkageRun.Kind.BATCH)
    records = list(iter_records(_active_persons()))
    result = link_records(
        records, decisions=stored_decisions(), settings=settings, progress=lambda message: logger.info(message)
    )
    ids = np.array([int(r.record_id) for r in records], dtype=np.int64)
    labels = result.labels
    # Each cluster's identity is its smallest person id: stable across runs when nothing changed.
    identity_of_label = np.full(result.n_clusters, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(identity_of_label, labels, ids)
    identities = identity_of_label[labels]
    pairs = result.pairs
    weights = pairs.weights
    low, high = REVIEW_BAND
    uncertain = np.flatnonzero((weights >= low) & (weights < high))
    level_weights = result.model.level_weights()
    uncertain_levels = unpack_levels(pairs.patterns[uncertain]).levels
    lefts, rights = pairs.left[uncertain].tolist(), pairs.right[uncertain].tolist()
    candidates = []
    for n, i in enumerate(uncertain.tolist()):
        a, b = int(ids[lefts[n]]), int(ids[rights[n]])
        candidates.append(
            LinkCandidate(
                person_a_id=min(a, b),
                person_b_id=max(a, b),
                weight=round(float(weights[i]), 3),
                reasons=_reasons(uncertain_levels, level_weights, n),
                run=run,
            )
        )
    with transaction.atomic():
        PersonIdentity.objects.all().delete()
        PersonIdentity.objects.bulk_create(
            (PersonIdentity(person_id=int(p), identity=int(c)) for p, c in zip(ids, identities, strict=True)),
            batch_size=BATCH,
        )
        # Pending pairs are re-proposed from this run; decided ones are kept (ignore_conflicts).
        LinkCandidate.objects.filter(status=LinkStatus.PENDING).delete()
        LinkCandidate.objects.bulk_create(candidates, batch_size=BATCH, ignore_conflicts=True)
        run.records = len(records)
        run.identities = result.n_clusters
        run.candidates = len(candidates)
        run.model = model_to_data(result.model)
        run.seconds = result.seconds
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=actor,
            action="linkage.run",
            object_type="people.linkagerun",
            object_id=run.pk,
            details={"records": run.records, "identities": run.identities, "candidates": run.candidates},
        )
    logger.info(
        "linkage run %s: %s records, %s identities, %s candidates", run.pk, run.records, run.identities, run.candidates
    )
    return run


# --- incremental linking of one new person ------------------------------------------------------


def last_model() -> MatchModel | None:
    run = LinkageRun.objects.filter(kind=LinkageRun.Kind.BATCH, model__isnull=False).order_by("-pk").first()
    return model_from_data(run.model) if run is not None and run.model else None


def _neighbours(person: Person, record: PersonRecord) -> Any:
    """Persons sharing a blocking key with ``record``: national ID, first+family key, or birth date."""
    condition = Q()
    if record.national_id:
        index = blind_index(record.national_id, purpose=DocumentKind.NATIONAL_ID)
        condition |= Q(documents__number_index=index)
    if record.first and record.family:
        first = name_key(record.first)
        family = name_key(record.family, family=True)
        if first and family:
            condition |= Q(name_key__contains=first) & Q(name_key__contains=family)
    if record.dob and record.first:
        condition |= Q(date_of_birth=record.dob) & Q(name_key__contains=name_key(record.first))
    if not condition:
        return Person.objects.none()
    found = _active_persons().filter(condition).exclude(pk=person.pk).values_list("pk", flat=True).distinct()
    ids = list(found[:MAX_NEIGHBOURS])
    return Person.objects.filter(pk__in=ids)


def _rejected_partners(person_id: int) -> set[str]:
    rejected = LinkCandidate.objects.filter(Q(person_a=person_id) | Q(person_b=person_id), status=LinkStatus.REJECTED)
    return {str(b if a == person_id else a) for a, b in rejected.values_list("person_a", "person_b")}


def own_identity(person_id: int) -> int:
    """A label for ``person_id`` alone. Labels are person ids, so a person's own id may already name
    another identity (one it joined then left); a negative label is then used, which no id can take."""
    taken = PersonIdentity.objects.filter(identity=person_id).exclude(person_id=person_id).exists()
    return -person_id if taken else person_id


def _identity(person_id: int) -> int:
    row = PersonIdentity.objects.filter(person_id=person_id).values_list("identity", flat=True).first()
    return int(row) if row is not None else person_id


def link_new_person(*, actor: Actor, person_id: int) -> LinkageRun | None:
    """Compare one new (or just edited) person with its blocking neighbours using the last learned model.

    A strong match joins the neighbour's identity; an uncertain one goes to the review queue. Term
    frequencies are not applied (a few neighbours say nothing about how common a name is), so the
    weights here are a little more cautious than a national run's. None when no model exists yet.
    """
    model = last_model()
    person = _active_persons().filter(pk=person_id).first()
    if model is None or person is None:
        return None
    new = next(iter_records(Person.objects.filter(pk=person_id)))
    others = list(iter_records(_neighbours(person, new)))
    run = LinkageRun(kind=LinkageRun.Kind.INCREMENTAL, records=1 + len(others), model=None)
    candidates: list[LinkCandidate] = []
    best: tuple[float, int] | None = None
    if others:
        records = [new, *others]
        prepared = prepare_records(records)
        codes, _stats = candidate_pairs(prepared, max_block_size=MAX_NEIGHBOURS + 1)
        codes = codes[codes // prepared.size == 0]  # only pairs with the new person (index 0)
        settings = LinkageSettings(term_frequency_bounds=(0.0, 0.0))
        forbidden = _rejected_partners(person_id)
        if len(codes):
            scored, _model = score_prepared(prepared, pair_codes=codes, settings=settings, model=model)
            level_weights = model.level_weights()
            levels, rights = scored.comparisons.levels, scored.right.tolist()
            low, high = REVIEW_BAND
            for i, weight in enumerate(scored.weights.tolist()):
                other = int(records[rights[i]].record_id)
                if str(other) in forbidden or weight < low:
                    continue
                if weight >= AUTO_LINK_WEIGHT and (best is None or weight > best[0]):
                    best = (weight, other)
                if weight < high:
                    candidates.append(
                        LinkCandidate(
                            person_a_id=min(person_id, other),
                            person_b_id=max(person_id, other),
                            weight=round(weight, 3),
                            reasons=_reasons(levels, level_weights, i),
                        )
                    )
    with transaction.atomic():
        run.finished_at = timezone.now()
        run.candidates = len(candidates)
        run.save()
        for candidate in candidates:
            candidate.run = run
        LinkCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
        identity = _identity(best[1]) if best is not None else own_identity(person_id)
        PersonIdentity.objects.update_or_create(person_id=person_id, defaults={"identity": identity})
        run.identities = 1
        run.save(update_fields=["identities"])
        audit_record(
            actor=actor,
            action="linkage.link_new",
            object_type="people.person",
            object_id=person_id,
            details={"neighbours": len(others), "candidates": len(candidates), "linked": best is not None},
        )
    return run
