"""Figures inside a body: a picture from the image library (its id in the <img>'s `data-file`), with alt text and a
caption, placed by the editor's image chooser.

Stored bodies keep `<figure><img data-file="<id>" src="<a small rendition, for the editor>" alt="…">
<figcaption>…</figcaption></figure>`. On every save `bind` ties each <img> to its library image: the
`src` becomes that image's own rendition (whatever the browser sent) and an <img> that names no image
is dropped, with its figure. Readers get `render`'s <picture> with the image's sources and sizes; a
figure whose image has since been deleted is left out.
"""

import re

from django.utils.html import escape

from review.numbers import read_id

IMG = re.compile(r"<img\b([^>]*)>")
FIGURE = re.compile(r"<figure\b[^>]*>(?:(?!</figure>).)*</figure>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
SIZES = "(min-width: 44rem) 40rem, 100vw"


def _attributes(tag_inside):
    return dict(ATTRIBUTE.findall(tag_inside))


def _image_id(attributes):
    value = attributes.get("data-file", "")
    return read_id(value)


def ids_in(html):
    """The library images a (sanitised) body's figures name."""
    if "data-file" not in (html or ""):
        return set()
    return {pk for match in IMG.finditer(html) if (pk := _image_id(_attributes(match.group(1)))) is not None}


def _library(ids):
    from articles.models import Image

    return {image.pk: image for image in Image.objects.filter(pk__in=ids).exclude(file="")} if ids else {}


def bind(html):
    """A sanitised body with each figure's <img> tied to its library image (see the module's docstring)."""
    if "<img" not in (html or ""):
        return html
    images = _library(ids_in(html))

    def img(match):
        attributes = _attributes(match.group(1))
        image = images.get(_image_id(attributes))
        if image is None:
            return ""
        alt = attributes.get("alt", "")
        return f'<img src="{escape(image.picture("card")["src"])}" alt="{alt}" data-file="{image.pk}">'  # alt: already escaped

    bound = IMG.sub(img, html)
    return FIGURE.sub(lambda match: match.group(0) if "<img" in match.group(0) else "", bound)


def render(html, images=None):
    """A stored body for readers: each figure's <img> becomes a responsive <picture>; `images` ({id: Image}) saves a query."""
    ids = ids_in(html)
    if not ids:
        return html
    images = images if images is not None else _library(ids)

    def picture(match):
        attributes = _attributes(match.group(1))
        image = images.get(_image_id(attributes))
        if image is None:
            return ""
        p = image.picture("full")
        sources = "".join(f'<source type="{s["type"]}" srcset="{escape(s["srcset"])}" sizes="{SIZES}">' for s in p["sources"])
        srcset = f' srcset="{escape(p["srcset"])}" sizes="{SIZES}"' if p.get("srcset") else ""
        return (f'<picture>{sources}<img src="{escape(p["src"])}"{srcset} alt="{attributes.get("alt", "")}" '
                f'width="{p["width"] or ""}" height="{p["height"] or ""}" loading="lazy" decoding="async"></picture>')  # fmt: skip

    def figure(match):
        markup = match.group(0)
        found = IMG.search(markup)
        image = images.get(_image_id(_attributes(found.group(1)))) if found else None
        if image is None:
            return ""  # deleted since: the figure goes, the text stays
        markup = IMG.sub(picture, markup, count=1)
        if image.credit:  # the library's credit follows the editor's caption
            credit = f'<span class="credit">{escape(image.credit)}</span>'
            if "</figcaption>" in markup:
                markup = markup.replace("</figcaption>", f" {credit}</figcaption>", 1)
            else:
                markup = markup.replace("</figure>", f"<figcaption>{credit}</figcaption></figure>", 1)
        return markup

    def loose(match):  # an image outside a figure (the editor makes none): drawn the same way; the pictures drawn stay
        return picture(match) if "data-file" in match.group(1) else match.group(0)

    return IMG.sub(loose, FIGURE.sub(figure, html))
