from .article import Article, ArticleQuerySet, Status
from .editorial import ArticleRedirect, Assignment, FeaturedPiece, HomeSection, PendingChange, TranslatorLanguage, VersionComment
from .listing import ListingEntry
from .media import ArticleImage, Image, ImageState
from .pages import PageKind, PublicationPage
from .piece import Piece
from .search import SearchDocument
from .tags import Tag, TaggedArticle
from .taxonomy import Author, AuthorBio, Kind, KindText, Section, SectionText

__all__ = [
    "Article",
    "ArticleImage",
    "ArticleRedirect",
    "Assignment",
    "FeaturedPiece",
    "HomeSection",
    "ArticleQuerySet",
    "Author",
    "AuthorBio",
    "Image",
    "ImageState",
    "Kind",
    "ListingEntry",
    "PageKind",
    "PendingChange",
    "Piece",
    "PublicationPage",
    "SearchDocument",
    "KindText",
    "Section",
    "SectionText",
    "Status",
    "Tag",
    "TaggedArticle",
    "TranslatorLanguage",
    "VersionComment",
]
