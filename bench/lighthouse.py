"""`make lighthouse`: Lighthouse scores (mobile) of the demo publication's reader pages, as browsers see them.

Loads the demo into a PostgreSQL database review_lighthouse, serves it with gunicorn under production
settings (bench settings: DEBUG off, hashed static files, compression; the page cache off so every
page is rendered), and runs npm's `lighthouse` in Debian's Chromium on home, list, article, section
and search (the page, and a page of its results), in English and Arabic, light and dark. Prints a Markdown
table (also written to bench/lighthouse.md): performance, accessibility, best practices and SEO per page.
Results pages score 69 in SEO by design: they carry `noindex` (see SearchView), which Lighthouse counts
as "not crawlable". The worst score printed at the end leaves their SEO score out; the table shows it, with
the audits below full marks, so any other SEO fault on them is still seen.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import ROOT, create_database, environment, gunicorn, log, manage

LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "en": [("home", "/en/"), ("list", "/en/articles/"), ("article", "/en/articles/2016/03/17/securing-the-nordic-baltic-region/"),
           ("section", "/en/sections/collective-defence/"), ("search", "/en/search/"), ("results", "/en/search/?q=baltic")],
    "ar": [("home", "/ar/"), ("list", "/ar/articles/"), ("article", "/ar/articles/2016/03/17/تأمين-منطقة-الشمال-والبلطيق/"),
           ("section", "/ar/sections/الدفاع-الجماعي/"), ("search", "/ar/search/"), ("results", "/ar/search/?q=الناتو")],
}  # fmt: skip
# Chromium as the machine has it; dark mode through Blink's preferred colour scheme (0 = dark).
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update"
SCHEMES = {"light": "", "dark": " --blink-settings=preferredColorScheme=0"}


def audit(url, scheme, out):
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}", "--form-factor=mobile",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}{SCHEMES[scheme]}"]  # fmt: skip
    for attempt in range(1, 4):  # Chromium under load sometimes fails to start or times out: try again
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, capture_output=True, text=True)
        if done.returncode == 0:
            break
        log(f"lighthouse failed on {url} ({scheme}), attempt {attempt}: {done.stderr.strip()[-300:]}")
    else:
        raise RuntimeError(f"lighthouse could not audit {url} ({scheme})")
    report = json.loads(Path(out).read_text())
    scores = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    failing = [
        audit_id
        for category in CATEGORIES
        for ref in report["categories"][category]["auditRefs"]
        if ref["weight"]
        and (audit_id := ref["id"])
        and (report["audits"][audit_id]["score"] or 0) < 1
        and report["audits"][audit_id]["scoreDisplayMode"] in ("binary", "numeric")
    ]
    return scores, failing


def main():
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse: run `make lighthouse` (it installs npm's lighthouse into bench/node_modules)")
    # Django serves the pictures here, as the web server in front of it does in production (REVIEW_SERVE_MEDIA).
    env = {**environment("review_lighthouse"), "DJANGO_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "review-lighthouse-media"),
           "REVIEW_SERVE_MEDIA": "1"}  # fmt: skip
    create_database("review_lighthouse")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo", capture=True)
    manage(env, "collectstatic", "--noinput", "-v0")
    rows = []
    with gunicorn(env, 2) as base, tempfile.TemporaryDirectory() as scratch:
        for language, pages in PAGES.items():
            for page, path in pages:
                for scheme in SCHEMES:
                    scores, failing = audit(base + path, scheme, f"{scratch}/report.json")
                    log(f"{page:<8} {language} {scheme:<5} " + " ".join(f"{name} {value}" for name, value in scores.items()))
                    rows.append((page, language, scheme, scores, failing))
    header = "| page | lang | scheme | " + " | ".join(CATEGORIES) + " | audits below full marks |"
    lines = ["# Lighthouse (mobile), demo publication", "", header, "|" + "---|" * (4 + len(CATEGORIES))]
    for page, language, scheme, scores, failing in rows:
        lines.append(
            f"| {page} | {language} | {scheme} | " + " | ".join(str(scores[name]) for name in CATEGORIES) + f" | {', '.join(failing)} |"
        )
    table = "\n".join(lines)
    (ROOT / "bench" / "lighthouse.md").write_text(table + "\n")
    print(table)
    worst = min(
        (scores[name], f"{name} on {page} {language} {scheme}")
        for page, language, scheme, scores, _ in rows
        for name in CATEGORIES
        if not (page == "results" and name == "seo")
    )
    print(f"lighthouse: worst score {worst[0]} ({worst[1]})")


if __name__ == "__main__":
    main()
