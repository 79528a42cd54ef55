"""Reader search: each version's words in its own language, found only among the rows a listing shows.

A search in language L returns rows of L's listing index (facet "all", visible now) whose version
matches: the fallback rule applies, and what a listing would not show — a draft, a scheduled or a
deleted version — is never found, whatever its document says.

PostgreSQL: `SearchDocument.document` is a tsvector (title A; standfirst B; body C) made with the version language's
configuration from `REVIEW_SEARCH_CONFIGS`, in the accent-blind copy the migration makes (`review_<name>`), and, in
weight D, a reference to each of the version's tags and authors (`'#t<id>'`, `'#a<id>'`: no parser makes a lexeme
with `#`, so no word is ever read as one). Their names are not in the documents: each of the reader's words is matched
against the names of the tags and authors the language can show as the query is made (`Results._words`), and the
query asks for the word *or* a reference to one whose name holds it. So a word of the body and a word of a tag's name
still find a piece together, and renaming a tag or an author rewrites no document: it is found by its new name from
the rename's commit on. Each document also carries where the listing index shows
its version (`shown_in`: the languages of its "all" rows; `handover`: {language: the moment a
scheduled local version takes over}), its `published_at`, section and kind, copied from the listing
rows whenever they are rebuilt. One GIN index on (shown_in, document) then answers "documents shown
in L that match" in a single index scan, however large L's listing is; time and filters are checked
on the matching rows only. Ranking is in tiers: every word in the title, then every word in the
title, standfirst, tags or authors, then the rest; newest first within a tier. Two more GIN indexes,
on the title part (`ts_filter(document, '{a}')`) and the lead part (`'{a,b,d}'`), give the first two
tiers as sets of rows, so ranking reads no vector at all and the table stays narrow (the listing
columns and the document, which a piece's body makes long enough to live out of line in TOAST): the
pages one query visits stay few and cached.
The reader's words go through `websearch_to_tsquery` (quotes, `or`, `-word`), never raw
tsquery syntax; snippets come from `ts_headline`. SQLite: an FTS5 table with the Porter stemmer
(English) and diacritics removed, joined to L's listing rows; the reader's words are quoted as FTS5
strings, with the same quotes, `or` and `-word`. Its documents hold the tags' and authors' names themselves, so a
rename's background job writes them again there (`names_in_documents`).

Everything here is raw SQL on the tables, so the migration can build the index with it too.
"""

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models.listing import ALL

FTS_TABLE = "articles_search_fts"
MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in the reader's text once cleaned
UNSAFE = {"Cc", "Cf", "Co", "Cs", "Cn"}  # control, format, private use, surrogates, unassigned

# The plain text of a stored (sanitised) body, in SQL: tags become spaces, so paragraphs never glue.
PLAIN_SQL = (
    "replace(replace(replace(replace(regexp_replace({col}, '<[^>]*>', ' ', 'g'), '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&amp;', '&')"
)
# Tag and author names of a version `a`, in SQL (SQLite's documents).
EXTRA_SQL = (
    "coalesce((SELECT group_concat(t.name, ' ') FROM articles_taggedarticle ta JOIN articles_tag t ON t.id = ta.tag_id "
    "WHERE ta.content_object_id = a.id), '') || ' ' || coalesce((SELECT group_concat(au.name, ' ') FROM articles_piece_authors pa "
    "JOIN articles_author au ON au.id = pa.author_id WHERE pa.piece_id = a.piece_id), '')"
)
# A version `a`'s references to its tags and authors in weight D, in SQL (PostgreSQL's documents): '#t12':1 '#a3':1.
REFS_SQL = (
    "setweight(coalesce((SELECT string_agg(r.ref, ' ') FROM (SELECT '''#t' || ta.tag_id || ''':1' AS ref "
    "FROM articles_taggedarticle ta WHERE ta.content_object_id = a.id UNION ALL SELECT '''#a' || pa.author_id || ''':1' "
    "FROM articles_piece_authors pa WHERE pa.piece_id = a.piece_id) r), '')::tsvector, 'D')"
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
    piece_ids, found = _versions_where(piece_ids, version_ids)
    if found is None:
        return
    conn, (where, params) = _connection(using), found
    _write(conn, where, params)
    if version_ids is not None:  # the pieces' other versions: where they are shown may have changed too
        _refresh_shown(conn, f"a.piece_id IN ({', '.join(['%s'] * len(piece_ids))}) AND NOT ({where})", [*piece_ids, *params])


def names_in_documents(using=None):
    """Whether the documents hold the tags' and authors' names (SQLite), so that a rename must write them again; on
    PostgreSQL they refer to them by id, and a rename changes no document."""
    return _connection(using).vendor != "postgresql"


def _versions_where(piece_ids, version_ids):
    """The pieces (falsy ids dropped) and the SQL condition on their versions `a` (only `version_ids`, when given),
    with its parameters; None for the condition when it matches nothing."""
    piece_ids = [pk for pk in piece_ids if pk]
    version_ids = None if version_ids is None else list(version_ids)
    if not piece_ids or version_ids == []:
        return piece_ids, None
    where, params = "a.piece_id IN ({})".format(", ".join(["%s"] * len(piece_ids))), list(piece_ids)
    if version_ids is not None:
        where += " AND a.id IN ({})".format(", ".join(["%s"] * len(version_ids)))
        params += version_ids
    return piece_ids, (where, params)


def refresh_shown(piece_ids, using=None):
    """After these pieces' listing rows changed alone (a language's rows built): where their documents are shown."""
    piece_ids = [pk for pk in piece_ids if pk]
    if piece_ids:
        _refresh_shown(_connection(using), "a.piece_id IN ({})".format(", ".join(["%s"] * len(piece_ids))), piece_ids)


# "Documents shown in L that match", in one scan: the languages a version is shown in and its words, in one index;
# the same for the title alone (weight A) and the lead (title, standfirst, tags and authors: A, B and D), for ranking.
TITLE_SQL, LEAD_SQL = "ts_filter({table}.document, '{{a}}')", "ts_filter({table}.document, '{{a,b,d}}')"
GIN_INDEXES = {
    "articles_search_document_gin": "shown_in, document",
    "articles_search_title_gin": f"shown_in, ({TITLE_SQL.format(table='articles_searchdocument')})",
    "articles_search_lead_gin": f"shown_in, ({LEAD_SQL.format(table='articles_searchdocument')})",
}

# Where the listing index shows each version `a`, and what search filters on, from its "all" rows and its piece.
SHOWN_SQL = (
    """SELECT coalesce(array_agg(le.language::text ORDER BY le.language), '{{}}') AS shown_in,
    jsonb_object_agg(le.language, le.visible_until) FILTER (WHERE le.visible_until IS NOT NULL) AS handover,
    min(le.published_at) AS published_at, min(le.section_id) AS section_id, min(le.kind_id) AS kind_id
    FROM articles_listingentry le WHERE le.version_id = {version} AND le.facet = '"""
    + ALL
    + "'"
)


def rebuild_all(using=None):
    """Rewrite every document (after the configurations changed, or for generated data).

    On PostgreSQL the GIN index is dropped and built again afterwards, in the same transaction:
    building it once from all documents is many times faster than growing it row by row. The names' words
    (`build_name_words`) are made again first.
    """
    conn = _connection(using)
    build_name_words(using)
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute("DELETE FROM articles_searchdocument")
        if conn.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            _write(conn, "1 = 1", [])
            return
        for name in GIN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        _write(conn, "1 = 1", [])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign key checks first: an index cannot wait on them
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name, columns in GIN_INDEXES.items():
            cursor.execute(f"CREATE INDEX {name} ON articles_searchdocument USING gin ({columns})")
        # Back to Django's deferred checks for the rest of an enclosing transaction (a delete of a piece and its
        # source version relies on them: the two rows name each other).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def build_name_words(using=None):
    """PostgreSQL: every tag's and author's name as search words, in a stored generated column `search_words` that
    PostgreSQL keeps right on every write, whatever writes the row: a tag's in its language's configuration, an
    author's as written (`review_simple`). Made again here from the configured languages (a short transaction of
    its own: it locks the two small tables while it rewrites them), unless they are already made so (a comment on the
    column records what from). Search matches the reader's words against it."""
    conn = _connection(using)
    if conn.vendor != "postgresql":
        return
    case = "CASE language {} ELSE 'review_simple'::regconfig END".format(
        " ".join(f"WHEN {_literal(code)} THEN {_literal(config_for(code))}::regconfig" for code, _name in settings.LANGUAGES)
    )
    columns = {"articles_tag": case, "articles_author": "'review_simple'::regconfig"}
    made = hashlib.sha256(repr(sorted(columns.items())).encode()).hexdigest()[:16]  # what the columns are made of
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = ANY(%s::regclass[]) AND attname = 'search_words' "
            "AND col_description(attrelid, attnum) = %s",
            [list(columns), made],
        )
        if cursor.fetchone()[0] == len(columns):
            return  # as the settings make them: nothing to do (and no lock taken, inside a caller's transaction too)
        for table, config in columns.items():
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_words")
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN search_words tsvector GENERATED ALWAYS AS (to_tsvector({config}, name)) STORED")
            cursor.execute(f"COMMENT ON COLUMN {table}.search_words IS {_literal(made)}")


def _literal(text):
    """A SQL string literal (DDL takes no parameters); the values are settings: language codes and configurations."""
    return "'" + str(text).replace("'", "''") + "'"


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
            document = (
                "setweight(to_tsvector(c.config, a.title), 'A') || setweight(to_tsvector(c.config, a.standfirst), 'B')"
                f" || setweight(to_tsvector(c.config, {PLAIN_SQL.format(col='a.body')}), 'C') || {REFS_SQL}"
            )
            cursor.execute(
                f"""INSERT INTO articles_searchdocument
                (version_id, config, document, shown_in, handover, published_at, section_id, kind_id)
                SELECT a.id, c.config::text, {document},
                    w.shown_in, w.handover, w.published_at, w.section_id, w.kind_id
                FROM articles_article a
                CROSS JOIN LATERAL (SELECT ({case})::regconfig AS config) c
                CROSS JOIN LATERAL ({SHOWN_SQL.format(version="a.id")}) w
                WHERE {where}
                ON CONFLICT (version_id) DO UPDATE
                SET config = EXCLUDED.config, document = EXCLUDED.document,
                    shown_in = EXCLUDED.shown_in, handover = EXCLUDED.handover, published_at = EXCLUDED.published_at,
                    section_id = EXCLUDED.section_id, kind_id = EXCLUDED.kind_id""",
                [*case_params, *params],
            )
            return
        cursor.execute(f"SELECT a.id, a.language, a.title, a.standfirst, a.body, {EXTRA_SQL} FROM articles_article a WHERE {where}", params)
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


def _refresh_shown(conn, where, params):
    """PostgreSQL: copy the listing's rows into the documents of the versions `a` matching `where` (words untouched)."""
    if conn.vendor != "postgresql":
        return  # SQLite joins the listing index at query time
    columns = ("shown_in", "handover", "published_at", "section_id", "kind_id")
    with conn.cursor() as cursor:
        cursor.execute(
            f"""UPDATE articles_searchdocument s SET {", ".join(f"{name} = w.{name}" for name in columns)}
            FROM articles_article a CROSS JOIN LATERAL ({SHOWN_SQL.format(version="a.id")}) w
            WHERE s.version_id = a.id AND ({where})
            AND ({", ".join(f"s.{name}" for name in columns)}) IS DISTINCT FROM ({", ".join(f"w.{name}" for name in columns)})""",
            params,
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

    Shaped for django.core.paginator.Paginator, which asks for the count, then a slice. One query ranks
    the matches and returns one page of ids with the number of matches beside each (`count(*) OVER ()`):
    PostgreSQL keeps only the page's rows of its sort, and a few thousand ids never travel to Python to be
    counted. `window` (offset, limit) names the page the reader asked for, so the count comes with it; a
    count asked without it, or for a page past the end, is a query of its own. A page's rows are read by id.
    """

    def __init__(self, language, query, filters=None, now=None, window=None):
        self.language, self.query, self.filters = language, query, filters or Filters()
        self.now = now or timezone.now()
        self.vendor = connection.vendor
        self.fts = fts5_query(query) if self.vendor == "sqlite" else ""
        self.empty = not terms(query)[0]  # nothing to find (only punctuation, or only excluded words)
        self.window = window
        self.pages = {}  # (offset, limit): version ids
        self.total = 0 if self.empty else None
        self.words = None  # PostgreSQL: the tsquery, made once (`_words`)

    def count(self):
        if self.total is None and self.window:
            self.page_ids(*self.window)
        if self.total is None:  # no window, or a window past the last match
            sql, params = self.matches()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({sql}) AS found", params)
                self.total = cursor.fetchone()[0]
        return self.total

    def __len__(self):
        return self.count()

    def __getitem__(self, bounds):
        if not isinstance(bounds, slice) or bounds.stop is None:
            return []
        offset = bounds.start or 0
        return self._rows(self.page_ids(offset, bounds.stop - offset))

    def page_ids(self, offset, limit):
        """The version ids of one page of matches, best first (and the number of matches, where the page has any)."""
        if self.empty or limit <= 0:
            return []
        for (start, size), ids in self.pages.items():  # the paginator trims the last page to the count: read already
            if start <= offset and (offset + limit <= start + size or len(ids) < size):
                return ids[offset - start : offset - start + limit]
        sql, params = self.matches(ranked=True)
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
            found = cursor.fetchall()
        if found:
            self.total = found[0][1]
        self.pages[offset, limit] = [row[0] for row in found]
        return self.pages[offset, limit]

    def matches(self, ranked=False):
        """SQL (and parameters) of the matching listing rows' version ids; `ranked`: best first, each with the number of
        matches: every word in the title, then every word in the lead, then the rest; newest first within each."""
        if self.vendor == "postgresql":
            # One GIN scan finds the documents shown in this language that match the reader's words (`_words`: one
            # tsquery, which PostgreSQL folds to a constant when planning, so the planner weighs one index
            # condition, not a chain of ORs it may prefer to check row by row). Time and filters are checked on the
            # matching rows only. The tiers are two more GIN scans (title, lead), each a set of ids.
            words, readings = self._words()

            def tier(part):
                return (
                    f"s.version_id IN (SELECT t.version_id FROM articles_searchdocument t "
                    f"WHERE t.shown_in @> ARRAY[%s]::text[] AND {part.format(table='t')} @@ {words})"
                )

            shown, shown_params = self._shown("s", handover=True)
            sql = f"""SELECT s.version_id{", count(*) OVER ()" if ranked else ""} FROM articles_searchdocument s
                WHERE s.shown_in @> ARRAY[%s]::text[] AND s.document @@ {words} AND {shown}"""
            params = [self.language, *readings, *shown_params]
            if ranked:
                sql += f" ORDER BY {tier(TITLE_SQL)} DESC, {tier(LEAD_SQL)} DESC, s.published_at DESC, s.version_id DESC"
                params += [self.language, *readings, self.language, *readings]
            return sql, params
        shown, shown_params = self._shown("le")
        sql = f"""SELECT le.version_id, bm25({FTS_TABLE}, 10.0, 4.0, 1.0, 4.0) AS score, le.published_at FROM {FTS_TABLE}
            JOIN articles_listingentry le ON le.version_id = {FTS_TABLE}.rowid
            JOIN articles_searchdocument s ON s.version_id = le.version_id
            WHERE {FTS_TABLE} MATCH %s AND le.language = %s AND le.facet = %s AND {shown}"""
        if ranked:  # bm25() only works where FTS5 computes it, not beside a window function: scored first, then counted
            sql = f"SELECT version_id, count(*) OVER () FROM ({sql}) ORDER BY score, published_at DESC, version_id DESC"
        return sql, [self.fts, self.language, ALL, *shown_params]

    def _words(self):
        """PostgreSQL: the reader's words as one tsquery, in SQL with its parameters: each word (or quoted phrase) as
        any configuration the language's listing can show reads it ('attack' | 'attaqu'), or a reference to a tag
        or an author whose name holds it ('#t12', '#a3'), as the names are now; the words together as the reader
        joined them (and, or, not). Names are matched in one query for every word of the search (`_named`)."""
        if self.words is None:
            groups, negatives = terms(self.query)
            configs = configs_shown(self.language)
            alternatives = sorted({text for group in groups for text in group} | set(negatives))
            named = self._named(alternatives)
            params = []

            def reading(text):
                params.extend(value for config in configs for value in (config, _as_written(text)))
                parts = ["websearch_to_tsquery(%s::regconfig, %s)"] * len(configs)
                if named.get(text):
                    parts.append("%s::tsquery")
                    params.append(" | ".join(f"'{ref}'" for ref in named[text]))
                return "(" + " || ".join(parts) + ")"

            sql = " && ".join("(" + " || ".join(reading(text) for text in group) + ")" for group in groups)
            if negatives:
                sql += " && !!(" + " || ".join(reading(text) for text in negatives) + ")"
            self.words = (f"({sql})", params)
        return self.words

    def _named(self, texts):
        """{word or phrase: the references ('#t12', '#a3') of the tags and authors whose names hold it}: the tags of
        the languages this listing can show, each read in its language's configuration, and every author, whose
        name is read as it is written (`review_simple`: no stemming, accents ignored)."""
        if not texts:
            return {}
        languages = languages_shown(self.language)
        words = ", ".join(["(%s, %s)"] * len(texts))
        quoted = [value for n, text in enumerate(texts) for value in (n, _as_written(text))]
        configs = ", ".join(["(%s, %s)"] * len(languages))
        with connection.cursor() as cursor:
            cursor.execute(  # each reading made once (MATERIALIZED), not once per name it is checked against
                f"""WITH w(n, words) AS (VALUES {words}), q AS MATERIALIZED (
                    SELECT w.n, l.language, websearch_to_tsquery(l.config::regconfig, w.words) AS query
                    FROM w CROSS JOIN (VALUES {configs}) AS l(language, config)
                    UNION ALL SELECT w.n, NULL, websearch_to_tsquery('review_simple', w.words) FROM w)
                SELECT q.n, '#t' || t.id FROM q JOIN articles_tag t ON t.language = q.language AND t.search_words @@ q.query
                UNION SELECT q.n, '#a' || au.id FROM q JOIN articles_author au ON q.language IS NULL AND au.search_words @@ q.query
                ORDER BY 1, 2""",
                [*quoted, *(value for code in languages for value in (code, config_for(code)))],
            )
            found = {}
            for n, ref in cursor.fetchall():
                found.setdefault(texts[n], []).append(ref)
        return found

    def _shown(self, table, handover=False):
        """SQL condition (and parameters) on a listing row or a document (`table`) that the reader may see now,
        with the filters; `handover`: the document's own record of when a local version takes over."""
        now = self.now
        if handover:
            clauses = [f"{table}.published_at <= %s", f"({table}.handover ->> %s IS NULL OR ({table}.handover ->> %s)::timestamptz > %s)"]
            params = [now, self.language, self.language, now]
        else:
            clauses = [f"{table}.published_at <= %s", f"({table}.visible_until IS NULL OR {table}.visible_until > %s)"]
            params = [now, now]
        if self.filters.section_id:
            clauses.append(f"{table}.section_id = %s")
            params.append(self.filters.section_id)
        if self.filters.kind_id:
            clauses.append(f"{table}.kind_id = %s")
            params.append(self.filters.kind_id)
        if self.filters.year_bounds:
            clauses.append(f"{table}.published_at >= %s AND {table}.published_at < %s")
            params += list(self.filters.year_bounds)
        return " AND ".join(clauses), params

    def _rows(self, version_ids):
        from articles import selectors

        if not version_ids:
            return []
        listing = selectors.Listing(self.language, versions=version_ids, now=self.now)
        by_version = {row.version_id: row for row in listing[: len(version_ids)]}
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


def _as_written(text):
    """One of the reader's terms (`terms`) as websearch_to_tsquery reads it: a phrase in quotes again."""
    return f'"{text}"' if any(char.isspace() for char in text) else text


def marked(text):
    """Escaped text with the database's match markers turned into <mark> (unpaired markers dropped)."""
    escaped = escape(text)
    escaped = re.sub(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}", r"<mark>\1</mark>", escaped)
    return mark_safe(escaped.replace(MARK_START, "").replace(MARK_END, ""))


def languages_shown(language):
    """The languages of the versions language's listing can show: its own and its pieces' sources' languages."""
    from articles import selectors
    from articles.models import Piece

    def load():  # one pass over a small index (piece_source_language), however many versions there are
        return sorted(Piece.objects.order_by().exclude(source_language="").values_list("source_language", flat=True).distinct())

    return sorted({language, *selectors.derived(("search-source-languages",), load)})


def configs_shown(language):
    """The configurations of the versions language's listing can show."""
    return sorted({config_for(code) for code in languages_shown(language)})
