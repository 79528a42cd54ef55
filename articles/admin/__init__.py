"""The CMS: editors' and translators' admin. Importing the modules registers them."""

from . import article, taxonomy  # noqa: F401
