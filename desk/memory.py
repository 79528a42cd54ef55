"""The translation memory: every reviewed segment pair, and the matches a translator sees beside each segment.

`remember(version)` records the segments of a published, up-to-date translation beside the source segments it was
made from (a background job after each publication: desk.tasks.remember_translation). `matches(...)` finds, for one
source segment, the exact pairs (the same text and markup: 100%) and the fuzzy ones (similar plain text), best
first, each with its score, its difference from the segment highlighted and where it came from.

Fuzzy candidates are found by locality-sensitive hashing: each entry keeps BANDS band keys of a MinHash of its words
(`bands`), and two texts whose word sets overlap by half share a key with a probability of ~90% (by 80%, as when one
word in ten changed, ~100%); each key is rare, so on PostgreSQL a GIN index finds the entries sharing any key of a
segment in a few milliseconds however large the memory (a trigram index was tried first: the posting lists of
common trigrams made one lookup cost 0.3–1 s at 550,000 entries). On SQLite, the embedded default, the pair's
entries are scanned. Either way rapidfuzz scores the candidates (the same % everywhere).
"""

import hashlib
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.safestring import mark_safe
from rapidfuzz import fuzz, process

from articles.diff import word_diff
from articles.segments import plain_text, segments
from desk.models import MemoryEntry, text_hash

FUZZY_FLOOR = 60  # below this a match helps less than it distracts (%)
CANDIDATES = 40  # fuzzy candidates scored per lookup
SQLITE_SCAN = 20_000  # the most recent entries of a pair SQLite scores (the embedded default holds far fewer)
BANDS, ROWS = 10, 2  # MinHash: BANDS keys of ROWS minima each (P[shared key] = 1 - (1 - J**ROWS)**BANDS for Jaccard J)
PRIME = (1 << 61) - 1
_PERMUTATIONS = [
    (int.from_bytes(hashlib.blake2b(b"a%d" % n, digest_size=8).digest(), "big") % PRIME | 1,
     int.from_bytes(hashlib.blake2b(b"b%d" % n, digest_size=8).digest(), "big") % PRIME)
    for n in range(BANDS * ROWS)
]  # fmt: skip


def _shingles(text):
    """What a text's likeness is measured on: its words (case folded), or for a text of under four words its
    character trigrams (so "NATO summit" still finds "NATO summits")."""
    words = re.findall(r"\w+", text.casefold())
    if len(words) >= 4:
        return set(words)
    joined = " ".join(words)
    return {joined[index : index + 3] for index in range(max(1, len(joined) - 2))} if joined else set()


def bands(text):
    """The LSH keys of a plain text: BANDS strings, each the hash of ROWS MinHash minima over its shingles."""
    values = [int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big") for shingle in _shingles(text)]
    if not values:
        return []
    minima = [min((a * value + b) % PRIME for value in values) for a, b in _PERMUTATIONS]
    keys = []
    for band in range(BANDS):
        rows = ":".join(str(value) for value in minima[band * ROWS : (band + 1) * ROWS])
        keys.append(f"{band}:{hashlib.blake2b(rows.encode(), digest_size=6).hexdigest()}")
    return keys


@dataclass(frozen=True)
class Match:
    score: int  # 0–100
    source: str  # the memory's source segment (inner HTML)
    target: str  # its translation (inner HTML)
    origin: str
    note: str
    differences: str  # safe HTML: the memory's source against the segment, words removed <del>, added <ins>

    @property
    def exact(self):
        return self.score == 100


def pairs_of(source_texts, translation_texts):
    """[(key, source segment, translated segment)] of two versions' texts, by segment key, translated ones only."""
    mine = {segment.key: segment for segment in segments(translation_texts)}
    pairs = []
    for segment in segments(source_texts):
        there = mine.get(segment.key)
        if there and there.text and there.text != segment.text:
            pairs.append((segment.key, segment, there))
    return pairs


def record(*, source_language, target_language, pairs, origin=MemoryEntry.REVIEWED, piece=None, note=""):
    """Upsert pairs of (source HTML, target HTML), or (source, target, note), into the memory: a pair seen again only
    moves its date (and takes the latest origin and note)."""
    rows = {}
    for source_html, target_html, *own_note in pairs:
        source_text = plain_text(source_html)
        if not source_text or not plain_text(target_html):
            continue
        source_hash, target_hash = text_hash(source_html), text_hash(target_html)
        rows[(source_hash, target_hash)] = MemoryEntry(
            source_language=source_language, target_language=target_language, source=" ".join(source_html.split()),
            source_text=source_text, target=" ".join(target_html.split()), source_hash=source_hash, bands=bands(source_text),
            target_hash=target_hash, origin=origin, piece=piece, note=(own_note[0] if own_note else note)[:300],
        )  # fmt: skip
    if not rows:
        return 0
    with transaction.atomic():
        MemoryEntry.objects.bulk_create(
            rows.values(), update_conflicts=True, unique_fields=["source_language", "target_language", "source_hash", "target_hash"],
            update_fields=["recorded_at", "piece", "note", "origin", "bands"], batch_size=500,
        )  # fmt: skip
    return len(rows)


def remember(version):
    """Record the segments of `version`, a published translation that is up to date with its published source, beside
    the source segments it was made from. Anything else (a source, a draft, an outdated translation, a translation of
    a source not published) records nothing."""
    from articles.services import source_text_at, texts_of

    if version.is_source or not version.is_published():
        return 0
    source = version.source_version()
    if source is None or not source.is_published() or version.is_outdated():  # both sides are text readers can see
        return 0
    made_from = version.translated_from_revision or source.content_revision
    then = source_text_at(source, made_from) or texts_of(source)
    pairs = pairs_of(then, texts_of(version))
    note = f"{source.title} — {version.language}"
    count = record(source_language=source.language, target_language=version.language,
                   pairs=[(mine.html, theirs.html) for _key, mine, theirs in pairs], piece=version.piece, note=note)  # fmt: skip
    from desk.models import SegmentState

    SegmentState.objects.filter(version=version, state=SegmentState.TRANSLATED).update(state=SegmentState.REVIEWED)  # it went live
    return count


class Matcher:
    """Lookups for one form: one language pair, many segments, in two queries whatever their number (`prepare`): the
    exact matches of every segment, and on PostgreSQL the fuzzy candidates of every segment (the entries sharing an
    LSH key with it, through the GIN index on `bands`); on SQLite the pair's entries are read once and rapidfuzz
    picks the candidates."""

    FIELDS = ("source", "source_text", "target", "origin", "note", "source_hash")

    def __init__(self, source_language, target_language):
        self.languages = (source_language, target_language)
        self.pair = MemoryEntry.objects.filter(source_language=source_language, target_language=target_language)
        self.exact, self.fuzzy, self.scanned = {}, {}, None

    def prepare(self, htmls):
        """Read the exact matches (and on PostgreSQL the fuzzy candidates) of all these segments at once."""
        wanted = {text_hash(html): plain_text(html) for html in htmls if html and plain_text(html)}
        wanted = {key: text for key, text in wanted.items() if key not in self.exact}
        if not wanted:
            return self
        for key in wanted:
            self.exact[key] = []
        for row in self.pair.filter(source_hash__in=wanted).order_by("-recorded_at").values(*self.FIELDS):
            self.exact[row["source_hash"]].append(row)
        if connection.vendor == "postgresql":
            keys = {text: bands(text) for text in set(wanted.values())}
            for text in keys:
                self.fuzzy[text] = []
            wanted_keys = sorted({key for found in keys.values() for key in found})
            if wanted_keys:  # every entry sharing a key with any segment, in one query (a GIN index on `bands`)
                rows = list(self.pair.extra(where=["bands ?| %s"], params=[wanted_keys]).order_by("-recorded_at")
                            .values(*self.FIELDS, "bands")[: CANDIDATES * len(keys)])  # fmt: skip
                for text, found in keys.items():
                    own = set(found)
                    shared = [row for row in rows if own.intersection(row["bands"])]
                    shared.sort(key=lambda row: -len(own.intersection(row["bands"])))  # the likeliest first
                    self.fuzzy[text] = shared[:CANDIDATES]
        return self

    def _candidates(self, text):
        if connection.vendor == "postgresql":
            return self.fuzzy.get(text, [])
        if self.scanned is None:
            self.scanned = list(self.pair.order_by("-recorded_at").values(*self.FIELDS)[:SQLITE_SCAN])
        best = process.extract(text, [row["source_text"] for row in self.scanned], scorer=fuzz.ratio, limit=CANDIDATES,
                               score_cutoff=FUZZY_FLOOR)  # fmt: skip
        return [self.scanned[index] for _choice, _score, index in best]

    def matches(self, html, limit=3):
        """The best matches for one source segment (inner HTML): exact ones first (100%: the same text and markup),
        then fuzzy ones of at least FUZZY_FLOOR %, one per distinct translation."""
        text = plain_text(html)
        if not text:
            return []
        self.prepare([html])
        found, seen = [], set()
        for row in self.exact[text_hash(html)][:limit]:
            seen.add(row["target"])
            found.append(_match(row, 100, text))
        for row in self._candidates(text):
            if len(found) >= limit * 2 or row["target"] in seen:
                continue
            score = round(fuzz.ratio(text, row["source_text"]))
            if score >= FUZZY_FLOOR:
                seen.add(row["target"])
                found.append(_match(row, min(score, 99), text))  # only the same text and markup is 100%
        found.sort(key=lambda match: -match.score)
        return found[:limit]


def matches(*, source_language, target_language, html, limit=3):
    """The memory's best matches for one source segment (see Matcher.matches)."""
    return Matcher(source_language, target_language).matches(html, limit)


def _match(row, score, text):
    return Match(score, row["source"], row["target"], row["origin"], row["note"], mark_safe(word_diff(row["source_text"], text)))
