"""What a shared link shows: Open Graph, Twitter card and JSON-LD `NewsArticle` for an article page."""

import json

from django.conf import settings
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.translation import to_locale

from articles.events import reverse_in


def og_locale(code):
    return to_locale(code)


def lead_image(request, usages):
    """(absolute URL, width, height) of the lead picture's largest JPEG card rendition, or None."""
    if not usages:
        return None
    image = usages[0].image
    entries = image.renditions.get("card", {}).get("jpg") or image.renditions.get("full", {}).get("jpg")
    if entries:
        width, height, name = entries[-1]
        return request.build_absolute_uri(default_storage.url(name)), width, height
    return (request.build_absolute_uri(image.file.url), image.width, image.height) if image.file else None


def article_metadata(request, article, *, canonical_url, alternates, authors, tags, section_name, usages, source_url):
    """Open Graph and Twitter values, and the JSON-LD document (as a string safe inside <script>)."""
    description = strip_tags(article.standfirst)
    image = lead_image(request, usages)
    others = [alt for alt in alternates if not alt["current"]]
    og = {
        "type": "article",
        "title": article.title,
        "description": description,
        "url": canonical_url,
        "site_name": settings.REVIEW_SITE_NAME,
        "locale": og_locale(article.language),
        "locale_alternates": [og_locale(alt["code"]) for alt in others],
        "image": image,
        # A draft (previewed) has no date yet: it says none rather than invent one.
        "published_time": article.published_at.isoformat() if article.published_at else None,
        "modified_time": article.updated_at.isoformat(),
        "section": section_name,
        "tags": [tag.name for tag in tags],
    }
    document = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": canonical_url,
        "url": canonical_url,
        "mainEntityOfPage": canonical_url,
        "headline": article.title[:110],
        "description": description,
        "inLanguage": article.language,
        "dateModified": article.updated_at.isoformat(),
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(reverse_in(article.language, "articles:author", slug=author.slug)),
            }
            for author in authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.REVIEW_SITE_NAME,
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("img/apple-touch-icon.png"))},
        },
    }
    if article.published_at:
        document["datePublished"] = article.published_at.isoformat()
    if image:
        document["image"] = [{"@type": "ImageObject", "url": image[0], "width": image[1], "height": image[2]}]
    if section_name:
        document["articleSection"] = section_name
    if tags:
        document["keywords"] = [tag.name for tag in tags]
    if source_url and source_url != canonical_url:
        document["translationOfWork"] = {"@type": "NewsArticle", "@id": source_url}
    elif others:
        document["workTranslation"] = [{"@type": "NewsArticle", "@id": alt["absolute_url"], "inLanguage": alt["code"]} for alt in others]
    text = json.dumps(document, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return og, text
