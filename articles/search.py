"""Reader search: each version's words in its own language, found only among the rows a listing shows.

A search in language L returns rows of L's listing index (facet "all", visible now) whose version
matches: the fallback rule applies, and what a listing would not show — a draft, a scheduled or a
deleted version — is never found, whatever its document says.

PostgreSQL: `SearchDocument.document` is a tsvector (title A; standfirst, tags and authors B; body C)
made with the version language's configuration from `REVIEW_SEARCH_CONFIGS`, in the accent-blind
copy the migration makes (`review_<name>`), under a GIN index, which finds the matches. They are
ranked by `headline` (the A and B part alone: small, stored in the row), so ranking never reads the
large documents; matches in the body alone follow, newest first. The reader's words go through
`websearch_to_tsquery` (quotes, `or`, `-word`), never raw tsquery syntax; snippets come from
`ts_headline`. SQLite: an FTS5 table with the Porter stemmer (English) and diacritics removed; the
reader's words are quoted as FTS5 strings, with the same quotes, `or` and `-word`.

Everything here is raw SQL on the tables, so the migration can build the index with it too.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models.listing import ALL

FTS_TABLE = "articles_search_fts"
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in the reader's text once cleaned
UNSAFE = {"Cc", "Cf", "Co", "Cs", "Cn"}  # control, format, private use, surrogates, unassigned

# The plain text of a stored (sanitised) body, in SQL: tags become spaces, so paragraphs never glue.
PLAIN_SQL = (
    "replace(replace(replace(replace(regexp_replace({col}, '<[^>]*>', ' ', 'g'), '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&amp;', '&')"
)
# Tag and author names of a version, in SQL (both databases; `agg` is string_agg or group_concat).
EXTRA_SQL = (
    "coalesce((SELECT {agg}(t.name, ' ') FROM articles_taggedarticle ta JOIN articles_tag t ON t.id = ta.tag_id "
    "WHERE ta.content_object_id = a.id), '') || ' ' || coalesce((SELECT {agg}(au.name, ' ') FROM articles_piece_authors pa "
    "JOIN articles_author au ON au.id = pa.author_id WHERE pa.piece_id = a.piece_id), '')"
)


def config_for(language):
    """The text search configuration of a language's documents (PostgreSQL)."""
    return "review_" + settings.REVIEW_SEARCH_CONFIGS.get(language, "simple")


def plain_text(markup):
    """The words of stored (sanitised) HTML: tags become spaces, so paragraphs never glue; no match markers."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", markup or ""))
    return " ".join(text.replace(MARK_START, " ").replace(MARK_END, " ").split())


# The index ------------------------------------------------------------------------------------


def index_pieces(piece_ids, version_ids=None, using=None):
    """Rewrite the documents of these pieces' versions (only `version_ids` of them, when given)."""
    piece_ids = [pk for pk in piece_ids if pk]
    if not piece_ids:
        return
    conn = _connection(using)
    where, params = "a.piece_id IN ({})".format(", ".join(["%s"] * len(piece_ids))), list(piece_ids)
    if version_ids is not None:
        version_ids = list(version_ids)
        if not version_ids:
            return
        where += " AND a.id IN ({})".format(", ".join(["%s"] * len(version_ids)))
        params += version_ids
    _write(conn, where, params)


GIN_INDEX = "CREATE INDEX articles_search_document_gin ON articles_searchdocument USING gin (document)"


def rebuild_all(using=None):
    """Rewrite every document (after the configurations changed, or for generated data).

    On PostgreSQL the GIN index is dropped and built again afterwards, in the same transaction:
    building it once from all documents is many times faster than growing it row by row.
    """
    conn = _connection(using)
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute("DELETE FROM articles_searchdocument")
        if conn.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            _write(conn, "1 = 1", [])
            return
        cursor.execute("DROP INDEX IF EXISTS articles_search_document_gin")
        _write(conn, "1 = 1", [])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign key checks first: an index cannot wait on them
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(GIN_INDEX)


def forget_orphans(using=None):
    """SQLite: drop FTS rows whose document is gone (the test runner's flush empties only Django's tables)."""
    conn = _connection(using)
    if conn.vendor == "sqlite" and FTS_TABLE in conn.introspection.table_names():
        with conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT version_id FROM articles_searchdocument)")


def _connection(using):
    from django.db import connections

    return connections[using] if using else connection


def _config_case():
    """SQL CASE giving a version's configuration from its language (`simple` for languages not configured)."""
    codes = [code for code, _name in settings.LANGUAGES]
    return "CASE a.language " + " ".join(["WHEN %s THEN %s"] * len(codes)) + " ELSE 'review_simple' END", [
        value for code in codes for value in (code, config_for(code))
    ]


def _write(conn, where, params):
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            case, case_params = _config_case()
            headline = (
                "setweight(to_tsvector(c.config, a.title), 'A') || setweight(to_tsvector(c.config, a.standfirst || ' ' || x.extra), 'B')"
            )
            body = f"setweight(to_tsvector(c.config, {PLAIN_SQL.format(col='a.body')}), 'C')"
            cursor.execute(
                f"""INSERT INTO articles_searchdocument (version_id, config, headline, document)
                SELECT a.id, c.config::text, h.headline, h.headline || {body}
                FROM articles_article a
                CROSS JOIN LATERAL (SELECT ({case})::regconfig AS config) c
                CROSS JOIN LATERAL (SELECT {EXTRA_SQL.format(agg="string_agg")} AS extra) x
                CROSS JOIN LATERAL (SELECT {headline} AS headline) h
                WHERE {where}
                ON CONFLICT (version_id) DO UPDATE
                SET config = EXCLUDED.config, headline = EXCLUDED.headline, document = EXCLUDED.document""",
                [*case_params, *params],
            )
            return
        extra = EXTRA_SQL.format(agg="group_concat")
        cursor.execute(f"SELECT a.id, a.language, a.title, a.standfirst, a.body, {extra} FROM articles_article a WHERE {where}", params)
        rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM articles_searchdocument WHERE version_id IN ({marks})", chunk)
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, standfirst, body, extra) VALUES (%s, %s, %s, %s, %s)",
            [(pk, title, standfirst, plain_text(body), extra or "") for pk, _language, title, standfirst, body, extra in rows],
        )
        cursor.executemany(
            "INSERT INTO articles_searchdocument (version_id, config) VALUES (%s, %s)", [(pk, "fts5") for pk, *_rest in rows]
        )


# Queries --------------------------------------------------------------------------------------


def clean_query(text, limit=None):
    """The reader's query as we search for it, and whether it had to be shortened.

    Control and format characters (NUL included) and private-use characters go; whitespace
    collapses; a query longer than REVIEW_SEARCH_MAX_CHARS is cut at a word.
    """
    limit = limit or settings.REVIEW_SEARCH_MAX_CHARS
    raw = text or ""
    words = " ".join("".join(" " if unicodedata.category(char) in UNSAFE else char for char in raw[: limit * 4]).split())
    shortened = len(raw) > limit * 4 or len(words) > limit
    if len(words) > limit:
        cut = words[: limit + 1]
        words = cut.rsplit(" ", 1)[0] if " " in cut else cut[:limit]
    return words.strip(), shortened


def has_words(query):
    return any(char.isalnum() for char in query)


def terms(query):
    """The reader's websearch-style words: ([groups of alternatives], [excluded terms]), each term a string.

    `"a phrase"`, `a or b`, `-word`; anything else is a word to find; terms without letters or digits are dropped.
    """
    groups, negatives, joining = [], [], False
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', query):
        negated, text = match.group(1) == "-", match.group(2) if match.group(3) is None else match.group(3)
        if match.group(3) is not None:
            if text.lower() == "or":
                joining = bool(groups)
                continue
            negated, text = text.startswith("-") and len(text) > 1, text[1:] if text.startswith("-") and len(text) > 1 else text
        if not has_words(text):
            continue
        if negated:
            negatives.append(text)
        elif joining:
            groups[-1].append(text)
        else:
            groups.append([text])
        joining = False
    return groups, negatives


def fts5_query(query):
    """The reader's words as an FTS5 expression, every term a quoted string; "" when there is nothing to find."""
    groups, negatives = terms(query)
    if not groups:
        return ""

    def quoted(text):
        return '"{}"'.format(text.replace('"', '""'))

    expression = " AND ".join(f"({' OR '.join(map(quoted, group))})" for group in groups)
    if negatives:
        expression = f"({expression}) NOT ({' OR '.join(map(quoted, negatives))})"
    return expression


@dataclass
class Filters:
    section_id: int | None = None
    kind_id: int | None = None
    year_bounds: tuple | None = None


class Results:
    """The matching listing rows of one search, best first: `len()` counts, slicing reads one page.

    Shaped for django.core.paginator.Paginator, which asks for the count, then a slice. One query
    ranks every match and returns their ids (a few thousand integers at most in practice); the
    count and each page come from that list, and a page's rows are read by id.
    """

    def __init__(self, language, query, filters=None, now=None):
        self.language, self.query, self.filters = language, query, filters or Filters()
        self.now = now or timezone.now()
        self.vendor = connection.vendor
        self.fts = fts5_query(query) if self.vendor == "sqlite" else ""
        self.empty = not terms(query)[0]  # nothing to find (only punctuation, or only excluded words)

    def count(self):
        return len(self.ranked)

    def __len__(self):
        return self.count()

    def __getitem__(self, bounds):
        if not isinstance(bounds, slice):
            return []
        return self._rows(self.ranked[bounds])

    @cached_property
    def ranked(self):
        """The version ids of the matching listing rows (one per version in a language's listing), best first;
        ties (and body-only matches) newest first. Only indexed columns of the listing are read."""
        if self.empty:
            return []
        shown, shown_params = self._shown()
        if self.vendor == "postgresql":
            # Both sides materialised: the listing range from its index, the matches from the GIN index
            # (a planner left free to scan the documents in order would read every one), then a hash join.
            # Each configuration's reading of the words is computed once, to rank by the small headline vector.
            configs = configs_shown(self.language)
            match = " OR ".join(["s.document @@ websearch_to_tsquery(%s::regconfig, %s)"] * len(configs))
            readings = ", ".join(["(%s, websearch_to_tsquery(%s::regconfig, %s))"] * len(configs))
            sql = f"""WITH shown AS MATERIALIZED (SELECT le.version_id, le.published_at FROM articles_listingentry le WHERE {shown}),
                found AS MATERIALIZED (SELECT s.version_id, s.config, s.headline FROM articles_searchdocument s WHERE {match})
                SELECT shown.version_id FROM shown JOIN found ON found.version_id = shown.version_id
                LEFT JOIN (VALUES {readings}) AS q(config, query) ON q.config = found.config
                ORDER BY ts_rank(found.headline, q.query) DESC NULLS LAST, shown.published_at DESC, shown.version_id DESC"""
            params = [
                *shown_params,
                *(value for config in configs for value in (config, self.query)),
                *(value for config in configs for value in (config, config, self.query)),
            ]
        else:
            sql = f"""SELECT le.version_id FROM {FTS_TABLE} JOIN articles_listingentry le ON le.version_id = {FTS_TABLE}.rowid
                JOIN articles_searchdocument s ON s.version_id = le.version_id
                WHERE {FTS_TABLE} MATCH %s AND {shown}
                ORDER BY bm25({FTS_TABLE}, 10.0, 4.0, 1.0, 4.0), le.published_at DESC, le.version_id DESC"""
            params = [self.fts, *shown_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    def _shown(self):
        """SQL condition (and parameters) on the listing rows `le` the reader may see, with the filters."""
        clauses = ["le.language = %s", "le.facet = %s", "le.published_at <= %s", "(le.visible_until IS NULL OR le.visible_until > %s)"]
        params = [self.language, ALL, self.now, self.now]
        if self.filters.section_id:
            clauses.append("le.section_id = %s")
            params.append(self.filters.section_id)
        if self.filters.kind_id:
            clauses.append("le.kind_id = %s")
            params.append(self.filters.kind_id)
        if self.filters.year_bounds:
            clauses.append("le.published_at >= %s AND le.published_at < %s")
            params += list(self.filters.year_bounds)
        return " AND ".join(clauses), params

    def _rows(self, version_ids):
        from . import selectors

        if not version_ids:
            return []
        by_version = {row.version_id: row for row in selectors.entries(self.language, now=self.now).filter(version_id__in=version_ids)}
        rows = [by_version[pk] for pk in version_ids if pk in by_version]
        snippets = self.snippets([row.version_id for row in rows])
        for row in rows:
            row.version.snippet = snippets.get(row.version_id)
        return rows

    def snippets(self, version_ids):
        """{version id: the body's passages around the words found, marked up with <mark>}, where any matched."""
        if not version_ids:
            return {}
        marks = ", ".join(["%s"] * len(version_ids))
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                options = f'StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=28, MinWords=12, FragmentDelimiter=" … "'
                body = PLAIN_SQL.format(col="translate(a.body, %s, '')")
                cursor.execute(
                    f"""SELECT a.id, ts_headline(s.config::regconfig, {body}, websearch_to_tsquery(s.config::regconfig, %s), %s)
                    FROM articles_article a JOIN articles_searchdocument s ON s.version_id = a.id WHERE a.id IN ({marks})""",
                    [MARK_START + MARK_END, self.query, options, *version_ids],
                )
            else:
                snippet = f"snippet({FTS_TABLE}, 2, %s, %s, ' … ', 24)"
                cursor.execute(
                    f"SELECT rowid, {snippet} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})",
                    [MARK_START, MARK_END, self.fts, *version_ids],
                )
            found = cursor.fetchall()
        return {pk: marked(text) for pk, text in found if text and MARK_START in text}


def marked(text):
    """Escaped text with the database's match markers turned into <mark> (unpaired markers dropped)."""
    escaped = escape(text)
    escaped = re.sub(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}", r"<mark>\1</mark>", escaped)
    return mark_safe(escaped.replace(MARK_START, "").replace(MARK_END, ""))


def configs_shown(language):
    """The configurations of the versions language's listing can show: its own and its pieces' sources' languages."""
    from . import selectors
    from .models import Article

    def load():
        sources = Article.objects.filter(source_of__isnull=False).values_list("language", flat=True).distinct()
        return sorted({config_for(code) for code in sources})

    return sorted({config_for(language), *selectors.derived(("search-source-configs",), load)})
