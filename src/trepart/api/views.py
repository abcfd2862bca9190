"""The API's front page: what the API offers, generated from its OpenAPI document."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trepart.api.urls import api


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    description: str


def endpoints() -> list[Endpoint]:
    """Every operation in the OpenAPI document, in the document's order."""
    schema = api.get_openapi_schema()
    return [
        Endpoint(
            method=method.upper(),
            path=path,
            description=(operation.get("description") or operation.get("summary") or "")
            .split("\n\n")[0]
            .strip(),
        )
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "api/overview.html", {"endpoints": endpoints(), "api": api})
