"""`make bench`: every reader page type at two data sizes, served by gunicorn, next to a bare Django outside the project;
then the editors' write operations, and readers while a tag is renamed.

For each size (1,000 versions / 200 pieces and 100,000 / 20,000 by default) it creates or reuses a
PostgreSQL database review_bench_<size>, migrates it, generates the data set with
`manage.py generate_bench_data` (skipped when the database already holds exactly that data set,
recorded in the database's comment; `--regenerate` forces it), asks bench/probe.py for the URLs and
each page's queries and bytes, starts gunicorn (review.settings.bench: production settings, DEBUG
off, 30 languages; 2 sync workers), warms it up and measures every page with wrk.

The reference is a bare Django *outside* the project (bench/bare/: no app of Review's, no database, a
new project's middleware minus sessions, one view answering 30 KB), started with the same gunicorn
command and measured with the same wrk settings in the same run, before, between and after the pages.
Every ratio is stated against it; the same view inside the project (bench/urls.py, through Review's
settings and middleware) is kept beside it for information.

After the read rounds (so no read is measured after a write), bench/writes.py calls the services in a
separate process on each size's database: saving a draft's title, staging and publishing a published
version's changes, renaming a tag, an author and a section (one language), adding a language's listing
rows where the services have it; p50/p95, SQL writes and rows touched, URLs purged, every change put
back. A rename's background job (a `FanOut`, run with `services.run_fan_out`) is timed apart from its
answer when the services have them; otherwise the answer holds the whole fan-out. Then the concurrent-
writer round at the largest size: wrk on an article, a tag and the home page (uncached) quiet for 20 s, and again
for 20 s while another process renames that tag and back with its jobs (a cycle every 10 s), three such pairs
alternating; the median reader p99 of each side (one window's p99 swings with the host's vCPU stalls).
`--skip-writes` leaves the write rounds out.

It prints a Markdown table (also written to bench/results.md) and one summary line:

    bench: worst uncached page <P>% of outside bare Django (<page>; <Q>% of in-project bare); worst cached page
    <C>% of outside bare (<page>); forged cookies <F>% of cached (hit); worst p50 100k/1k <R>x (<page>); worst search
    p95 <S> ms (<lang>); <N> stale after
    <E> edits; in-project bare <B>% of outside bare (<rps> req/s); draft save p95 <D> ms, publish p95 <U> ms, tag rename
    <T> ms + job <J> s, reader p99 during job <A>x of quiet

The cached pass also sends 8 connections with a forged session and CSRF cookie to an article page, beside the same
8 without cookies: anyone can send those cookies, so they must be served from the cache at its throughput.

Targets (reported, never timed tests): every page at the largest size at least 5% of the outside bare
Django's requests/s uncached and 60% from the page cache, and its p50 at most 1.2x its p50 at the
smallest size; search p95 under 50 ms; save a draft p95 <= 50 ms and publish p95 <= 150 ms at the
largest size, each within 1.5x its p95 at the smallest; every taxonomy rename answers in <= 300 ms
and its job (and adding a language) finishes in <= 30 s; the reader p99 during the tag rename at most
2x the quiet p99; a translation memory lookup p95 under 50 ms (bench/memory.py).
"""

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
# The bench's own key: production settings (which the bench runs) refuse a weak one; never a production key.
BENCH_SECRET_KEY = "bench-secret-key-made-for-the-benchmark-run-only-9f3Kq7Lw2Zx8Vb4Nm6Tr1Yp5"
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
FINGERPRINT_FILES = [
    "articles/management/commands/generate_bench_data.py",
    "articles/listing.py",
    "articles/search.py",
    "review/settings/bench.py",
]
MIN_SHARE_OF_BARE = 5.0
MAX_P50_RATIO = 1.2
MIN_CACHED_SHARE_OF_BARE = 60.0
MAX_SEARCH_P95_MS = 50.0
MAX_DRAFT_P95_MS = 50.0
MAX_PUBLISH_P95_MS = 150.0
MAX_WRITE_GROWTH = 1.5  # p95 at the largest size over p95 at the smallest
MAX_RENAME_MS = 300.0
MAX_JOB_S = 30.0
CONCURRENT_WINDOW = 20  # seconds of readers quiet, and as many during the tag renames
CONCURRENT_PAIRS = 3  # quiet and during windows, alternating: the medians are compared
WARM_UP_CLIENTS = 4  # at least the workers, so each one renders every page before it is measured
MAX_MEMORY_P95_MS = 50.0  # a translation memory lookup (bench/memory.py)
MEMORY_LOOKUPS = 200
MAX_P99_DURING = 2.0  # reader p99 during a tag rename's job over the quiet p99
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")  # the cached pass's page cache, flushed first


def log(message):
    print(message, file=sys.stderr, flush=True)


def size_label(versions):
    return f"{versions // 1000}k" if versions % 1000 == 0 else str(versions)


# PostgreSQL ------------------------------------------------------------------------------------


def ensure_postgres():
    host_args = ["-h", "127.0.0.1", "-p", "5432"]
    if subprocess.run(["pg_isready", *host_args], capture_output=True).returncode == 0:
        return
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions:
        sys.exit("bench: PostgreSQL is not running and no cluster was found in /etc/postgresql")
    log(f"starting PostgreSQL {versions[-1]}")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True)
    for _ in range(30):
        if subprocess.run(["pg_isready", *host_args], capture_output=True).returncode == 0:
            return
        time.sleep(1)
    sys.exit("bench: PostgreSQL did not come up")


def admin_query(statement, params=(), fetch=False, database="postgres"):
    """Run one statement (a string or a psycopg.sql composition) on the server's postgres database, autocommit."""
    import psycopg

    connection = psycopg.connect(f"{PG_ADMIN_URL}/{database}", autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if fetch else None
    finally:
        connection.close()


def database_exists(name):
    return bool(admin_query("SELECT 1 FROM pg_database WHERE datname = %s", (name,), fetch=True))


def database_comment(name):
    rows = admin_query("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,), fetch=True)
    return rows[0][0] if rows else None


def set_database_comment(name, comment):
    from psycopg import sql

    admin_query(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))


def create_database(name):
    from psycopg import sql

    admin_query(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin_query(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# Django commands -------------------------------------------------------------------------------


def environment(database):
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="review.settings.bench",
        DJANGO_SECRET_KEY=BENCH_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=f"{PG_ADMIN_URL}/{database}",
        DJANGO_MEDIA_ROOT=os.environ.get("BENCH_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "review-bench-media")),
        DJANGO_SECURE_COOKIES="0",
        REVIEW_PAGE_CACHE="0",  # the table measures rendering; the cached pass turns it on
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args, capture=False):
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture)
    return result.stdout if capture else None


def fingerprint(versions, pieces, args):
    """What a data set was made from: its sizes and seed, the generator, the listing code and the schema's migrations."""
    digest = hashlib.sha256()
    for path in [*(ROOT / name for name in FINGERPRINT_FILES), *sorted((ROOT / "articles" / "migrations").glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    facts = {"versions": versions, "pieces": pieces, "languages": args.languages, "seed": args.seed, "code": digest.hexdigest()[:16]}
    return json.dumps({"bench": 1, **facts}, sort_keys=True)


def prepare_database(versions, pieces, args):
    """review_bench_<size>, reused when it holds exactly this data set, otherwise made afresh and generated."""
    label = size_label(versions)
    name = f"review_bench_{label}"
    env = environment(name)
    wanted = fingerprint(versions, pieces, args)
    if not args.regenerate and database_exists(name) and database_comment(name) == wanted:
        try:
            manage(env, "migrate", "--noinput", "-v0", capture=True)
            # An earlier run's write round left dead rows behind (adding a language writes and removes ~100,000 listing
            # rows): the planner would walk them at every query until autovacuum comes by.
            admin_query("VACUUM (ANALYZE) articles_listingentry, articles_searchdocument, articles_article", database=name)
            log(f"[{label}] {name} already holds this data set (--regenerate to make it again)")
            return env, 0.0
        except subprocess.CalledProcessError as error:
            log(f"[{label}] migrate failed on the existing {name}, making it again:\n{error.stderr[-2000:]}")
    # A changed generator, listing code or migration history: a new database (a rewritten migration cannot be applied twice).
    log(f"[{label}] creating database {name}")
    create_database(name)
    manage(env, "migrate", "--noinput", "-v0")
    log(f"[{label}] generating {versions} versions / {pieces} pieces / {args.languages} languages")
    started = time.monotonic()
    options = [f"--versions={versions}", f"--pieces={pieces}", f"--languages={args.languages}", f"--seed={args.seed}"]
    manage(env, "generate_bench_data", *options)
    elapsed = time.monotonic() - started
    set_database_comment(name, wanted)
    return env, elapsed


# gunicorn and wrk ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def outside_environment():
    """The outside bare Django's environment: its own settings (bench/bare/settings.py), nothing of the project's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "REVIEW_")) and key != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="bench.bare.settings", DJANGO_SECRET_KEY=BENCH_SECRET_KEY,
               PYTHONUNBUFFERED="1")  # fmt: skip
    return env


@contextlib.contextmanager
def gunicorn(env, workers, app="review.wsgi:application"):
    """gunicorn serving `app`, the same command for the project and the outside bare Django (bench.bare.wsgi)."""
    port = free_port()
    command = [GUNICORN, app, "--workers", str(workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if process.poll() is not None:
                sys.exit(f"bench: gunicorn exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/_bench/bare/", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        else:
            sys.exit("bench: gunicorn did not answer")
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def warm_up(base, urls, rounds, parallel=WARM_UP_CLIENTS):
    """Each URL `rounds` times from each of `parallel` clients at once: one client's requests, one after the other,
    all go to whichever worker is idle, and the other workers would meet the pages cold in the measurement (a
    first-render p99 of hundreds of milliseconds)."""

    def client():
        for _ in range(rounds):
            for url in urls:
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(base + url, timeout=30).read()

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        for done in [pool.submit(client) for _ in range(parallel)]:
            done.result()


def to_ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


# wrk cycling through several paths (the search mix), and printing the 95th percentile too.
CYCLE_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("P95 %%.3fms\\n", latency:percentile(95) / 1000))
end
"""


def wrk_command(url, args, script=None, duration=None, connections=None, headers=()):
    command = ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}", f"-d{duration or args.duration}s", "--latency",
               "--timeout", "10s", *(part for header in headers for part in ("-H", header))]  # fmt: skip
    return [*command, *(["-s", script.name] if script else []), url]


def cycle_script(paths):
    """A temporary wrk script cycling through `paths` (and printing the 95th percentile), or None for one path."""
    if not paths:
        return contextlib.nullcontext()
    script = tempfile.NamedTemporaryFile("w", suffix=".lua")
    script.write(CYCLE_SCRIPT % ", ".join(json.dumps(path) for path in paths))
    script.flush()
    return script


def wrk(url, args, paths=None, connections=None, headers=(), duration=None):
    with cycle_script(paths) as script:
        command = wrk_command(url, args, script, duration=duration, connections=connections, headers=headers)
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return parse_wrk(output)


def parse_wrk(output):
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))  # "1.28s " has a trailing space
    if "99" not in latency:
        sys.exit(f"bench: no latency in wrk's output:\n{output}")
    p95 = re.search(r"^P95 (\S+)$", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.MULTILINE)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "p95": to_ms(p95.group(1)) if p95 else None,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def prepare_size(versions, pieces, args):
    """The size's database (generated if needed) and what the probe found: URLs, queries, bytes."""
    label = size_label(versions)
    env, generation = prepare_database(versions, pieces, args)
    probe = subprocess.run([PY, "-m", "bench.probe", *args.page_languages], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    bare, *rows = json.loads(probe.stdout)
    return {"label": label, "versions": versions, "pieces": pieces, "generation": generation, "env": env, "bare": bare, "rows": rows}


def measure(results, outside, args):
    """wrk on every page, the sizes back to back page by page (so background load hits them alike), bare Django in between:
    the outside bare Django (bench/bare/) first, then each size's in-project bare view."""
    with contextlib.ExitStack() as stack:
        outside["base"] = stack.enter_context(gunicorn(outside_environment(), args.workers, "bench.bare.wsgi:application"))
        warm_up(outside["base"], [outside["url"]], rounds=2 * args.workers)
        with urllib.request.urlopen(outside["base"] + outside["url"], timeout=30) as response:
            outside["bytes"] = len(response.read())
        outside["runs"] = []
        for result in results:
            result["base"] = stack.enter_context(gunicorn(result["env"], args.workers))
            urls = [result["bare"]["url"], *(row["url"] for row in result["rows"] if row["url"])]
            warm_up(result["base"], urls, rounds=2 * args.workers)
            result["bare_runs"] = []
        log(f"gunicorn: {args.workers} sync workers per size; wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page")

        def bare_round():
            run = wrk(outside["base"] + outside["url"], args)
            outside["runs"].append(run)
            log(f"[out ] outside bare Django {run['rps']:8.1f} req/s  p50 {run['p50']:7.2f} ms")
            for result in results:
                run = wrk(result["base"] + result["bare"]["url"], args)
                result["bare_runs"].append(run)
                log(f"[{result['label']:>4}] in-project bare    {run['rps']:8.1f} req/s  p50 {run['p50']:7.2f} ms")

        bare_round()
        for language in args.page_languages:
            for index, row in enumerate(results[-1]["rows"]):
                if row["lang"] != language:
                    continue
                for result in results:
                    item = result["rows"][index]
                    if item["url"]:
                        item["wrk"] = wrk(result["base"] + item["url"], args, item.get("urls"))
                        log(f"[{result['label']:>4}] {item['page']:<14} {item['lang']:<3} "
                            f"{item['wrk']['rps']:8.1f} req/s  p50 {item['wrk']['p50']:7.2f} ms")  # fmt: skip
            bare_round()
        cached_pass(results[-1], args, stack)
        bare_round()
    outside["wrk"] = median_run(outside.pop("runs"))
    for result in results:
        result["bare"]["wrk"] = median_run(result.pop("bare_runs"))


def median_run(runs):
    return {
        "rps": statistics.median(run["rps"] for run in runs),
        "p50": statistics.median(run["p50"] for run in runs),
        "p99": statistics.median(run["p99"] for run in runs),
        "runs": [run["rps"] for run in runs],
        "non2xx": sum(run["non2xx"] for run in runs),
    }


def cached_pass(result, args, stack):
    """The largest size again with the page cache on, in Redis as in production: after a warm-up load each page is a hit."""
    import redis

    redis.Redis.from_url(BENCH_REDIS).flushdb()
    env = {**result["env"], "REVIEW_PAGE_CACHE": "1", "REDIS_URL": BENCH_REDIS}
    base = stack.enter_context(gunicorn(env, args.workers))
    for item in result["rows"]:
        if item["url"] and not item.get("urls"):  # search results are never cached
            warm_up(base, [item["url"]], rounds=2)
            state = urllib.request.urlopen(base + item["url"], timeout=30).headers.get("X-Review-Cache")
            item["cached"] = {**wrk(base + item["url"], args), "state": state}
            log(f"[{result['label']:>4}] {item['page']:<14} {item['lang']:<3} {item['cached']['rps']:8.1f} req/s  "
                f"p50 {item['cached']['p50']:7.2f} ms  (page cache: {state})")  # fmt: skip
    forged_cookies_round(result, args, base)
    command = [PY, "-m", "bench.purge_round", base, "--edits", str(args.purge_edits)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        log(done.stderr)  # what went wrong, not only that it did
        done.check_returncode()
    result["purge"] = json.loads(done.stdout)
    log(f"[{result['label']:>4}] purge round: {json.dumps(result['purge'])}")


FORGED_COOKIES = "Cookie: sessionid=0123456789abcdefghijklmnopqrstuv; csrftoken=forgedforgedforgedforgedforged12"
FORGED_CONNECTIONS = 8


def forged_cookies_round(result, args, base):
    """8 connections sending a forged session and CSRF cookie, beside the same 8 without cookies: anyone may send those
    cookies, so they must be served from the cache (delivery.staff), not turn it off."""
    url = next(item["url"] for item in result["rows"] if item["url"] and item["page"].startswith("article"))
    request = urllib.request.Request(base + url, headers=dict([FORGED_COOKIES.split(": ", 1)]))
    state = urllib.request.urlopen(request, timeout=30).headers.get("X-Review-Cache")
    plain = wrk(base + url, args, connections=FORGED_CONNECTIONS)
    forged = wrk(base + url, args, connections=FORGED_CONNECTIONS, headers=[FORGED_COOKIES])
    result["forged"] = {"url": url, "state": state, "plain": plain, "forged": forged}
    log(f"[{result['label']:>4}] forged cookies, {FORGED_CONNECTIONS} connections: {forged['rps']:8.1f} req/s "
        f"(without cookies {plain['rps']:.1f}; page cache: {state})")  # fmt: skip


# Writes ----------------------------------------------------------------------------------------


def writer_environment(result):
    """The writers' environment: the size's, with the Django cache (page cache and purges) in Redis as in production."""
    return {**result["env"], "REDIS_URL": BENCH_REDIS}


def write_round(result, args):
    """The editors' operations through the services at this size (bench/writes.py), after the read rounds."""
    command = [PY, "-m", "bench.writes", "--repeat", str(args.write_repeat), "--renames", str(args.renames),
               "--skip-languages", ",".join(args.page_languages)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=writer_environment(result), capture_output=True, text=True)
    if done.returncode:
        log(done.stderr)
        done.check_returncode()
    result["writes"] = json.loads(done.stdout.splitlines()[-1])
    for op in result["writes"]["ops"]:
        log(f"[{result['label']:>4}] {op['op']:<34} p50 {op['p50']:9.1f} ms  p95 {op['p95']:9.1f} ms  "
            f"{op['statements']:g} writes, {op['rows']:g} rows, {op['urls']:g} URLs")  # fmt: skip


def memory_round(result, args):
    """The translation memory at this size (bench/memory.py): filled from the archive once, then lookups timed."""
    done = subprocess.run([PY, "-m", "bench.memory", "--lookups", str(MEMORY_LOOKUPS)], cwd=ROOT, env=result["env"],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        log(done.stderr)
        done.check_returncode()
    result["memory"] = found = json.loads(done.stdout.splitlines()[-1])
    for kind, figures in found["kinds"].items():
        log(f"[{result['label']:>4}] memory lookup {kind:<6} p50 {figures['p50']:7.2f} ms  p95 {figures['p95']:7.2f} ms  "
            f"max {figures['max']:7.2f} ms  ({figures['found']}/{found['lookups']} found; {found['entries']} entries"
            + (f", filled in {found['fill_seconds']:.0f} s" if found["filled"] else "") + ")")  # fmt: skip


def memory_section(results):
    """The memory's table, its misses and the summary's figure."""
    if not any(r.get("memory") for r in results):
        return [], [], ""
    lines = ["## Translation memory", "",
             f"`desk.memory.matches` as the segment editor calls it, in a separate process (bench/memory.py): {MEMORY_LOOKUPS} "
             "segments the memory holds (exact: 100%) and the same with one word changed (fuzzy), for random language pairs. "
             "The memory is filled once per data set from every published, up-to-date translation (desk.memory.record).", "",
             "| size | entries | kind | p50 ms | p95 ms | max ms | found | fill |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    misses, worst = [], None
    for result in results:
        found = result.get("memory")
        if not found:
            continue
        for kind, figures in found["kinds"].items():
            fill = f"{found['fill_seconds']:.0f} s" if found["filled"] else "reused"
            lines.append(f"| {result['label']} | {found['entries']} | {kind} | {figures['p50']:.2f} | {figures['p95']:.2f} | "
                         f"{figures['max']:.2f} | {figures['found']}/{found['lookups']} | {fill} |")  # fmt: skip
            if worst is None or figures["p95"] > worst[0]:
                worst = (figures["p95"], f"{kind} at {result['label']}")
            if figures["p95"] > MAX_MEMORY_P95_MS:
                misses.append(f"memory lookup {kind} p95 {figures['p95']:.1f} ms at {result['label']}")
    lines += ["", f"Target: a lookup p95 < {MAX_MEMORY_P95_MS:g} ms." + (" Missed: " + "; ".join(misses) + "." if misses else " Met.")]
    return lines, misses, f"memory lookup p95 {worst[0]:.1f} ms ({worst[1]})" if worst else ""


def concurrent_round(result, args):
    """Readers under wrk (an article, a tag and the home page, uncached), CONCURRENT_PAIRS times a window quiet, then as
    long a window while another process renames the reader's tag there and back and runs each rename's job, from the
    window's start to (at least) its end; the median p99 of the quiet windows and of the windows during the renames.
    Windows of one length: a longer window meets more of the machine's own hiccups, and its p99 would be higher
    without any writer. Several pairs, medians: on this virtual machine the host stops a vCPU for ~100 ms now and
    then (steal time), and whether a 20 s window meets a few of those or a dozen moves its p99 between ~15 and ~100 ms
    whatever Review does, so one pair alone says more about the host than about the writer."""
    language = args.page_languages[0]
    pages = [row for row in result["rows"] if row["lang"] == language and row["page"] in ("article", "tag", "home") and row["url"]]
    paths = [row["url"] for row in pages]
    if not paths:
        return
    window = max(CONCURRENT_WINDOW, args.duration)
    env = {**writer_environment(result), "REVIEW_PAGE_CACHE": "0"}  # pages rendered, the Django cache shared with the writer
    quiets, durings, facts = [], [], []
    with gunicorn(env, args.workers) as base, cycle_script(paths) as script:
        warm_up(base, paths, rounds=2 * args.workers)
        for _pair in range(CONCURRENT_PAIRS):
            quiets.append(wrk(base + paths[0], args, paths, duration=window))
            during, fact = renames_under_readers(base, paths, script, window, env, args)
            durings.append(during)
            facts.append(fact)
            log(f"[{result['label']:>4}] readers, quiet {quiets[-1]['rps']:8.1f} req/s  p99 {quiets[-1]['p99']:7.2f} ms; "
                f"tag renames {during['rps']:8.1f} req/s  p99 {during['p99']:7.2f} ms  "
                f"({fact['cycles']} renames there and back in {fact['seconds']:.1f} s)")  # fmt: skip
    result["concurrent"] = {"pages": [f"{row['page']} {row['lang']}" for row in pages], "quiet": median_window(quiets),
                            "during": median_window(durings), "window": window, "pairs": len(quiets),
                            "quiet_p99s": [run["p99"] for run in quiets], "during_p99s": [run["p99"] for run in durings],
                            "tag": facts[0]["tag"], "cycles": sum(fact["cycles"] for fact in facts),
                            "seconds": sum(fact["seconds"] for fact in facts), "ops": facts[-1]["ops"]}  # fmt: skip


def renames_under_readers(base, paths, script, window, env, args):
    """One window of readers while bench.writes renames the tag there and back with its jobs: (wrk's figures, the
    writer's facts)."""
    writer = subprocess.Popen([PY, "-m", "bench.writes", "--concurrent", str(window), "--skip-languages",
                               ",".join(args.page_languages)], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    readers = None
    try:
        if writer.stdout.readline().strip() != "ready":
            sys.exit(f"bench: the concurrent writer did not start ({writer.wait()})")
        readers = subprocess.Popen(wrk_command(base + paths[0], args, script, duration=window), stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)  # wrk's connections are open before the first rename
        writer.stdin.write("go\n")
        writer.stdin.flush()
        during = parse_wrk(readers.communicate(timeout=window + 60)[0])
        output = writer.communicate(timeout=3600)[0]  # it ends the cycle it is in
    finally:
        for process in (writer, readers):
            if process and process.poll() is None:
                process.kill()
                process.wait()
    if writer.returncode:
        sys.exit(f"bench: the concurrent writer failed ({writer.returncode})")
    return during, json.loads(output.splitlines()[-1])


def median_window(runs):
    """The medians of several wrk windows' figures (non-2xx responses: their sum)."""
    middle = {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99")}
    p95s = [run["p95"] for run in runs if run["p95"] is not None]
    return {**middle, "p95": statistics.median(p95s) if p95s else None, "non2xx": sum(run["non2xx"] for run in runs)}


# Report ----------------------------------------------------------------------------------------


def fmt(value, spec):
    return "n/a" if value is None else format(value, spec)


def report(results, outside, args, elapsed):
    small, large = results[0], results[-1]
    compare = len(results) > 1
    S, L = small["label"], large["label"]
    by_page = {(row["page"], row["lang"]): row for row in small["rows"]}
    sets = ", ".join(f"{r['label']} = {r['versions']} versions / {r['pieces']} pieces" for r in results)
    header = ["page", "lang", *([f"req/s {S}"] if compare else []), f"req/s {L}", *([f"p50 {S} ms"] if compare else []),
              f"p50 {L} ms", f"p99 {L} ms", *([f"p50 ratio {L}/{S}"] if compare else []), f"% of outside bare ({L})",
              f"% of in-project bare ({L})", f"cached req/s {L}", "cached % of outside bare", "queries", "bytes", "cards",
              "notes"]  # fmt: skip
    bare_rps = outside["wrk"]["rps"]  # every ratio is stated against the outside bare Django
    project_rps = large["bare"]["wrk"]["rps"]
    lines = [
        f"# make bench ({sets}; {args.languages} languages)",
        "",
        f"gunicorn review.wsgi with review.settings.bench (prod, DEBUG off), {args.workers} sync workers, PostgreSQL; "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency` per page, on the same 2-core machine. "
        "Every % is of the **outside bare Django** (bench/bare/: a Django project with no app of Review's, no database and "
        "the middleware of a new project minus sessions, one view answering 30 KB), served by the same gunicorn command and "
        "measured with the same wrk settings in the same run; the in-project bare view (the same view through Review's "
        "settings and middleware) is a column for information. "
        "Queries, bytes and cards: the same URL through Django's test client (second request); `a / b` when they differ "
        "between sizes. A p50 ratio counts towards the target only where both sizes show the same number of cards "
        "(the same page, not a page with more on it).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    worst_share = worst_ratio = worst_cached = None
    misses, not_comparable = [], []

    def row_cells(row, base):
        measured = row.get("wrk")
        base_measured = base.get("wrk") if base else None
        share = 100 * measured["rps"] / bare_rps if measured else None
        project_share = 100 * measured["rps"] / project_rps if measured else None
        ratio = measured["p50"] / base_measured["p50"] if measured and base_measured else None
        queries, size, cards = fmt(row["queries"], "d"), fmt(row["bytes"], "d"), fmt(row.get("cards"), "d")
        if base and base["queries"] != row["queries"]:
            queries = f"{fmt(base['queries'], 'd')} / {queries}"
        if base and base.get("cards") != row.get("cards"):
            cards = f"{fmt(base.get('cards'), 'd')} / {cards}"
        cells = [row["page"], row["lang"]]
        cells += [fmt(base_measured and base_measured["rps"], ".0f")] if compare else []
        cells += [fmt(measured and measured["rps"], ".0f")]
        cells += [fmt(base_measured and base_measured["p50"], ".2f")] if compare else []
        cells += [fmt(measured and measured["p50"], ".2f"), fmt(measured and measured["p99"], ".2f")]
        cells += [fmt(ratio, ".2f")] if compare else []
        cached = row.get("cached")
        cached_share = 100 * cached["rps"] / bare_rps if cached else None
        cells += [fmt(share, ".1f"), fmt(project_share, ".1f"), fmt(cached and cached["rps"], ".0f"), fmt(cached_share, ".1f"),
                  queries, size, cards]  # fmt: skip
        row["cached_share"], row["project_share"] = cached_share, project_share
        return cells, share, ratio

    for row in large["rows"]:
        if row.get("urls") is not None:
            continue  # search: its own table below
        name = f"{row['page']} {row['lang']}"
        base = by_page.get((row["page"], row["lang"])) if compare else None
        cells, share, ratio = row_cells(row, base)
        notes = [note for note in (row["note"], base and base["note"] and f"{S}: {base['note']}") if note]
        for result, item in ((large, row), (small, base)):
            if item and item["status"] not in (None, 200):
                notes.append(f"status {item['status']} at {result['label']}")
            if item and item.get("wrk", {}).get("non2xx"):
                notes.append(f"{item['wrk']['non2xx']} non-2xx responses at {result['label']}")
        if share is not None and (worst_share is None or share < worst_share[0]):
            worst_share = (share, name, row["project_share"])
        if ratio is not None and base.get("cards") != row.get("cards"):
            not_comparable.append(f"{name} ({base.get('cards')} vs {row.get('cards')} cards)")
            notes.append(f"ratio not compared: {base.get('cards')} cards at {S}, {row.get('cards')} at {L}")
            ratio = None
        if ratio is not None and (worst_ratio is None or ratio > worst_ratio[0]):
            worst_ratio = (ratio, name)
        cached_share = row.get("cached_share")
        if cached_share is not None and (worst_cached is None or cached_share < worst_cached[0]):
            worst_cached = (cached_share, name)
        if cached_share is not None and cached_share < MIN_CACHED_SHARE_OF_BARE:
            misses.append(f"{name} cached {cached_share:.1f}% of outside bare")
        if row.get("cached") and row["cached"]["state"] != "hit":
            notes.append(f"cached pass: {row['cached']['state'] or 'not cached'}")
        if share is not None and share < MIN_SHARE_OF_BARE:
            misses.append(f"{name} {share:.1f}% of outside bare")
        if ratio is not None and ratio > MAX_P50_RATIO:
            misses.append(f"{name} p50 {ratio:.2f}x")
        lines.append("| " + " | ".join([*cells, "; ".join(notes)]) + " |")
    runs = "; ".join(f"{r['label']}: " + ", ".join(f"{v:.0f}" for v in r["bare"]["wrk"]["runs"]) for r in results)
    cells, _share, _ratio = row_cells({**large["bare"], "page": "bare Django (in project)"}, small["bare"] if compare else None)
    lines.append("| " + " | ".join([*cells, f"the same view inside Review (bench/urls.py); median of runs before, between "
                                              f"and after the pages ({runs})"]) + " |")  # fmt: skip
    measured = outside["wrk"]
    cells = ["bare Django (outside)", "", *(["—"] if compare else []), f"{measured['rps']:.0f}", *(["—"] if compare else []),
             f"{measured['p50']:.2f}", f"{measured['p99']:.2f}", *(["—"] if compare else []), "100.0",
             fmt(100 * measured["rps"] / project_rps, ".1f"), "", "", "0", fmt(outside["bytes"], "d"), "0"]  # fmt: skip
    runs = ", ".join(f"{v:.0f}" for v in measured["runs"])
    lines.append("| " + " | ".join([*cells, f"bench/bare/, no project, no database: the reference of every %; median of runs "
                                              f"before, between and after the pages ({runs})"]) + " |")  # fmt: skip
    search_lines, worst_search = search_table(results, bare_rps, misses)
    lines += ["", *search_lines]
    write_lines, write_misses, write_text = writes_section(results, args)
    lines += ["", *write_lines]
    memory_lines, memory_misses, memory_text = memory_section(results)
    lines += ["", *memory_lines] if memory_lines else []
    misses += memory_misses
    lines.append("")
    generation = ", ".join(f"{r['label']} {r['generation']:.0f} s" if r["generation"] else f"{r['label']} reused" for r in results)
    lines.append(f"Data generation: {generation}. Whole run: {elapsed:.0f} s. "
                 f"1-minute load average before and after measuring: {args.load[0]:.2f}, {args.load[1]:.2f} (2 cores).")  # fmt: skip
    purge = large.get("purge")
    purge_text = "purge round n/a"
    if purge:
        purge_text = (f"{purge['edits']} edits, {purge['checked']} pages checked after them, {purge['stale']} stale; "
                      f"hit ratio while editing {purge['hit_ratio_untouched']}% on untouched pages, "
                      f"{purge['hit_ratio_touched']}% on the {purge['touched_pages']} pages the edits touch")  # fmt: skip
        lines.append(f"Purge round at {L} (bench/purge_round.py; readers loading pages while pieces are edited through the services): "
                     f"{purge_text}." + (f" Stale: {purge['stale_urls']}" if purge["stale"] else ""))  # fmt: skip
        if purge["stale"]:
            misses.append(f"{purge['stale']} stale responses after purge")
    forged = large.get("forged")
    forged_text = "forged cookies n/a"
    if forged:
        share = 100 * forged["forged"]["rps"] / forged["plain"]["rps"] if forged["plain"]["rps"] else 0
        forged_text = f"forged cookies {share:.0f}% of cached ({forged['state'] or 'not cached'})"
        lines.append(f"Forged cookies at {L}: {FORGED_CONNECTIONS} connections sending `{FORGED_COOKIES}` to {forged['url']}: "
                     f"{forged['forged']['rps']:.0f} req/s, p99 {forged['forged']['p99']:.2f} ms (page cache: {forged['state']}); "
                     f"the same 8 without cookies {forged['plain']['rps']:.0f} req/s, p99 {forged['plain']['p99']:.2f} ms "
                     f"({share:.0f}%).")  # fmt: skip
        if forged["state"] != "hit" or share < 80:
            misses.append(f"forged cookies served at {share:.0f}% of cached throughput ({forged['state']})")
    targets = f"Targets: every page ≥ {MIN_SHARE_OF_BARE:g}% of the outside bare Django's req/s at {L} uncached"
    targets += f" and ≥ {MIN_CACHED_SHARE_OF_BARE:g}% from the page cache"
    targets += f", p50 at {L} ≤ {MAX_P50_RATIO:g}x p50 at {S}." if compare else "."
    lines.append(targets + (" Missed: " + "; ".join(misses) + "." if misses else " All met."))
    if write_misses is not None:
        lines.append(write_targets_text(S, L, compare) + (" Missed: " + "; ".join(write_misses) + "." if write_misses else " All met."))
    if not_comparable:
        lines.append(f"p50 ratio not compared (different number of cards at {S} and {L}): " + "; ".join(not_comparable) + ".")
    share_text = (f"{worst_share[0]:.1f}% of outside bare Django ({worst_share[1]}; {worst_share[2]:.1f}% of in-project bare)"
                  if worst_share else "n/a")  # fmt: skip
    if compare:
        ratio_text = f"worst p50 {L}/{S} {worst_ratio[0]:.2f}x ({worst_ratio[1]})" if worst_ratio else f"worst p50 {L}/{S} n/a"
    else:
        ratio_text = f"worst p50 100k/1k n/a (only {L} measured)"
    if not_comparable:
        ratio_text += f", {len(not_comparable)} not comparable"
    cached_text = f"worst cached page {worst_cached[0]:.1f}% of outside bare ({worst_cached[1]})" if worst_cached else "cached n/a"
    stale = f"{purge['stale']} stale after {purge['edits']} edits" if purge else "purge n/a"
    search_text = f"worst search p95 {worst_search[0]:.1f} ms ({worst_search[1]})" if worst_search else "search n/a"
    project_text = f"in-project bare {100 * project_rps / bare_rps:.0f}% of outside bare ({bare_rps:.0f} req/s)"
    summary = f"bench: worst uncached page {share_text}; {cached_text}; {forged_text}; {ratio_text}; {search_text}; {stale}; {project_text}"
    summary += f"; {memory_text}" if memory_text else ""
    return "\n".join(lines), summary + (f"; {write_text}" if write_text else "")


def write_targets_text(S, L, compare):
    text = (f"Write targets: save a draft p95 ≤ {MAX_DRAFT_P95_MS:g} ms and publish p95 ≤ {MAX_PUBLISH_P95_MS:g} ms at {L}"
            + (f", each ≤ {MAX_WRITE_GROWTH:g}x its p95 at {S}" if compare else "")
            + f"; every taxonomy rename answers ≤ {MAX_RENAME_MS:g} ms; its job (and adding a language) finishes ≤ {MAX_JOB_S:g} s "
            f"at {L}; reader p99 during the tag rename's job ≤ {MAX_P99_DURING:g}x the quiet p99.")  # fmt: skip
    return text


TAXONOMY_OPS = ("rename a tag", "change an author's name", "rename a section")


def writes_section(results, args):
    """The write operations per size, the concurrent-writer round, the write targets and the summary's write figures."""
    small, large = results[0], results[-1]
    compare = len(results) > 1
    S, L = small["label"], large["label"]
    if not any(r.get("writes") for r in results):
        return ["## Writes", "", "Not measured (--skip-writes)."], None, ""
    fan_out = bool(large.get("writes", {}).get("fan_out"))
    by_size = {r["label"]: {op["op"]: op for op in r.get("writes", {}).get("ops", [])} for r in results}
    names = list(dict.fromkeys(name for r in reversed(results) for name in by_size[r["label"]]))
    lines = [
        "## Writes",
        "",
        "The editors' operations through the services, called directly in a separate process (bench/writes.py) on each "
        f"size's database after the read rounds: {args.write_repeat} draft saves and publishes (after a warm-up), "
        f"{2 * args.renames} renames of each taxonomy (there and back), every change put back afterwards. Jobs are not run "
        "inside the call (Celery not eager, an in-memory broker): a call's time is the editor's wait. "
        + ("A rename's FanOut is then run with `services.run_fan_out` and timed as its job. " if fan_out else
           "**No FanOut on this branch: a rename does its whole fan-out inside the call**, so its answer time is the job too. ")
        + "Writes and rows: SQL INSERT/UPDATE/DELETE statements and the rows they touched (median per call; by table: mean "
        "per call); URLs: those the change events named (purged).",
        "",
    ]  # fmt: skip
    header = ["operation", *([f"p50 {S} ms", f"p95 {S} ms"] if compare else []), f"p50 {L} ms", f"p95 {L} ms", f"max {L} ms",
              f"writes {L}", f"rows {L}", f"rows by table {L}", f"URLs {L}", "notes"]  # fmt: skip
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    misses = []
    for name in names:
        op, base = by_size[L].get(name), by_size[S].get(name) if compare else None
        cells = [name]
        cells += [fmt(base and base["p50"], ".1f"), fmt(base and base["p95"], ".1f")] if compare else []
        cells += [fmt(op and op["p50"], ".1f"), fmt(op and op["p95"], ".1f"), fmt(op and op["max"], ".1f")]
        cells += [fmt(op and op["statements"], "g"), fmt(op and op["rows"], "g")]
        cells += [", ".join(f"{table} {rows}" for table, rows in op["tables"].items()) if op else "n/a", fmt(op and op["urls"], "g")]
        notes = []
        if op and op.get("total") is not None:
            notes.append(f"FanOut {op['total']} items")
        if op and op.get("unfinished"):
            notes.append(f"{op['unfinished']} not finished")
            misses.append(f"{name}: {op['unfinished']} jobs not finished")
        if not fan_out and name.startswith(TAXONOMY_OPS):
            notes.append("synchronous: fan-out inside the call")
        if op:
            limit = {"save a draft's title": MAX_DRAFT_P95_MS, "publish the pending changes": MAX_PUBLISH_P95_MS}.get(name)
            if limit is not None and op["p95"] > limit:
                misses.append(f"{name} p95 {op['p95']:.0f} ms at {L}")
            if limit is not None and base and op["p95"] > MAX_WRITE_GROWTH * base["p95"]:
                misses.append(f"{name} p95 {op['p95'] / base['p95']:.2f}x {S}")
            if name.startswith(TAXONOMY_OPS) and ":" not in name and op["max"] > MAX_RENAME_MS:
                misses.append(f"{name} answers in {op['max']:.0f} ms")
            if name.endswith("its job") and op["max"] > 1000 * MAX_JOB_S:
                misses.append(f"{name} {op['max'] / 1000:.1f} s")
        lines.append("| " + " | ".join([*cells, "; ".join(notes)]) + " |")
    notes = [note for r in results for note in (f"{r['label']}: {n}" for n in r.get("writes", {}).get("notes", []))]
    if notes:
        lines += ["", "Not measured: " + "; ".join(notes) + "."]
    ratio = None
    concurrent = large.get("concurrent")
    if concurrent:
        quiet, during = concurrent["quiet"], concurrent["during"]
        ratio = during["p99"] / quiet["p99"] if quiet["p99"] else None
        jobs = {op["op"]: op for op in concurrent["ops"]}
        answer, job = jobs.get("rename a tag"), jobs.get("rename a tag: its job")
        lines += [
            "",
            f"### Concurrent writer ({L})",
            "",
            f"Readers: wrk (same settings) cycling through {', '.join(concurrent['pages'])}, uncached (page cache off, the Django "
            f"cache in Redis shared with the writer), {concurrent['window']} s quiet, then {concurrent['window']} s while another "
            f"process renames the tag `{concurrent['tag']}` (the tag page's) and back, running each rename's job, a cycle "
            f"beginning every 10 s or when the last one's jobs end, from the window's start to its end (at least once); "
            f"{concurrent['pairs']} such pairs, alternating, and the medians of "
            f"each side below (p99 of each window, quiet: {', '.join(f'{v:.1f}' for v in concurrent['quiet_p99s'])} ms; "
            f"during: {', '.join(f'{v:.1f}' for v in concurrent['during_p99s'])} ms). "
            f"{concurrent['cycles']}x there and back in {concurrent['seconds']:.1f} s in all"
            + (f" (rename {answer['p50']:.0f} ms, job {job['p50'] / 1000:.2f} s, p50)" if answer and job else
               f" (rename {answer['p50']:.0f} ms p50, no job: nothing to rewrite)" if answer and fan_out else
               f" (rename with its fan-out inside the call {answer['p50']:.0f} ms, p50)" if answer else "")
            + ".",
            "",
            "| readers | req/s | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|",
            *(f"| {label} | {run['rps']:.0f} | {run['p50']:.2f} | {fmt(run['p95'], '.2f')} | {run['p99']:.2f} |"
              for label, run in (("quiet", quiet), ("during the tag renames", during))),
            f"| during / quiet | {during['rps'] / quiet['rps']:.2f}x | {during['p50'] / quiet['p50']:.2f}x | "
            f"{fmt(during['p95'] and quiet['p95'] and during['p95'] / quiet['p95'], '.2f')}x | {fmt(ratio, '.2f')}x |",
        ]  # fmt: skip
        if ratio is not None and ratio > MAX_P99_DURING:
            misses.append(f"reader p99 during the tag rename {ratio:.2f}x quiet")
        if during["non2xx"]:
            misses.append(f"{during['non2xx']} non-2xx reader responses during the tag rename")
    ops = by_size[L]

    def p95(name, scale=1.0, unit="ms", spec=".0f"):
        return f"{ops[name]['p95'] / scale:{spec}} {unit}" if name in ops else "n/a"

    tag = f"tag rename {p95('rename a tag')}"
    if "rename a tag: its job" in ops:
        tag += f" + job {p95('rename a tag: its job', 1000, 's', '.1f')}"
    else:
        tag += " (no job: nothing to rewrite)" if fan_out else " (synchronous, no job)"
    draft = p95("save a draft's title")
    text = f"draft save p95 {draft}, publish p95 {p95('publish the pending changes')}, {tag}"
    text += f", reader p99 during job {ratio:.2f}x of quiet" if ratio is not None else ", reader p99 during job n/a"
    return lines, misses, text


def search_table(results, bare_rps, misses):
    """Search, per language and size: a mix of different queries (bench/probe.py), never from the page cache."""
    large = results[-1]
    lines = [
        "## Search",
        "",
        "Each row cycles through the probe's mix of queries (one word, two words, a phrase, an excluded word, with a "
        f"section or year filter) with wrk; the search page is never page-cached. Target: p95 < {MAX_SEARCH_P95_MS:g} ms at "
        f"{large['label']}.",
        "",
        "| lang | " + " | ".join(f"req/s {r['label']} | p50 {r['label']} ms | p95 {r['label']} ms | p99 {r['label']} ms" for r in results)
        + f" | % of outside bare ({large['label']}) | queries | notes |",
        "|" + "---|" * (2 + 4 * len(results) + 2),
    ]  # fmt: skip
    worst = None
    for row in large["rows"]:
        if row.get("urls") is None:
            continue
        cells = [row["lang"]]
        for result in results:
            item = next((r for r in result["rows"] if r.get("urls") is not None and r["lang"] == row["lang"]), None)
            measured = item and item.get("wrk")
            cells += [fmt(measured and measured["rps"], ".0f"), fmt(measured and measured["p50"], ".2f"),
                      fmt(measured and measured["p95"], ".2f"), fmt(measured and measured["p99"], ".2f")]  # fmt: skip
        measured = row.get("wrk")
        notes = [row["note"]]
        if measured and measured["non2xx"]:
            notes.append(f"{measured['non2xx']} non-2xx responses")
            misses.append(f"search {row['lang']}: {measured['non2xx']} non-2xx responses")
        if measured and measured["p95"] is not None:
            if worst is None or measured["p95"] > worst[0]:
                worst = (measured["p95"], f"search {row['lang']}")
            if measured["p95"] >= MAX_SEARCH_P95_MS:
                misses.append(f"search {row['lang']} p95 {measured['p95']:.1f} ms")
        share = fmt(measured and 100 * measured["rps"] / bare_rps, ".1f")
        lines.append("| " + " | ".join([*cells, share, fmt(row["queries"], "d"), "; ".join(notes)]) + " |")
    return lines, worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000", help="Versions per data set, smallest first (pieces = versions / 5).")
    parser.add_argument("--languages", type=int, default=30, help="Languages in the data sets (the first N of the bench settings).")
    parser.add_argument("--page-languages", default="en,ar,ka", help="Languages measured: source, right-to-left, mostly fallback.")
    parser.add_argument("--duration", type=int, default=5, help="Seconds of wrk per page (default 5).")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--purge-edits", type=int, default=20, help="Pieces edited in the purge round (default 20).")
    parser.add_argument("--skip-writes", action="store_true", help="Measure reads only: no write round, no concurrent-writer round.")
    parser.add_argument(
        "--write-repeat",
        type=int,
        default=None,
        help="Draft saves and publishes measured per size (default 20; 10 when --duration is under 5).",
    )
    parser.add_argument("--renames", type=int, default=1, help="Renames of each tag, author and section there and back (default 1).")
    parser.add_argument("--regenerate", action="store_true", help="Drop and generate the data sets again even if they are current.")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    args = parser.parse_args()
    args.page_languages = [code.strip() for code in args.page_languages.split(",") if code.strip()]
    if args.write_repeat is None:
        args.write_repeat = 20 if args.duration >= 5 else 10
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is missing (apt-get install wrk; `make bench` does it)")
    started = time.monotonic()
    ensure_postgres()
    log("collecting static files")
    manage(environment("postgres"), "collectstatic", "--noinput", "-v0")
    results = [prepare_size(versions, max(1, math.ceil(versions / 5)), args) for versions in sizes]
    load_before = os.getloadavg()[0]
    outside = {"url": "/_bench/bare/"}
    measure(results, outside, args)
    if not args.skip_writes:
        for result in results:  # after every read round, so no read figure is measured after a write
            write_round(result, args)
            memory_round(result, args)
        concurrent_round(results[-1], args)
    args.load = (load_before, os.getloadavg()[0])
    table, summary = report(results, outside, args, time.monotonic() - started)
    Path(args.output).write_text(f"{table}\n{summary}\n", encoding="utf-8")
    print(table)
    print(summary)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
