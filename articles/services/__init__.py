"""The one write path: every change to pieces and versions goes through these keyword-only functions.

Each one asks `policies` whether `by` may do it, takes the row lock that prevents lost updates,
applies the domain rules once (alt text, slug uniqueness, outdated tracking, redirects on URL
change), keeps the listing index in step, and emits one change event per change. Refusals are
`errors.DomainError`s with a message; the admin, jobs, imports and an API only call these.
`by=None` is the system (a scheduled job, a data import): it passes every policy.

A package by subject: versions, translations, review, assignments, taxonomy, images, home, pages; `_base` holds what they share.
Everyone calls them as `services.<name>`.
"""

from articles.services._base import VERSION_FIELDS, _usages_of, pending_usages, remember_moved_url, texts_of, working_copy
from articles.services.assignments import assign, mail_assignment, save_staff_user, save_translator_languages, unassign
from articles.services.fanout import add_language_rows, fan_out_of, resume_fan_outs, run_fan_out, start_merge, start_search_words
from articles.services.home import MAX_FEATURED, arrange_home, arrangement_stamp, delete_featured, home_arrangement, save_featured
from articles.services.images import (
    delete_image,
    process_image,
    regenerate_renditions,
    request_processing,
    save_generated_image,
    save_image,
    sweep_pending_uploads,
)
from articles.services.pages import delete_publication_page, save_publication_page
from articles.services.review import add_comment, approve, publish_ready, send_back, submit_for_review
from articles.services.taxonomy import (
    TAXONOMY_FIELDS,
    delete_section,
    delete_taxonomies,
    delete_taxonomy,
    merge_taxonomy,
    merged_into,
    moved_to,
    pieces_of,
    save_section,
    save_taxonomy,
    taxonomy_changed,
)
from articles.services.translations import (
    RESTORED_FIELDS,
    create_translation,
    restore_revision,
    source_text_at,
    texts_kept,
    untranslated_image_texts,
)
from articles.services.versions import (
    check_deletable,
    create_piece,
    delete_piece,
    delete_version,
    delete_versions,
    discard_changes,
    go_live_due,
    make_source,
    publish,
    publish_changes,
    reschedule,
    save_version,
    unpublish,
    update_piece,
)

__all__ = [
    "add_language_rows",
    "fan_out_of",
    "resume_fan_outs",
    "run_fan_out",
    "start_merge",
    "start_search_words",
    "VERSION_FIELDS",
    "_usages_of",
    "pending_usages",
    "remember_moved_url",
    "texts_of",
    "working_copy",
    "assign",
    "unassign",
    "save_translator_languages",
    "save_staff_user",
    "mail_assignment",
    "request_processing",
    "save_image",
    "process_image",
    "delete_image",
    "sweep_pending_uploads",
    "regenerate_renditions",
    "save_generated_image",
    "create_piece",
    "save_version",
    "publish_changes",
    "reschedule",
    "discard_changes",
    "update_piece",
    "publish",
    "unpublish",
    "make_source",
    "check_deletable",
    "delete_version",
    "delete_versions",
    "delete_piece",
    "go_live_due",
    "create_translation",
    "RESTORED_FIELDS",
    "restore_revision",
    "untranslated_image_texts",
    "source_text_at",
    "texts_kept",
    "add_comment",
    "submit_for_review",
    "send_back",
    "approve",
    "publish_ready",
    "taxonomy_changed",
    "TAXONOMY_FIELDS",
    "save_taxonomy",
    "delete_taxonomy",
    "merge_taxonomy",
    "merged_into",
    "moved_to",
    "pieces_of",
    "delete_taxonomies",
    "save_section",
    "delete_section",
    "save_featured",
    "delete_featured",
    "MAX_FEATURED",
    "home_arrangement",
    "arrangement_stamp",
    "arrange_home",
    "save_publication_page",
    "delete_publication_page",
]
