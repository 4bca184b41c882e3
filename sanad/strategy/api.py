"""The national strategy through the API: the same services, selectors and policy as the pages.

Writes accept ``Idempotency-Key``; changes to a form (values, evidence, submit, return, approve)
need ``If-Match`` with the form's ETag (its version), as everywhere in the API (``sanad.api.writes``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sanad.access.actor import Actor, actor_from_request
from sanad.access.policy import Denied, can
from sanad.api.access import require_or_forbidden
from sanad.api.writes import IDEMPOTENCY, IF_MATCH, field_errors, idempotent, if_match, stale, with_etag
from sanad.audit.services import audit_record
from sanad.documents.views import pdf_response
from sanad.strategy import report, selectors, services
from sanad.strategy.models import ReportingRound, Strategy, Submission


def _num(value: Any) -> str | None:
    return None if value is None else str(value)


def strategy_data(strategy: Strategy, *, tree: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": strategy.pk,
        "code": strategy.code,
        "name_ar": strategy.name_ar,
        "name_en": strategy.name_en,
        "start_year": strategy.start_year,
        "end_year": strategy.end_year,
        "status": strategy.status,
        "derived_from": strategy.derived_from_id,
        "version": strategy.row_version,
    }
    if tree:
        data["pillars"] = [
            {
                "id": p.pk,
                "code": p.code,
                "name_ar": p.name_ar,
                "name_en": p.name_en,
                "objectives": [
                    {
                        "id": o.pk,
                        "code": o.code,
                        "name_ar": o.name_ar,
                        "name_en": o.name_en,
                        "initiatives": [
                            {"id": i.pk, "code": i.code, "name_ar": i.name_ar, "name_en": i.name_en, "lead": i.lead_id}
                            for i in o.initiatives.all()
                        ],
                        "indicators": [
                            {
                                "id": ind.pk,
                                "code": ind.code,
                                "name_ar": ind.name_ar,
                                "name_en": ind.name_en,
                                "kind": ind.kind,
                                "source": ind.source,
                                "unit": ind.unit,
                                "direction": ind.direction,
                                "baseline": _num(ind.baseline),
                                "baseline_year": ind.baseline_year,
                                "targets": {str(t.year): str(t.value) for t in ind.targets.all()},
                                "responsible": ind.responsible_id,
                                "supporting": sorted(s.pk for s in ind.supporting.all()),
                            }
                            for ind in o.indicators.all()
                        ],
                    }
                    for o in p.objectives.all()
                ],
            }
            for p in selectors.strategy_tree(strategy)
        ]
    return data


def round_data(rnd: ReportingRound) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "strategy": rnd.strategy_id,
        "name": rnd.name,
        "period_start": rnd.period_start.isoformat(),
        "period_end": rnd.period_end.isoformat(),
        "due_on": rnd.due_on.isoformat(),
        "status": rnd.status,
    }


def submission_data(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "round": submission.round_id,
        "institution": submission.institution_id,
        "status": submission.status,
        "submitted_at": submission.submitted_at,
        "reviewed_at": submission.reviewed_at,
        "review_comment": submission.review_comment,
        "version": submission.row_version,
        "entries": [
            {
                "indicator": e.indicator_id,
                "code": e.indicator.code,
                "unit": e.indicator.unit,
                "value": _num(e.value),
                "narrative": e.narrative,
                "evidence": [
                    {"id": ev.pk, "filename": ev.filename, "content_type": ev.content_type, "size": ev.size}
                    for ev in e.evidence.all()
                ],
            }
            for e in selectors.submission_entries(submission)
        ],
    }


class DraftFromSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name_ar = serializers.CharField()
    name_en = serializers.CharField()
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)


class LessonSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    round = serializers.IntegerField(required=False, allow_null=True, default=None)
    pillar = serializers.IntegerField(required=False, allow_null=True, default=None)


class RoundSerializer(serializers.Serializer[Any]):
    strategy = serializers.IntegerField()
    name = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()


class EntrySerializer(serializers.Serializer[Any]):
    indicator = serializers.IntegerField()
    value = serializers.CharField(allow_null=True, allow_blank=True, required=False, default=None)
    narrative = serializers.CharField(allow_blank=True, required=False, default="")


class EntriesSerializer(serializers.Serializer[Any]):
    entries = EntrySerializer(many=True)


class EvidenceSerializer(serializers.Serializer[Any]):
    indicator = serializers.IntegerField()
    file = serializers.FileField()


class ReviewSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(allow_blank=True, required=False, default="")


ROUND_PARAM = OpenApiParameter("round", int, required=False, description="round id (default: the latest)")


def _round_of(strategy: Strategy, request: Request) -> ReportingRound | None:
    raw = request.query_params.get("round", "")
    qs = strategy.rounds.order_by("-period_end", "-pk")
    if raw:
        if not raw.isdigit():
            raise NotFound
        found = qs.filter(pk=int(raw)).first()
        if found is None:
            raise NotFound
        return found
    return qs.first()


class StrategyViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "strategy.view")
        return Response([strategy_data(s) for s in selectors.strategy_list(actor=actor)[:100]])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        strategy = selectors.strategy_get(actor=actor, pk=int(pk))
        return with_etag(Response(strategy_data(strategy, tree=True)), strategy.row_version)

    @extend_schema(request=DraftFromSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="draft-from")
    def draft_from(self, request: Request, pk: str) -> Response:
        """A new draft strategy copied from this one (pillars, objectives, initiatives, indicators, targets)."""
        actor = actor_from_request(request)
        strategy = selectors.strategy_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, "strategy.manage", strategy)

        def handler() -> Response:
            s = DraftFromSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            try:
                new = services.strategy_draft_from(actor=actor, strategy=strategy, **s.validated_data)
            except ValidationError as exc:
                return field_errors(exc)
            return Response(strategy_data(new, tree=True), status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)

    @extend_schema(request=None, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        strategy = selectors.strategy_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, "strategy.manage", strategy)

        def handler() -> Response:
            try:
                done = services.strategy_activate(actor=actor, strategy=strategy)
            except ValidationError as exc:
                return field_errors(exc)
            return Response(strategy_data(done))

        return idempotent(request, actor, handler)

    @extend_schema(parameters=[ROUND_PARAM])
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        """Each indicator against its target in a round (on track / at risk / off track / no data), and the
        counts per pillar and per responsible institution. An institution sees its own indicators."""
        actor = actor_from_request(request)
        strategy = selectors.strategy_get(actor=actor, pk=int(pk), action="strategy.progress")
        rnd = _round_of(strategy, request)
        rows = selectors.progress(actor=actor, strategy=strategy, rnd=rnd)
        pillars, institutions = selectors.summaries(rows)
        return Response(
            {
                "round": rnd.pk if rnd else None,
                "indicators": [
                    {
                        "indicator": r.indicator.pk,
                        "code": r.indicator.code,
                        "kind": r.indicator.kind,
                        "pillar": r.indicator.objective.pillar.code,
                        "responsible": r.indicator.responsible_id,
                        "unit": r.indicator.unit,
                        "baseline": _num(r.indicator.baseline),
                        "target": _num(r.target),
                        "value": _num(r.value),
                        "progress": _num(r.progress),
                        "status": r.status,
                        "as_of": r.as_of,
                        "basis": r.basis,
                        "suppressed": r.suppressed,
                    }
                    for r in rows
                ],
                "pillars": [{"pillar": s.key.code, "counts": dict(s.counts)} for s in pillars],
                "institutions": [{"institution": s.key.pk, "counts": dict(s.counts)} for s in institutions],
            }
        )

    @extend_schema(request=LessonSerializer, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def lessons(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        strategy = selectors.strategy_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, "strategy.manage", strategy)

        def handler() -> Response:
            s = LessonSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            d = s.validated_data
            try:
                lesson = services.lesson_record(
                    actor=actor, strategy=strategy, text=d["text"], round_id=d["round"], pillar_id=d["pillar"]
                )
            except ValidationError as exc:
                return field_errors(exc)
            return Response(
                {"id": lesson.pk, "text": lesson.text, "round": lesson.round_id, "pillar": lesson.pillar_id},
                status=status.HTTP_201_CREATED,
            )

        return idempotent(request, actor, handler)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class StrategyReportView(APIView):
    """The evaluation report of a round (default: the latest) as Arabic PDF or XLSX, as the pages give it."""

    @extend_schema(
        parameters=[ROUND_PARAM],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        actor = actor_from_request(request)
        strategy = selectors.strategy_get(actor=actor, pk=int(pk), action="strategy.report")
        rnd = _round_of(strategy, request)
        if rnd is None or fmt not in ("pdf", "xlsx"):
            raise NotFound
        name = f"strategy-{strategy.pk}-round-{rnd.pk}.{fmt}"
        language = get_language() or "ar"
        if fmt == "pdf":
            return pdf_response(report.build_pdf(actor=actor, strategy=strategy, rnd=rnd, language=language), name)
        return xlsx_response(report.build_xlsx(actor=actor, strategy=strategy, rnd=rnd, language=language), name)


class ReportingRoundViewSet(viewsets.ViewSet):
    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "strategy.round_view")
        return Response([round_data(r) for r in selectors.round_list(actor=actor)[:100]])

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        rnd = selectors.round_get(actor=actor, pk=int(pk))
        data = round_data(rnd)
        data["submissions"] = [
            {"id": s.pk, "institution": s.institution_id, "status": s.status}
            for s in selectors.submission_list(actor=actor, rnd=rnd)
        ]
        return Response(data)

    @extend_schema(request=None, parameters=[IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Close a round: its forms can no longer be changed, and reminders stop."""
        actor = actor_from_request(request)
        rnd = selectors.round_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, "strategy.manage", rnd.strategy)

        def handler() -> Response:
            return Response(round_data(services.round_close(actor=actor, rnd=rnd)))

        return idempotent(request, actor, handler)

    @extend_schema(request=RoundSerializer, parameters=[IDEMPOTENCY])
    def create(self, request: Request) -> Response:
        """Open a round: each institution responsible for a reported indicator gets its form."""
        actor = actor_from_request(request)
        require_or_forbidden(actor, "strategy.manage")

        def handler() -> Response:
            s = RoundSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            d = s.validated_data
            strategy = selectors.strategy_list(actor=actor).filter(pk=d["strategy"]).first()
            if strategy is None:
                return Response({"strategy": ["Choose a strategy of your country."]}, status=400)
            try:
                rnd = services.round_open(
                    actor=actor,
                    strategy=strategy,
                    name=d["name"],
                    period_start=d["period_start"],
                    period_end=d["period_end"],
                    due_on=d["due_on"],
                )
            except ValidationError as exc:
                return field_errors(exc)
            return Response(round_data(rnd), status=status.HTTP_201_CREATED)

        return idempotent(request, actor, handler)


class SubmissionViewSet(viewsets.ViewSet):
    """Institutions' forms: an institution sees its own, the council all of its country."""

    def list(self, request: Request) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "strategy.submission_view")
        qs = selectors.submission_list(actor=actor)
        if request.query_params.get("round", "").isdigit():
            qs = qs.filter(round_id=int(request.query_params["round"]))
        return Response(
            [
                {"id": s.pk, "round": s.round_id, "institution": s.institution_id, "status": s.status}
                for s in qs.order_by("-round__period_end", "institution__code")[:200]
            ]
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        actor = actor_from_request(request)
        submission = selectors.submission_get(actor=actor, pk=int(pk))
        return with_etag(Response(submission_data(submission)), submission.row_version)

    def _change(
        self, request: Request, pk: str, action_name: str, run: Callable[[Actor, Submission, int], Any]
    ) -> Response:
        actor = actor_from_request(request)
        submission = selectors.submission_get(actor=actor, pk=int(pk))
        require_or_forbidden(actor, action_name, submission)
        expected = if_match(request, noun="form")
        if isinstance(expected, Response):
            return expected

        def handler() -> Response:
            try:
                run(actor, submission, expected)
            except services.StaleVersion as exc:
                return stale(exc.current, noun="form")
            except ValidationError as exc:
                return field_errors(exc)
            except Denied:
                raise PermissionDenied from None
            fresh = selectors.submission_get(actor=actor, pk=submission.pk)
            return with_etag(Response(submission_data(fresh)), fresh.row_version)

        return idempotent(request, actor, handler)

    @extend_schema(request=EntriesSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    def partial_update(self, request: Request, pk: str) -> Response:
        """Save values and narratives; field errors as ``entries.<indicator id>.value``."""

        def run(actor: Actor, submission: Submission, expected: int) -> Any:
            s = EntriesSerializer(data=request.data)
            if not s.is_valid():
                raise ValidationError({"entries": ["Send entries: [{indicator, value, narrative}]."]})
            entries = [
                services.EntryInput(indicator_id=e["indicator"], value=e["value"], narrative=e["narrative"])
                for e in s.validated_data["entries"]
            ]
            return services.submission_save(
                actor=actor, submission=submission, entries=entries, expected_version=expected
            )

        return self._change(request, pk, "strategy.submission_fill", run)

    @extend_schema(request={"multipart/form-data": EvidenceSerializer}, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str) -> Response:
        def run(actor: Actor, submission: Submission, expected: int) -> Any:
            s = EvidenceSerializer(data=request.data)
            if not s.is_valid():
                raise ValidationError({k: [str(m) for m in v] for k, v in s.errors.items()})
            upload = s.validated_data["file"]
            return services.evidence_add(
                actor=actor,
                submission=submission,
                indicator_id=s.validated_data["indicator"],
                filename=upload.name,
                data=upload.read(),
                expected_version=expected,
            )

        return self._change(request, pk, "strategy.submission_fill", run)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<evidence_id>\d+)")
    def evidence_download(self, request: Request, pk: str, evidence_id: str) -> HttpResponse:
        actor = actor_from_request(request)
        submission = selectors.submission_get(actor=actor, pk=int(pk))
        return evidence_response(actor, submission, int(evidence_id))

    @extend_schema(request=None, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "strategy.submission_fill",
            lambda actor, s, v: services.submission_submit(actor=actor, submission=s, expected_version=v),
        )

    @extend_schema(request=ReviewSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_corrections(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "strategy.submission_review",
            lambda actor, s, v: services.submission_return(
                actor=actor, submission=s, comment=_comment(request), expected_version=v
            ),
        )

    @extend_schema(request=ReviewSerializer, parameters=[IF_MATCH, IDEMPOTENCY])
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._change(
            request,
            pk,
            "strategy.submission_review",
            lambda actor, s, v: services.submission_approve(
                actor=actor, submission=s, comment=_comment(request), expected_version=v
            ),
        )


def _comment(request: Request) -> str:
    data = request.data
    return str(data.get("comment", "")) if hasattr(data, "get") else ""


def evidence_response(actor: Actor, submission: Submission, evidence_id: int) -> HttpResponse:
    """Served only to those who may see the form, audited, never cached or rendered inline."""
    from django.http import Http404

    from sanad.strategy.models import Evidence

    if not can(actor, "strategy.submission_view", submission):
        raise Http404
    evidence = Evidence.objects.filter(pk=evidence_id, entry__submission=submission).first()
    if evidence is None:
        raise Http404
    audit_record(
        actor=actor,
        action="strategy.evidence_download",
        object_type="strategy.submission",
        object_id=submission.pk,
        details={"evidence": evidence.pk},
    )
    response = HttpResponse(services.evidence_bytes(evidence), content_type=evidence.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(evidence.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
