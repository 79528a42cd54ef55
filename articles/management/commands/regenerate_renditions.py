"""Regenerate every image's renditions (after changing widths or formats): each goes to the image worker."""

from django.core.management.base import BaseCommand

from articles import services
from articles.models import Image


class Command(BaseCommand):
    help = "Have the image worker cut the renditions of every image again (in the background where a worker runs)."

    def handle(self, *args, **options):
        total = 0
        for image in Image.objects.exclude(file="").order_by("pk").iterator():
            services.regenerate_renditions(image=image)
            total += 1
        self.stdout.write(self.style.SUCCESS(f"Renditions of {total} images sent to the image worker."))
