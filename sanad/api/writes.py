"""What every write of the API shares: ``Idempotency-Key`` (a replay returns the first answer, the
same key with another body is refused), ``If-Match`` with the record's version as its ETag (428
without, 412 when stale) and field errors as 400 ``{field: [messages]}``. Cases, referrals,
multi-agency review and linkage review all answer through these."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from sanad.access.actor import Actor
from sanad.cases.models import IdempotentResponse

IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER, required=False)
IF_MATCH = OpenApiParameter("If-Match", str, location=OpenApiParameter.HEADER, required=True)


def field_errors(exc: ValidationError) -> Response:
    """400 with machine-readable field errors: {field: [messages]}; ``__all__`` for the whole record."""
    body = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def idempotent(request: Request, actor: Actor, handler: Callable[[], Response]) -> Response:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        return handler()
    if len(key) > 200 or actor.user is None:
        return Response({"Idempotency-Key": ["too long"]}, status=status.HTTP_400_BAD_REQUEST)
    endpoint = f"{request.method} {request.path}"
    body_hash = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()

    def replay(first: IdempotentResponse) -> Response:
        if first.endpoint != endpoint or first.body_hash != body_hash:
            return Response(
                {"Idempotency-Key": ["This key was used for a different request; use a new key."]},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        response = Response(first.body, status=first.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    first = IdempotentResponse.objects.filter(user=actor.user, key=key).first()
    if first is not None:
        return replay(first)
    try:
        with transaction.atomic():
            response = handler()
            # Only successes are remembered: a refused request may be corrected and sent again.
            if 200 <= response.status_code < 300:
                IdempotentResponse.objects.create(
                    user=actor.user,
                    key=key,
                    endpoint=endpoint,
                    body_hash=body_hash,
                    status_code=response.status_code,
                    body=response.data,
                )
    except IntegrityError:
        # The same key raced in from another request and committed first: its write stands, ours is undone.
        return replay(IdempotentResponse.objects.get(user=actor.user, key=key))
    return response


def if_match(request: Request, *, noun: str) -> int | Response:
    """The version the client last read, from ``If-Match``; or the response refusing the request."""
    raw = (request.headers.get("If-Match") or "").strip().removeprefix("W/").strip('"')
    if not raw:
        return Response(
            {"If-Match": [f"Send the {noun}'s ETag in If-Match to change it."]},
            status=status.HTTP_428_PRECONDITION_REQUIRED,
        )
    if not raw.isdigit():
        return Response({"If-Match": [f"Not a version of this {noun}."]}, status=status.HTTP_412_PRECONDITION_FAILED)
    return int(raw)


def with_etag(response: Response, version: int) -> Response:
    response["ETag"] = f'"{version}"'
    return response


def stale(current: int, *, noun: str) -> Response:
    return Response(
        {
            "detail": f"The {noun} changed since you loaded it; reload it and apply your change again.",
            "code": "stale_version",
            "current_version": current,
        },
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": f'"{current}"'},
    )
