"""The project's own set-up: migrations, production settings, Docker Compose, the two commands."""

import os
import re
import shlex
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command, get_commands

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exit_:  # --check exits 1 when a model change lacks a migration
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}")
        raise AssertionError from exit_


def import_prod_settings(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import review.settings.prod as s; print(s.ALLOWED_HOSTS)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


STRONG_KEY = "Hq3x-9LmZp_2wVt8RkYc7NbJ4sFd6GhQe1UoAi5TzXyWvBnMl0"  # 50 characters, many different


@pytest.mark.parametrize(
    "key, reason",
    [("change-me-to-a-long-random-string", "placeholder"), ("s3cret", "fewer than 50"), ("ab" * 40, "only 2 different"),
     ("django-insecure-" + STRONG_KEY, "placeholder"), ("x" * 49, "fewer than 50")],
)  # fmt: skip
def test_production_refuses_a_weak_secret_key(key, reason):
    result = import_prod_settings(DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="review.example.org", DATABASE_URL="postgres://u@h/db")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is too weak for production" in result.stderr and reason in result.stderr
    assert key not in result.stderr, "the message never repeats the key"


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_fail_fast_without_required_environment(missing):
    env = {"DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "review.example.org", "DATABASE_URL": "postgres://u@h/db"}
    del env[missing]
    result = import_prod_settings(**env)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_load_with_their_environment():
    result = import_prod_settings(
        DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="a.example, b.example", DATABASE_URL="postgres://u@h/db"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['a.example', 'b.example']"


def commands_run_by_project_images(compose, dockerfile):
    """Each command line that runs inside an image built from this repository."""
    lines = []
    for service in compose["services"].values():
        if "build" in service and "command" in service:
            command = service["command"]
            lines.append(command if isinstance(command, list) else shlex.split(command))
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M)
    lines.append(yaml.safe_load(cmd.group(1)))
    return lines


def test_compose_file_parses_and_names_only_commands_the_project_has():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    web = compose["services"]["web"]
    assert web["environment"]["DJANGO_SETTINGS_MODULE"] == "review.settings.prod"
    assert {"media", "static"} <= set(compose["volumes"])
    assert any(volume.startswith("media:") for volume in web["volumes"])

    requirements = (ROOT / "requirements.txt").read_text().lower()
    manage_commands = set(get_commands())
    for argv in commands_run_by_project_images(compose, (ROOT / "Dockerfile").read_text()):
        shell_parts = [shlex.split(part) for part in argv[2].split("&&")] if argv[:2] == ["sh", "-c"] else [argv]
        for part in shell_parts:
            program = part[0]
            if program == "gunicorn":
                assert "gunicorn==" in requirements
                module, _, attribute = part[1].partition(":")
                assert (ROOT / (module.replace(".", "/") + ".py")).exists() and attribute == "application"
            elif program == "celery":
                assert "celery==" in requirements
                assert part[1:3] == ["-A", "review"] and (ROOT / "review" / "celery.py").exists()
                assert part[3] in ("worker", "beat")
            elif program == "python":
                assert part[1] == "manage.py" and (ROOT / "manage.py").exists()
                assert part[2] in manage_commands, part
            else:
                pytest.fail(f"Unknown program in a project image command: {part}")


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_compiled_catalogs_are_not_committed():
    listing = subprocess.run(["git", "ls-files", "locale"], cwd=ROOT, capture_output=True, text=True)
    if listing.returncode != 0:
        pytest.skip("not a git checkout")
    tracked = listing.stdout.split()
    assert not [name for name in tracked if name.endswith(".mo")]
    assert {f"locale/{code}/LC_MESSAGES/django.po" for code in ["fr", "de", "ru", "uk", "ar"]} <= set(tracked)


@pytest.mark.parametrize("language", ["fr", "de", "ru", "uk", "ar"])
def test_every_ui_string_is_translated(language):
    from babel.messages.pofile import read_po

    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po)
    missing = [
        message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]
    assert missing == []
    assert catalog.num_plurals > 1


def test_production_settings_pass_the_deployment_checklist_without_a_warning():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REVIEW_"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "review.settings.prod",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2" * 10,
        "DJANGO_ALLOWED_HOSTS": "review.example.org",
        "DATABASE_URL": "sqlite:////tmp/review-deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    probe = "import review.settings.prod as s; print(s.REVIEW_SERVE_MEDIA, s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT)"
    settings_out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert settings_out.stdout.split() == ["False", "None", "True"]  # media off, no proxy header believed, HTTPS only


@pytest.mark.django_db
def test_postgresql_binds_parameters_on_the_server_and_prepares_nothing(client, make_article):
    """Server-side binding (review.settings.base.database_options): psycopg's server-binding cursors, which send
    parameters apart, rather than ClientCursor, which quotes them into the query in Python. No prepared statements: their
    generic plans were slower for listings whose languages fill the index unevenly."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("binding on the server is PostgreSQL's")
    make_article(title="Bound piece")
    for _ in range(8):
        assert client.get("/en/articles/").status_code == 200
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.Cursor) and not isinstance(cursor.cursor, psycopg.ClientCursor)
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


NUMBER_GUARDS = re.compile(r"\.(isdigit|isnumeric|isdecimal)\(")


def test_no_code_guards_an_int_with_isdigit():
    """Numbers and ids from requests are read by review.numbers alone: isdigit() passes "²", which int() refuses."""
    root = Path(__file__).resolve().parent.parent
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in (".venv", "tests", "node_modules") or "site-packages" in relative.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NUMBER_GUARDS.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "read numbers with review.numbers:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "value, expected",
    [("12", 12), ("0", None), ("-3", None), ("²", None), ("٣", None), ("1²", None), ("9" * 19, None), ("9" * 18, int("9" * 18)),
     (" 1", None), ("1 ", None), ("+1", None), ("", None), (None, None), (["1"], None), ("0x1", None), ("1_000", None)],
)  # fmt: skip
def test_an_id_is_ascii_digits_a_database_can_hold(value, expected):
    from review.numbers import read_id, read_ids, read_int

    assert read_id(value) == expected
    assert read_int("-3", minimum=-5) == -3 and read_int("7", maximum=5) is None
    assert read_ids(["1", "²", "x", "4", "٣"]) == [1, 4] and read_ids([str(n) for n in range(1, 300)], limit=3) == [1, 2, 3]


@pytest.mark.parametrize("token", ["²-x", "٣-x", "99999999999999999999-x", "-1-x"])
def test_hostile_numbers_in_a_token_are_refused_not_a_500(db, token):
    from django.test import Client

    feed = "/admin/articles/pieceversion/calendar.ics"
    assert Client(raise_request_exception=False).get(feed, {"token": token}).status_code in (403, 404)


def test_hostile_revision_numbers_in_a_preview_are_a_404(make_article, admin_client):
    version = make_article()
    for revision in ("²", "٣", "9" * 30, "-1", "1.0"):
        assert admin_client.get(f"/en/preview/{version.pk}/", {"revision": revision}).status_code == 404, revision
