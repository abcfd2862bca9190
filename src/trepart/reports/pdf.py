"""PDF reports: the same Django templates, rendered by WeasyPrint (no browser, no network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _static_roots() -> list[Path]:
    roots = [Path(directory).resolve() for directory in settings.STATICFILES_DIRS]
    return [*roots, Path(settings.STATIC_ROOT).resolve()]


class _LocalFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
    """Resolves /static/ URLs to Trepart's own files and refuses everything else."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if url.startswith("file://"):
            # Relative URLs inside a stylesheet (fonts) resolve to the stylesheet's file.
            local = Path(urlsplit(url).path).resolve()
            if any(local.is_relative_to(root) for root in _static_roots()):
                return super().fetch(url, headers)
            raise ValueError(f"PDF reports load no files from outside Trepart: {url}")
        path = urlsplit(url).path
        if path.startswith(settings.STATIC_URL):
            relative = path[len(settings.STATIC_URL) :]
            # Collected files (hashed names, as {% static %} writes them in production) first,
            # then the sources (development and tests).
            collected = (Path(settings.STATIC_ROOT) / relative).resolve()
            if (
                collected.is_relative_to(Path(settings.STATIC_ROOT).resolve())
                and collected.is_file()
            ):
                return super().fetch(collected.as_uri(), headers)
            found = finders.find(relative)
            if isinstance(found, str):
                return super().fetch(Path(found).as_uri(), headers)
        raise ValueError(f"PDF reports load no files from outside Trepart: {url}")


def render_pdf(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """Render ``template`` to a PDF download named ``filename``."""
    html = render_to_string(template, context, request=request)
    document = weasyprint.HTML(
        string=html,
        base_url=request.build_absolute_uri("/"),
        url_fetcher=_LocalFetcher(allowed_protocols=("file",), fail_on_errors=True),
    )
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
