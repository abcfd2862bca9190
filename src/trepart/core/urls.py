from __future__ import annotations

from django.urls import path

from trepart.core import views

urlpatterns = [
    path("jobber/", views.my_jobs, name="my_jobs"),
    path("jobber/<int:job_id>/", views.job, name="job"),
    path("jobber/<int:job_id>/status/", views.job_status, name="job_status"),
]
