from __future__ import annotations

from django.urls import path

from trepart.savings import views

urlpatterns = [
    path("besparelser/samarbeid-lonner-seg/", views.seed_study_page, name="seed_study"),
    path("besparelser/samarbeid-lonner-seg/pdf/", views.seed_study_pdf, name="seed_study_pdf"),
    path("kommuner/<str:code>/besparelser/", views.scenario_page, name="savings_scenario"),
    path("kommuner/<str:code>/besparelser/pdf/", views.scenario_pdf, name="savings_scenario_pdf"),
]
