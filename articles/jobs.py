"""Queue a background job by its name: the code that asks for a job never imports the module that runs it.

Jobs (articles/tasks.py, delivery/tasks.py) call services, so services that start jobs name them instead of
importing them, and no import runs in a circle. The Celery app knows every job once it is finalised (its
autodiscovery imports each installed app's tasks module); without `REDIS_URL` the job runs in-process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import current_app

if TYPE_CHECKING:
    from celery.result import AsyncResult


def enqueue(name: str, *args: object) -> AsyncResult:
    return current_app.tasks[name].delay(*args)
