"""The version admin, in parts: `admin` (the form and its permissions, registered here), `changelist` (filters and
columns), `actions`, `review` (the review panel), `translation` (the desk's screens), `history` (compare and restore),
`images` (the images inline), `links`."""

from cms.admin.article.admin import ArticleAdmin  # noqa: F401  (registers it)
