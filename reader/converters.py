"""URL converters: fixed-width dates, so /articles/99999999999999999999/ is a 404, not an overflow."""


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value):
        year = int(value)
        if year < 1:
            raise ValueError("year 0 does not exist")  # Django turns this into "no match": a 404
        return year

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigits:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class UnicodeSlug:
    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
