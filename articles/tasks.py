"""Background jobs. Each one calls a service and holds no rule of its own."""

from celery import shared_task

from . import services


@shared_task(name="articles.make_image_renditions", acks_late=True)
def make_image_renditions(image_id):
    """Write an image's renditions (after an upload or a crop change)."""
    services.make_renditions_now(image_id=image_id)
    return image_id


@shared_task(name="articles.go_live_due")
def go_live_due():
    """Every minute (beat): announce the scheduled versions whose time has come."""
    return services.go_live_due()
