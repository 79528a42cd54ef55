"""Background jobs of delivery."""

from celery import shared_task

from delivery import backends


@shared_task(name="delivery.purge_proxies", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def purge_proxies(paths):
    """Tell every caching proxy in front of the site to drop these paths (every query string of each)."""
    for backend in backends.configured():
        backend.purge(paths)
    return len(paths)
