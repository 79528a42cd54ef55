"""Regenerate every image's renditions (after changing widths or formats), with a progress bar."""

import sys

from django.core.management.base import BaseCommand

from articles.images import make_renditions
from articles.models import Image


class Command(BaseCommand):
    help = "Regenerate the renditions of every image."

    def handle(self, *args, **options):
        images = Image.objects.order_by("pk")
        total = images.count()
        for done, image in enumerate(images.iterator(), start=1):
            image.renditions = make_renditions(image)
            image.save(update_fields=["renditions"])
            filled = round(30 * done / total)
            self.stdout.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {done}/{total} {image.title[:40]:<40}", ending="")
            if not sys.stdout.isatty():
                self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"\nRenditions regenerated for {total} images."))
