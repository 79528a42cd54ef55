"""Queue a background job by its name: the code that asks for a job never imports the module that runs it.

Jobs (articles/tasks.py, delivery/tasks.py) call services, so services that start jobs name them instead of
importing them, and no import runs in a circle. The Celery app knows every job once it is finalised (its
autodiscovery imports each installed app's tasks module); without `REDIS_URL` the job runs in-process.
"""

from celery import current_app


def enqueue(name, *args):
    return current_app.tasks[name].delay(*args)
