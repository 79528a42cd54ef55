"""The desk's background jobs: each calls one function of the desk and holds no rule of its own."""

from celery import shared_task


@shared_task(name="desk.remember_translation", acks_late=True)
def remember_translation(version_id):
    """Record a published translation's segments in the translation memory (desk.memory.remember)."""
    from articles.models import PieceVersion
    from desk import memory

    version = PieceVersion.objects.select_related("piece__source").filter(pk=version_id).first()
    return memory.remember(version) if version else 0
