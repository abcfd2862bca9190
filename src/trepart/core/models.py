from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write done through an action (``do_*``): who, what, on which object, when."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Job(models.Model):
    """A long piece of work run by a background task, as its user sees it.

    Started through :func:`trepart.core.jobs.start`; the task reports progress and ends it as
    succeeded (with a result summary and a link to what it produced) or failed (with errors).
    """

    kind = models.CharField(_("kind"), max_length=60)
    #: an English source string, translated when shown; ``%(name)s`` from title_params
    title = models.CharField(_("title"), max_length=300)
    title_params = models.JSONField(_("title parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    #: an English source string, translated when shown; ``%(name)s`` from message_params
    message = models.CharField(_("message"), max_length=300, blank=True)
    message_params = models.JSONField(_("message parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    #: each error as {"file", "row", "column", "reason"} (row may be null, column empty)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("error count"), default=0)
    result_url = models.CharField(_("result link"), max_length=500, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    #: the uploaded file's name in the job's directory, while the job is not finished
    upload_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}: {self.title}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    # -- while running: progress goes to a small file beside the upload, not to the database,
    # so it is seen while the task is inside a long transaction (an all-or-nothing import).

    @property
    def directory(self) -> Path:
        """Where the job keeps its upload and its progress while it runs (under the data dir)."""
        return Path(settings.DATA_DIR) / "jobs" / str(self.pk)

    @property
    def upload(self) -> Path | None:
        return self.directory / self.upload_name if self.upload_name else None

    def report(self, progress: float, message: str = "", **params: Any) -> None:
        """Record progress (0–1) and what is being done; cheap enough to call for every chunk.

        ``message`` is an English source string marked with ``gettext_noop``; it is translated
        when shown, with ``params`` filled in.
        """
        progress = min(max(float(progress), 0.0), 1.0)
        self.progress, self.message, self.message_params = progress, message, params
        now = time.monotonic()
        last = getattr(self, "_last_report", None)
        if (
            last is not None
            and now - last[0] < REPORT_INTERVAL
            and last[1] == message
            and progress < 1.0
        ):
            return
        self._last_report = (now, message)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "progress.json"
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(
            json.dumps({"progress": progress, "message": message, "params": params})
        )
        os.replace(temporary, path)

    def live(self) -> tuple[float, str]:
        """Progress (0–1) and the translated message: from the progress file while running."""
        progress, message, params = self.progress, self.message, self.message_params
        if self.status == JobStatus.RUNNING:
            try:
                raw = json.loads((self.directory / "progress.json").read_text())
            except (OSError, ValueError):
                pass
            else:
                progress, message, params = raw["progress"], raw["message"], raw["params"]
        return progress, _translated(message, params)

    def display_title(self) -> str:
        return _translated(self.title, self.title_params)


#: seconds between two progress reports with the same message
REPORT_INTERVAL = 0.2


def _translated(source: str, params: dict[str, Any]) -> str:
    if not source:
        return ""
    # Whole numbers are shown as the language writes them (100 000, 100,000).
    params = {
        name: number_format(value, force_grouping=True)
        if isinstance(value, int) and not isinstance(value, bool)
        else value
        for name, value in params.items()
    }
    text = gettext(source)
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):
        return source % params if params else source
