from __future__ import annotations

from django.urls import path

from trepart.registry import views

urlpatterns = [
    path("program/<slug:slug>/", views.programme, name="programme"),
    path("kommuner/", views.municipality_search, name="municipality_search"),
    path("kommuner/<str:code>/", views.municipality, name="municipality"),
]
