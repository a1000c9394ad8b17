"""Celery tasks of the console: building an export, and deleting the organisations whose grace period has passed."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def build_export(export_id: int) -> str:
    return services.build_export(export_id=export_id).status


@shared_task(ignore_result=True)
def delete_due_organisations() -> list[str]:
    return services.delete_due()
