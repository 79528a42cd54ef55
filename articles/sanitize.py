"""Server-side cleaning of rich text: whatever an editor's browser sent, only this survives."""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "q",
    "cite",
    "em",
    "strong",
    "i",
    "b",
    "sub",
    "sup",
    "abbr",
    "a",
    "hr",
    "figure",
    "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
FIGURE_ATTRIBUTES = {"img": {"src", "alt", "data-file"}}  # an article body's figures: a library image (articles/figures.py)
ALLOWED_CLASSES = {"figure": {"figure"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html, figures=False):
    """Return `html` with scripts, event handlers, styles, frames and unsafe URLs removed; `figures`: keep the
    <img> of a figure (an article body, whose figures `articles.figures.bind` then ties to the image library)."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"img"} if figures else ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, **FIGURE_ATTRIBUTES} if figures else ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
