from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trepart.registry import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"programmes": selectors.programme_summaries()})
