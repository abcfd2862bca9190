from __future__ import annotations

from django.urls import path

from trepart.savings import views

urlpatterns = [
    path("besparelser/samarbeid-lonner-seg/", views.seed_study_page, name="seed_study"),
    path("besparelser/samarbeid-lonner-seg/pdf/", views.seed_study_pdf, name="seed_study_pdf"),
]
