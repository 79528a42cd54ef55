"""`make bench`: generated data at two sizes, served by gunicorn, measured with wrk (see bench/run.py)."""
