from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """Serving readers: the page cache and its exact purge, HTTP caching headers, proxy purge."""

    name = "delivery"
    verbose_name = "Delivery"

    def ready(self):
        from articles.events import change_event
        from delivery import purge, tasks  # noqa: F401  (tasks: its jobs are registered, for enqueue() by name)

        change_event.connect(purge.on_change, dispatch_uid="delivery.purge")
