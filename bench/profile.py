"""Where one page's time goes: cProfile over N requests through Django's handler (bench settings).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/review_bench_100k \
        .venv/bin/python -m bench.profile /en/articles/ [-n 200] [--sort tottime] [--limit 40]

Prints the mean time per request and the functions that took most of it. Run it after `make bench`
has generated the data set; it reuses the same settings gunicorn runs with.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("-n", type=int, default=200, help="requests profiled (after 20 warm-up requests)")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "review.settings.bench")
    from bench.run import BENCH_SECRET_KEY

    os.environ.setdefault("DJANGO_SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    import django

    django.setup()
    from django.test import Client

    client = Client()
    for _ in range(20):
        status = client.get(args.path).status_code
    if status != 200:
        sys.exit(f"{args.path} answered {status}")
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        client.get(args.path)
    plain, plain_cpu = (time.perf_counter() - started) / args.n, (time.process_time() - cpu) / args.n
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.limit)
    print(f"{args.path}: {plain * 1000:.2f} ms per request ({plain_cpu * 1000:.2f} ms CPU in this process) without the profiler")
    print(out.getvalue())


if __name__ == "__main__":
    main()
