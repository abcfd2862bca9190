from __future__ import annotations

from django.urls import path

from trepart.indicators import register_views, uploads, views

urlpatterns = [
    path(
        "kommuner/<str:code>/indikatorer/",
        views.municipality_indicators,
        name="municipality_indicators",
    ),
    path("indikatorer/mal.<str:fmt>", views.import_template, name="indicator_template"),
    path("indikatorer/import/", uploads.upload, name="indicator_upload"),
    path("indikatorer/import/registeruttrekk/", register_views.upload, name="register_upload"),
]
