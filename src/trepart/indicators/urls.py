from __future__ import annotations

from django.urls import path

from trepart.indicators import views

urlpatterns = [
    path(
        "kommuner/<str:code>/indikatorer/",
        views.municipality_indicators,
        name="municipality_indicators",
    ),
    path("indikatorer/mal.<str:fmt>", views.import_template, name="indicator_template"),
]
