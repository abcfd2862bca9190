from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from trepart.api import views as api_views
from trepart.api.urls import api
from trepart.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("sprak/", set_language, name="set_language"),
    path("", include("trepart.core.urls")),
    path("", include("trepart.registry.urls")),
    path("", include("trepart.savings.urls")),
    path("", include("trepart.indicators.urls")),
    path("", include("trepart.evaluation.urls")),
    path("api/", api_views.overview, name="api_overview"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
