from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from trepart import __version__


def site(request: HttpRequest) -> dict[str, Any]:
    return {"trepart_version": __version__}
