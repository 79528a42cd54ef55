"""One way to read a number or an id from a request: a query string, a form field, a path, a token, an attribute.

Python's `str.isdigit` says yes to "²" and "٣", and `int()` refuses the first and reads the second; a string of
thirty nines is a valid int but no database id. Each reader here takes plain ASCII digits only, of a length a
64-bit id can hold, and answers None (or leaves the value out) for anything else; a view then answers 400 or 404,
never 500. tests/test_project.py fails if code guards an int() with isdigit(), isnumeric() or isdecimal() again.
"""

import re
from collections.abc import Iterable

DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)  # 18 digits: always within a signed 64-bit id (19 may not be)


def read_int(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """`value` (a str) as an int when it is ASCII digits, optionally with a leading "-", within [minimum, maximum]."""
    if not isinstance(value, str):
        return None
    negative = value.startswith("-")
    if not DIGITS.fullmatch(value[1:] if negative else value):
        return None
    number = -int(value[1:]) if negative else int(value)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def read_id(value: object) -> int | None:
    """A database id (a positive int) from `value`, or None."""
    return read_int(value, minimum=1)


def read_ids(values: Iterable[object], limit: int = 100) -> list[int]:
    """The ids among the first `limit` values, in order; anything else is left out."""
    found = []
    for n, value in enumerate(values):
        if n >= limit:
            break
        number = read_id(value)
        if number is not None:
            found.append(number)
    return found
