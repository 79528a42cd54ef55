from articles.models.editorial import (
    ArticleRedirect,
    Assignment,
    FeaturedPiece,
    HomeSection,
    PendingChange,
    TranslatorLanguage,
    VersionComment,
)
from articles.models.jobs import FanOut, TaxonomyRedirect
from articles.models.listing import ListingEntry
from articles.models.media import ArticleImage, Image, ImageState
from articles.models.pages import PageKind, PublicationPage
from articles.models.piece import Piece
from articles.models.search import SearchDocument
from articles.models.tags import Tag, TaggedArticle
from articles.models.taxonomy import Author, AuthorBio, Kind, KindText, Section, SectionText
from articles.models.version import PieceVersion, PieceVersionQuerySet, Status

__all__ = [
    "PieceVersion",
    "ArticleImage",
    "ArticleRedirect",
    "Assignment",
    "FanOut",
    "FeaturedPiece",
    "HomeSection",
    "PieceVersionQuerySet",
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
    "TaxonomyRedirect",
    "TranslatorLanguage",
    "VersionComment",
]
