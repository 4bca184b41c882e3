"""The statistics API: indicator definitions and protected aggregates, never a record.

``GET /api/v1/statistics/indicators/`` lists the indicators; ``GET .../indicators/{code}/?period_start=
2025-01-01&period_end=2025-12-31&by=governorate,sex&sex=female`` answers one, with the same small-cell
protection as the pages: a suppressed cell has ``value: null`` and ``flag`` "primary" or "secondary".
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sanad.access.actor import actor_from_request
from sanad.api.access import require_or_forbidden
from sanad.statistics.dashboard import FILTER_DIMS
from sanad.statistics.indicators import DIMENSIONS, INDICATORS, IndicatorError, compute
from sanad.statistics.labels import label_map, order_keys
from sanad.statistics.suppression import Cell
from sanad.statistics.views import country_id_of


class IndicatorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()
    dimensions = serializers.ListField(child=serializers.CharField())


def _indicator(code: str) -> dict[str, Any]:
    i = INDICATORS[code]
    return {
        "code": i.code,
        "title": str(i.title),
        "unit": str(i.unit),
        "definition": str(i.definition),
        "dimensions": list(i.dimensions),
    }


class IndicatorListView(APIView):
    @extend_schema(operation_id="statistics_indicators_list", responses=IndicatorSerializer(many=True))
    def get(self, request: Request) -> Response:
        require_or_forbidden(actor_from_request(request), "statistics.definitions")
        return Response([_indicator(code) for code in INDICATORS])


class CellSerializer(serializers.Serializer[Any]):
    value = serializers.IntegerField(allow_null=True, help_text="null when suppressed")
    flag = serializers.ChoiceField(choices=["", "primary", "secondary"])


QueryError = inline_serializer(
    "StatisticsQueryError",
    {"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
)


class ValueSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="null when suppressed")
    n = CellSerializer()


class RowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    cells = CellSerializer(many=True)
    total = CellSerializer()


class ResultSerializer(serializers.Serializer[Any]):
    indicator = IndicatorSerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    by = serializers.ListField(child=serializers.CharField())
    filters = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    rule = serializers.CharField()
    threshold = serializers.IntegerField()
    columns = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    rows = RowSerializer(many=True)
    column_totals = CellSerializer(many=True)
    total = CellSerializer()
    values = ValueSerializer(many=True)


class QuerySerializer(serializers.Serializer[Any]):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    by = serializers.CharField(required=False, allow_blank=True, default="")


def _cell(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "flag": cell.flag}


PARAMETERS = [
    OpenApiParameter("period_start", OpenApiTypes.DATE, required=True, description="First day (whole months)."),
    OpenApiParameter("period_end", OpenApiTypes.DATE, required=True),
    OpenApiParameter("by", OpenApiTypes.STR, description="Up to two dimensions, comma-separated (rows, columns)."),
    *[
        OpenApiParameter(dim, OpenApiTypes.STR, description=f"Filter: {DIMENSIONS[dim].label} (comma-separated).")
        for dim in FILTER_DIMS
    ],
]


class IndicatorValueView(APIView):
    @extend_schema(
        operation_id="statistics_indicator_compute",
        parameters=PARAMETERS,
        responses={200: ResultSerializer, 400: QueryError},
    )
    def get(self, request: Request, code: str) -> Response:
        actor = actor_from_request(request)
        require_or_forbidden(actor, "statistics.view")
        query = QuerySerializer(data=request.query_params)
        if not query.is_valid():
            return Response({"errors": query.errors}, status=400)
        data = query.validated_data
        if code not in INDICATORS:
            return Response({"errors": {"code": [f"unknown indicator {code!r}"]}}, status=404)
        by = [d for d in data["by"].split(",") if d]
        unknown = [d for d in by if d not in DIMENSIONS]
        if unknown:
            return Response({"errors": {"by": [f"unknown dimension {d!r}" for d in unknown]}}, status=400)
        filters = {
            dim: [v for v in request.query_params[dim].split(",") if v]
            for dim in FILTER_DIMS
            if request.query_params.get(dim)
        }
        country_id = country_id_of(actor)
        try:
            result = compute(
                code,
                period_start=data["period_start"],
                period_end=data["period_end"],
                filters=filters,
                by=by,
                country_id=country_id,
                order=order_keys,
            )
        except IndicatorError as exc:
            return Response({"errors": {"query": [str(exc)]}}, status=400)
        rows_labels = label_map(by[0], country_id) if by else {}
        cols_labels = label_map(by[1], country_id) if len(by) > 1 else {}
        t = result.table
        return Response(
            {
                "indicator": _indicator(code),
                "period_start": result.period_start,
                "period_end": result.period_end,
                "by": by,
                "filters": filters,
                "rule": result.rule.text(),
                "threshold": result.rule.threshold,
                "columns": [{"key": c, "label": cols_labels.get(c, c)} for c in t.col_keys] if len(by) > 1 else [],
                "rows": [
                    {
                        "key": k,
                        "label": rows_labels.get(k, k),
                        "cells": [_cell(c) for c in cells],
                        "total": _cell(total),
                    }
                    for k, cells, total in zip(t.row_keys, t.cells, t.row_totals, strict=True)
                ]
                if by
                else [],
                "column_totals": [_cell(c) for c in t.col_totals] if len(by) > 1 else [],
                "total": _cell(t.total),
                "values": [{"key": k, "value": v.value, "n": _cell(v.n)} for k, v in result.values.items()],
            }
        )
