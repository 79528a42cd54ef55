"""The segment editor's logic: a translation as rows of source and target, inline markup as numbered placeholders,
each segment's state, the memory's matches and the glossary's terms beside it, checks on save and on submit.

Inline markup travels as placeholders the translator moves but cannot break: the source's `<strong>` is `{1}` …
`{/1}`, its `<br>` is `{2/}`. A target is turned back into HTML from the *source's* own codes (a link's address
cannot be changed or invented); a placeholder the source lacks, one closed before it was opened or one left open is
an error of that segment, and nothing is saved. Each saved segment is checked against its source (desk.qa: tags,
links, numbers; errors) and the glossary, emptiness, sameness and length (warnings, which can be acknowledged). A
segment marked translated, or a submission, needs no error and every warning acknowledged. The body is laid into
the source's own structure (figures and all), and the whole save is one call of the services.
"""

import re
from dataclasses import dataclass, field
from html import escape

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import services
from articles.errors import RuleBroken
from articles.sanitize import sanitize_html
from articles.segments import Segment, fed, plain_text, rebuild_body, segments
from desk import glossary, memory, qa
from desk.models import SegmentState, text_hash
from desk.states import compare, segment_label
from desk.xliff import _Codes
from review.numbers import read_int

NEW = "new"
STATE_LABELS = {NEW: gettext_lazy("New"), SegmentState.DRAFT: gettext_lazy("Draft"),  # lazy: read in the reader's language
                SegmentState.TRANSLATED: gettext_lazy("Translated"), SegmentState.REVIEWED: gettext_lazy("Reviewed")}  # fmt: skip
TOKEN = re.compile(r"\{(/?)(\d{1,3})(/?)\}")
LONE = {"br", "img", "wbr"}
PLAIN_FIELDS = ("title", "standfirst")


# Placeholders ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    number: int
    tag: str
    start: str  # the source's own markup: '<a href="…">', '<br>'
    lone: bool

    @property
    def end(self):
        return "" if self.lone else f"</{self.tag}>"

    def label(self):
        """What the placeholder stands for, for its tooltip: the tag, and a link's address."""
        href = re.search(r'href="([^"]*)"', self.start)
        return f"<{self.tag}> {href[1]}" if href else f"<{self.tag}>"


def codes_of(html):
    """The inline codes of a source segment, numbered from 1 in order."""
    codes = []
    for item in _parsed(html):
        if item[0] in ("start", "lone"):
            codes.append(Code(len(codes) + 1, item[1], item[2], item[0] == "lone" or item[1] in LONE))
    return codes


def _parsed(html):
    return fed(_Codes(), html).items


def to_tokens(html, codes):
    """A segment's inner HTML as text with placeholders for `codes` (a source's): each tag is given the number of the
    source's code with the same markup (the first not yet used), else of the first unused one with the same tag."""
    unused, out, stack = list(codes), [], []

    def take(tag, raw):
        for candidates in ([c for c in unused if c.start == raw], [c for c in unused if c.tag == tag]):
            if candidates:
                unused.remove(candidates[0])
                return candidates[0]
        return None

    for item in _parsed(html):
        if item[0] == "text":
            out.append(item[1])
        elif item[0] in ("start", "lone"):
            code = take(item[1], item[2])
            lone = item[0] == "lone" or item[1] in LONE
            if code is None:
                stack.append(None) if not lone else None
                continue
            out.append(f"{{{code.number}/}}" if code.lone else f"{{{code.number}}}")
            if not code.lone:
                stack.append(code)
        elif item[0] == "end" and stack:
            code = stack.pop()
            if code is not None:
                out.append(f"{{/{code.number}}}")
    return " ".join("".join(out).split())


def from_tokens(text, codes):
    """(inner HTML, [error]) of a target typed with placeholders. The HTML is always balanced (an unclosed code is
    closed at the segment's end), so a mistake never spills into the next paragraph; the errors say what was wrong."""
    by_number = {code.number: code for code in codes}
    out, stack, errors, used = [], [], [], set()
    position = 0
    for match in TOKEN.finditer(text or ""):
        out.append(escape(text[position : match.start()], quote=False))
        position = match.end()
        closing, number, lone = match[1] == "/", int(match[2]), match[3] == "/"
        code = by_number.get(number)
        if code is None:
            errors.append(_("the placeholder %(token)s is not in the source") % {"token": match[0]})
        elif closing:
            if stack and stack[-1].number == number:
                out.append(stack.pop().end)
            elif any(open_code.number == number for open_code in stack):
                errors.append(_("%(token)s closes a placeholder while another inside it is still open") % {"token": match[0]})
            else:
                errors.append(_("%(token)s closes a placeholder that was never opened") % {"token": match[0]})
        elif code.lone != lone:
            errors.append(_("write %(right)s, not %(token)s") % {"right": f"{{{number}/}}" if code.lone else f"{{{number}}}…{{/{number}}}",
                                                                 "token": match[0]})  # fmt: skip
        elif number in used:
            errors.append(_("the placeholder %(token)s is used twice") % {"token": match[0]})
        else:
            used.add(number)
            out.append(code.start)
            if not code.lone:
                stack.append(code)
    out.append(escape((text or "")[position:], quote=False))
    for code in reversed(stack):
        errors.append(_("{%(number)d} is opened and never closed: add {/%(number)d}") % {"number": code.number})
        out.append(code.end)
    return " ".join("".join(out).split()), errors


# Rows -----------------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    source: object  # Segment
    codes: list
    target: str  # the target as the translator edits it: text with placeholders
    state: str
    changed: bool = False
    change: str = ""  # safe HTML: the source segment's words then against now, when changed
    machine: bool = False  # machine output nobody has changed since
    matches: list = field(default_factory=list)  # [{match: memory.Match, tokens: its target with placeholders, display}]
    terms: list = field(default_factory=list)  # [glossary.Found]
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    acknowledged: bool = False
    prefilled: bool = False

    @property
    def machine_hash(self):
        """What the form carries back for machine output: the text's hash (a person's edit changes the text)."""
        return text_hash(self.target) if self.machine else ""

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def source_tokens(self):
        """The source with its placeholders as chips (a click puts one into the target)."""
        return tokens_html(to_tokens(self.source.html, self.codes), self.codes)

    @property
    def plain(self):
        return self.key in PLAIN_FIELDS or self.key.endswith(".alt") or self.key.startswith(("image.", "tag."))


def working_texts(version):
    """What a translator works on: the version's pending changes where it has some, else its text."""
    copy = services.working_copy(version)
    if copy is None:
        return services.texts_of(version)
    return {**{name: getattr(copy, name) for name in ("title", "standfirst", "body")}, "images": copy.pending_usages}


def rows(version, *, posted=None, with_help=True):
    """The editor's rows for translation `version`: one per segment of its source now. `posted`: a submitted form's
    {key: target with placeholders}, shown instead of the saved text (a refused save loses nothing typed)."""
    from articles.diff import word_diff

    source = version.source_version()
    comparison = compare(source, version)
    mine = {segment.key: segment for segment in segments(working_texts(version))}
    source_segments = segments(comparison.now)
    before = {segment.key: segment for segment in segments(comparison.then)} if comparison.then else None
    aligned = align(before, source_segments) if before else {segment.key: segment.key for segment in source_segments}
    stored = {state.key: state for state in SegmentState.objects.filter(version=version)}
    terms = glossary.terms_for(source.language, version.language) if with_help else {}
    matcher = memory.Matcher(source.language, version.language).prepare([s.html for s in source_segments]) if with_help else None
    published_current = version.is_published() and not comparison.outdated
    result = []
    for segment in source_segments:
        codes = codes_of(segment.html)
        was = aligned.get(segment.key)  # where this segment was in the source the translation was made from
        there = mine.get(was) if was else None
        target = to_tokens(there.html, codes) if there else ""
        changed = before is not None and (was is None or before[was].text != segment.text)
        row = Row(segment.key, str(segment_label(segment)), segment, codes, target, NEW, changed=changed)
        if changed and was:
            row.change = word_diff(before[was].text, segment.text)
        state = stored.get(segment.key)
        if there and state and state.source_hash == text_hash(segment.html) and state.target_hash == text_hash(there.html):
            row.state, row.machine = state.state, state.machine
        elif there and there.text == segment.text:
            row.target = ""  # still the source's words, as the draft was started: nothing translated yet
        elif there and there.text:
            row.state = SegmentState.REVIEWED if published_current and not changed else SegmentState.DRAFT
        if with_help:
            row.terms = glossary.found_in(terms, segment.html)
            found = matcher.matches(segment.html)
            for match in found:
                tokens = to_tokens(match.target, codes)
                row.matches.append({"match": match, "tokens": tokens, "display": tokens_html(tokens, codes)})
            if row.state == NEW and not row.target and found and found[0].exact:
                row.target, row.prefilled = row.matches[0]["tokens"], True  # an exact match of an unchanged segment, to confirm
        if posted is not None and segment.key in posted:
            row.target = posted[segment.key]
        result.append(row)
    for tag, origin in carried_tags(version, source):
        segment = Segment(f"tag.{tag.pk}", "tag", escape(origin.name, quote=False), origin.name)
        named = tag.name.casefold() != origin.name.casefold()
        row = Row(segment.key, str(_("Tag")), segment, [], tag.name if named else "", SegmentState.TRANSLATED if named else NEW)
        state = stored.get(segment.key)
        if state and state.source_hash == text_hash(segment.html) and state.target_hash == text_hash(escape(tag.name, quote=False)):
            row.state, row.target = state.state, tag.name  # named as in the source on purpose ("NATO")
        if with_help:
            row.terms = glossary.found_in(terms, segment.html)
        if posted is not None and segment.key in posted:
            row.target = posted[segment.key]
        result.append(row)
    return result


def carried_tags(version, source):
    """[(tag, its counterpart in the source's language)] of a translation: the tags it carries over from its source,
    which the translator names in the translation's language (Tag.origin links each to the one it was made from)."""
    return [(tag, tag.origin) for tag in version.tags.select_related("origin").order_by("pk")
            if tag.origin is not None and tag.origin.language == source.language]  # fmt: skip


def name_tags(*, version, by, names):
    """Give the carried tags of `version` their names in its language ({tag: new name}): a name no other tag of the
    language has renames the tag (every version showing it follows); a name another tag has moves this version to
    that tag."""
    from articles.models import Tag

    moved = {}
    for tag, name in names.items():
        if not name or name == tag.name:
            continue
        existing = Tag.objects.filter(language=tag.language, name__iexact=name).exclude(pk=tag.pk).first()
        if existing is not None:
            moved[tag.name] = existing.name
            continue
        tag.name = name
        services.save_taxonomy(instance=tag, by=by)
    if moved:
        current = [moved.get(name, name) for name in version.tags.names()]
        version = services.save_version(version=version, by=by, changes={}, tags=current)
    return version


def align(before, now, similar=0.5):
    """{key now: key then} of a source's segments now against those it had when a translation was made: a segment
    whose text is unchanged finds itself wherever it moved (a paragraph inserted above shifts every key); a changed one
    the most similar unmatched segment of the same kind (at least `similar`), else nothing (it is new)."""
    import difflib

    by_text, used, found = {}, set(), {}
    for key, segment in before.items():
        by_text.setdefault(segment.text, []).append(key)
    for segment in now:
        keys = [key for key in by_text.get(segment.text, []) if key not in used]
        if keys:
            found[segment.key] = keys[0]
            used.add(keys[0])
    for segment in now:
        if segment.key in found:
            continue
        candidates = []
        for key, old in before.items():
            if key not in used and old.kind == segment.kind:
                likeness = difflib.SequenceMatcher(None, old.text.split(), segment.text.split(), autojunk=False).ratio()
                candidates.append((likeness, -abs(_position(old.key) - _position(segment.key)), key))
        best = max(candidates, default=None)
        if best and best[0] >= similar:
            found[segment.key] = best[2]
            used.add(best[2])
    return found


def _position(key):
    parts = key.split(".")
    return (read_int(parts[1]) or 0) if len(parts) > 1 else 0


def sent_back(version):
    """The reviser's comment when `version` was sent back and is still a draft: the translator reads it first."""
    from articles.models import Status, VersionComment

    if version.status != Status.DRAFT:
        return None
    last = VersionComment.objects.filter(version=version).select_related("author").order_by("-created_at", "-pk").first()
    return last if last and last.kind == VersionComment.REJECTION else None


def tokens_html(text, codes):
    """Text with placeholders as safe HTML, each placeholder a chip saying what it stands for."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    by_number = {code.number: code for code in codes}
    parts, position = [], 0
    for match in TOKEN.finditer(text or ""):
        parts.append(escape(text[position : match.start()], quote=False))
        code = by_number.get(int(match[2]))
        parts.append(format_html('<button type="button" class="workbench__ph" data-token="{}" title="{}">{}</button>', match[0],
                                 code.label() if code else "", match[0]))  # fmt: skip
        position = match.end()
    parts.append(escape((text or "")[position:], quote=False))
    return mark_safe("".join(parts))


def progress(rows_):
    done = sum(row.state in (SegmentState.TRANSLATED, SegmentState.REVIEWED) for row in rows_)
    return {"done": done, "total": len(rows_), "percent": round(100 * done / len(rows_)) if rows_ else 100}


# Checking and saving ---------------------------------------------------------------------------------


def check(row, target_html, terms):
    """(errors, warnings) of one segment's target against its source."""
    target_text = plain_text(target_html)
    if not target_text:
        return [], [_("not translated yet")]
    errors = list(qa.problems(row.source.html, target_html))
    warnings = list(glossary.warnings(terms, row.source.html, target_html))
    if target_text == row.source.text and len(row.source.text.split()) > 2:
        warnings.append(_("the same as the source: is it translated?"))
    source_length, target_length = len(row.source.text), len(target_text)
    if source_length >= 20 and not 0.4 <= target_length / source_length <= 2.5:
        warnings.append(_("much %(which)s than the source (%(target)d characters for %(source)d)")
                        % {"which": _("shorter") if target_length < source_length else _("longer"), "target": target_length,
                           "source": source_length})  # fmt: skip
    return errors, warnings


@dataclass
class Outcome:
    rows: list
    saved: bool
    submitted: bool = False
    refusal: str = ""


def save(*, version, by, targets, done, acknowledged, machine=None, submit=False, expected_edit_version=None):
    """Save the editor's form. `targets`: {key: text with placeholders}; `done`: the keys marked translated;
    `acknowledged`: keys whose warnings the translator accepts; `machine`: {key: hash of the text machine translation
    wrote} (a segment is machine output while its text still has that hash). Placeholder errors save nothing; QA
    errors keep their segment a draft and refuse a submission; so does an unacknowledged warning of a segment marked
    done. Returns the rows, checked."""
    machine = machine or {}
    source = version.source_version()
    if source is None or version.is_source:
        raise RuleBroken(_("This version is its piece's source: it has no source to translate from."))
    terms = glossary.terms_for(source.language, version.language)
    editor_rows = rows(version, posted=targets, with_help=False)
    html, placeholder_errors = {}, False
    for row in editor_rows:
        row.acknowledged = row.key in acknowledged
        built, errors = from_tokens(row.target, row.codes)
        if row.plain:
            built = escape(plain_text(built), quote=False)  # plain fields take no markup (and "&" is escaped once)
        html[row.key] = built
        row.errors = errors
        placeholder_errors |= bool(errors)
        if not errors:
            row.errors, row.warnings = check(row, built, terms)
    if placeholder_errors:
        return Outcome(editor_rows, False, refusal=_("Nothing was saved: mend the placeholders marked below."))
    for row in editor_rows:
        wants_done = submit or row.key in done
        blocked = bool(row.errors) or (row.warnings and not row.acknowledged) or not html[row.key]
        row.state = SegmentState.TRANSLATED if wants_done and not blocked else (SegmentState.DRAFT if html[row.key] else NEW)
        row.machine = bool(machine.get(row.key)) and machine[row.key] == text_hash(row.target)
    if submit and any(row.state != SegmentState.TRANSLATED for row in editor_rows):
        return Outcome(editor_rows, False, refusal=_("Not submitted, nothing saved: every segment must be translated, without "
                                                     "errors, its warnings acknowledged."))  # fmt: skip
    complete = all(row.state == SegmentState.TRANSLATED for row in editor_rows)
    with transaction.atomic():
        saved = write(version=version, by=by, source=source, revision=source.content_revision, then=services.texts_of(source),
                      targets=html, complete=complete, expected_edit_version=expected_edit_version)  # fmt: skip
        tags = {tag: plain_text(html[f"tag.{tag.pk}"]) for tag, _origin in carried_tags(version, source) if html.get(f"tag.{tag.pk}")}
        saved = name_tags(version=saved, by=by, names=tags) if tags else saved
        _store_states(saved, editor_rows, html)
        if submit:
            services.submit_for_review(version=saved, by=by)
    for row in editor_rows:
        row.target = to_tokens(html[row.key], row.codes) if html[row.key] else row.target
    return Outcome(editor_rows, True, submitted=submit)


def machine_fill(*, version, by, targets, keys):
    """Machine translations of segments `keys` (all empty ones when None) as {key: text with placeholders}, laid over the
    form's `targets`; nothing is saved (desk.mt: the provider's errors are messages)."""
    from desk import mt

    editor_rows = rows(version, posted=targets, with_help=False)
    chosen = [row for row in editor_rows if (row.key in keys if keys is not None else not (row.target or "").strip())]
    if not chosen:
        raise RuleBroken(_("Every segment has a text already: choose one to translate by machine."))
    texts = mt.translate(by=by, source=version.source_version(), target_language=version.language,
                         texts=[row.source.html for row in chosen])  # fmt: skip
    return {row.key: to_tokens(text, row.codes) for row, text in zip(chosen, texts, strict=True)}


def _store_states(version, editor_rows, html):
    SegmentState.objects.filter(version=version).exclude(key__in=[row.key for row in editor_rows]).delete()
    states = [
        SegmentState(version=version, key=row.key, state=row.state if row.state != NEW else SegmentState.DRAFT, machine=row.machine,
                     source_hash=text_hash(row.source.html), target_hash=text_hash(html[row.key]))
        for row in editor_rows
        if html[row.key]
    ]  # fmt: skip
    _upsert_states(states)


def _upsert_states(states):
    SegmentState.objects.bulk_create(states, update_conflicts=True, unique_fields=["version", "key"],
                                     update_fields=["state", "machine", "source_hash", "target_hash", "updated_at"])  # fmt: skip


def mark_translated(version, keys_and_sources):
    """Segments an import wrote count as translated: {key: (source HTML, target HTML)}."""
    states = [SegmentState(version=version, key=key, state=SegmentState.TRANSLATED, source_hash=text_hash(source),
                           target_hash=text_hash(target)) for key, (source, target) in keys_and_sources.items() if target]  # fmt: skip
    _upsert_states(states)


def write(*, version, by, source, revision, then, targets, complete, expected_edit_version=None):
    """Write translated segments into `version` through the services: `targets` {key: inner HTML} over the source's
    text at `revision` (`then`). A segment left empty keeps what the version has there, else the source's text; the
    body is the source's own structure with the translation laid in (figures, lists and links as there)."""
    expected = {segment.key: segment for segment in segments(then)}
    translated = {key: (targets.get(key) or "").strip() for key in expected}
    current = working_texts(version)
    mine = {segment.key: segment for segment in segments(current)}

    def text(key):
        return translated.get(key) or (mine[key].html if key in mine else expected[key].html)

    changes = {name: plain_text(text(name)) for name in PLAIN_FIELDS if name in expected}
    numbered = {key: int(key.split(".")[1]) for key in expected if key.startswith(("body.", "figure."))}
    blocks = {number: text(key) for key, number in numbered.items() if key.startswith("body.")}
    alts = {number: plain_text(text(key)) for key, number in numbered.items() if key.startswith("figure.")}
    changes["body"] = sanitize_html(rebuild_body(then.get("body") or "", blocks, alts), figures=True)
    ordered = sorted(current["images"], key=lambda usage: usage.get("order") or 0)
    for number, usage in enumerate(ordered, start=1):
        for part, key in (("caption", f"image.{number}.caption"), ("alt_text", f"image.{number}.alt")):
            if translated.get(key):
                usage[part] = plain_text(translated[key])
    return services.save_version(version=version, by=by, changes=changes, images=ordered, expected_edit_version=expected_edit_version,
                                 matches_source_revision=revision if complete else None)  # fmt: skip
