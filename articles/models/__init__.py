from .article import Article, ArticleQuerySet, Status
from .editorial import ArticleRedirect, FeaturedPiece, TranslatorLanguage
from .media import ArticleImage, Image
from .tags import Tag, TaggedArticle
from .taxonomy import Author, AuthorBio, Kind, KindText, Section, SectionText

__all__ = [
    "Article",
    "ArticleImage",
    "ArticleRedirect",
    "FeaturedPiece",
    "ArticleQuerySet",
    "Author",
    "AuthorBio",
    "Image",
    "Kind",
    "KindText",
    "Section",
    "SectionText",
    "Status",
    "Tag",
    "TaggedArticle",
    "TranslatorLanguage",
]
