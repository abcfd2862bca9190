from __future__ import annotations

from django.urls import path

from trepart.savings import views

urlpatterns = [
    path("besparelser/samarbeid-lonner-seg/", views.seed_study_page, name="seed_study"),
    path("besparelser/samarbeid-lonner-seg/pdf/", views.seed_study_pdf, name="seed_study_pdf"),
    path("kommuner/<str:code>/besparelser/", views.scenario_page, name="savings_scenario"),
    path("kommuner/<str:code>/besparelser/pdf/", views.scenario_pdf, name="savings_scenario_pdf"),
    path("kommuner/<str:code>/besparelser/lagre/", views.save_scenario, name="save_scenario"),
    path("kommuner/<str:code>/besparelser/lagret/", views.saved_scenarios, name="saved_scenarios"),
    path(
        "kommuner/<str:code>/besparelser/lagret/<int:pk>/pdf/",
        views.saved_scenario_pdf,
        name="saved_scenario_pdf",
    ),
    path(
        "kommuner/<str:code>/besparelser/lagret/<int:pk>/slett/",
        views.delete_saved_scenario,
        name="delete_saved_scenario",
    ),
]
