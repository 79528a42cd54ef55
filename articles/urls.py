from django.urls import path, register_converter

from . import views
from .converters import FourDigitYear, TwoDigits, UnicodeSlug

register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigits, "dd")
register_converter(UnicodeSlug, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="list"),
    path("articles/<yyyy:year>/", views.YearArchiveView.as_view(), name="year-archive"),
    path("articles/<yyyy:year>/<dd:month>/<dd:day>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("sections/<uslug:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("tags/<uslug:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("authors/<uslug:slug>/", views.AuthorDetailView.as_view(), name="author"),
]
