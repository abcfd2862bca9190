from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests render templates without running collectstatic first (no manifest needed)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class HttpsClient(Client):
    """A browser on HTTPS, as in production (plain HTTP is redirected to HTTPS)."""

    def request(self, **request: Any) -> Any:
        request.update({"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        return super().request(**request)


@pytest.fixture
def client(settings: Any) -> Client:
    """A visitor who chose English, so tests can read the source strings.

    Bokmål as the default and the nb/nn catalogues are tested in tests/core and tests/e2e.
    """
    client = HttpsClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def bokmal_client() -> Client:
    """A first-time visitor with no language chosen: the interface is in bokmål."""
    return HttpsClient()
