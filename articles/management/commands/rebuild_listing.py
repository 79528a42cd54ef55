"""Rebuild the listing index from the data (after adding a language), or with --check report drift and exit 1."""

from django.core.management.base import BaseCommand, CommandError

from articles import integrity, listing


class Command(BaseCommand):
    help = "Rebuild the listing index; --check only reports whether it differs from a rebuild (exit 1 if it does)."
    what = "listing index"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report drift from a full rebuild without writing; exit 1 on drift.")

    def drift(self):
        return integrity.listing_drift()

    def rebuild(self):
        return listing.rebuild_all()

    def handle(self, *args, check=False, **options):
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
