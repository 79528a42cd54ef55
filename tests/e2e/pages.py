"""One URL per public page type, in the demo publication."""

ARTICLE = {
    "en": "/en/articles/2016/03/17/securing-the-nordic-baltic-region/",
    "ar": "/ar/articles/2016/03/17/تأمين-منطقة-الشمال-والبلطيق/",
}
SECTION = {"en": "/en/sections/collective-defence/", "ar": "/ar/sections/الدفاع-الجماعي/"}
TAG = {"en": "/en/tags/ukraine/", "ar": "/ar/tags/فنلندا/"}
SEARCH_WORD = {"en": "baltic", "ar": "الناتو"}


def page_types(language):
    """(name, path) of every public page type in `language`."""
    return [
        ("home", f"/{language}/"),
        ("list", f"/{language}/articles/"),
        ("year", f"/{language}/articles/2016/"),
        ("article", ARTICLE[language]),
        ("section", SECTION[language]),
        ("tag", TAG[language]),
        ("author", f"/{language}/authors/wolfgang-rudischhauser/"),
        ("search", f"/{language}/search/?q={SEARCH_WORD[language]}"),
        ("about", f"/{language}/about/"),
        ("not-found", f"/{language}/articles/2016/01/01/no-such-piece/"),
    ]


ALL_PAGES = [(language, name, path) for language in ("en", "ar") for name, path in page_types(language)]
