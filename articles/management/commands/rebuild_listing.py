"""Bring the listing index in line with the data, or with --check report drift and exit 1; --language builds one
language's rows (after adding it to LANGUAGES) in batches, as the background job does, with its progress."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import integrity, listing, services
from articles.languages import language_codes


class Command(BaseCommand):
    help = "Rebuild the listing index; --check only reports whether it differs from a rebuild (exit 1 if it does)."
    what = "listing index"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report drift from a full rebuild without writing; exit 1 on drift.")
        parser.add_argument("--language", help="Build only this language's rows (a language just added), batch by batch.")

    def drift(self):
        return integrity.listing_drift()

    def rebuild(self):
        return listing.rebuild_all()

    def handle(self, *args, check=False, language=None, **options):
        if language:
            return self.build_language(language)
        if check:
            extra, missing = self.drift()
            if extra or missing:
                for row in sorted(extra, key=repr)[:20]:
                    self.stdout.write(f"  not in a rebuild: {row}")
                for row in sorted(missing, key=repr)[:20]:
                    self.stdout.write(f"  missing: {row}")
                raise CommandError(f"The {self.what} has drifted: {len(extra)} rows too many, {len(missing)} missing.", returncode=1)
            self.stdout.write(self.style.SUCCESS(f"The {self.what} is what a rebuild would make."))
            return
        count = self.rebuild()
        self.stdout.write(self.style.SUCCESS(f"The {self.what} was rebuilt" + (f": {count} rows." if count is not None else ".")))

    def build_language(self, language):
        if language not in language_codes():
            raise CommandError(f"{language!r} is not in LANGUAGES: add it to the settings first.")
        with transaction.atomic():
            job = services.add_language_rows(language=language)  # queued at commit, unless run here first
        while not job.finished_at:
            job = services.run_fan_out(job.pk, max_batches=10)
            self.stdout.write(f"  {job.done:,} of {job.total:,} pieces")
        self.stdout.write(self.style.SUCCESS(f"The {language} listings are built: {job.done:,} pieces."))
