"""Background jobs. Each one calls a service and holds no rule of its own."""

from celery import shared_task

from articles import services


@shared_task(name="articles.process_image", acks_late=True)
def process_image(image_id):
    """Decode an upload (or re-cut renditions after a crop change) in the bounded image worker."""
    services.process_image(image_id=image_id)
    return image_id


@shared_task(name="articles.make_image_renditions", acks_late=True)
def make_image_renditions(image_id):
    """The name this job had before uploads waited for the worker: jobs queued under it still run."""
    return process_image(image_id)


@shared_task(name="articles.go_live_due")
def go_live_due():
    """Every minute (beat): announce the scheduled versions whose time has come."""
    return services.go_live_due()


@shared_task(name="articles.sweep_pending_uploads")
def sweep_pending_uploads():
    """Daily (beat): delete pending uploads that no image row names."""
    return services.sweep_pending_uploads()


@shared_task(name="articles.mail_assignment", acks_late=True)
def mail_assignment(assignment_id, reason, site_url=None):
    """Mail a translator: a piece was assigned to them, or the source of one they were assigned changed."""
    return services.mail_assignment(assignment_id=assignment_id, reason=reason, site_url=site_url)


@shared_task(name="articles.fan_out", acks_late=True)
def fan_out(fan_out_id):
    """The background part of a change many pieces show (a tag or author renamed, a language added), in batches."""
    job = services.run_fan_out(fan_out_id)
    return job and job.done


@shared_task(name="articles.resume_fan_outs")
def resume_fan_outs():
    """Every minute (beat): resume the fan-out jobs whose worker died, after the last batch they finished."""
    return services.resume_fan_outs()
