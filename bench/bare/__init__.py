"""A bare Django project outside Review: the reference every `make bench` ratio is stated against."""
