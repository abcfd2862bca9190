from __future__ import annotations

from django.urls import path

from trepart.evaluation import views

urlpatterns = [
    path("effektstudier/", views.study_list, name="effect_studies"),
    path("effektstudier/ny/did/", views.new_did, name="effect_study_new_did"),
    path(
        "effektstudier/ny/syntetisk-kontroll/",
        views.new_synth,
        name="effect_study_new_synth",
    ),
    path("effektstudier/<int:pk>/", views.study, name="effect_study"),
    path("effektstudier/<int:pk>/pdf/", views.study_pdf, name="effect_study_pdf"),
    path("effektstudier/<int:pk>/kjor-pa-nytt/", views.rerun, name="effect_study_rerun"),
]
