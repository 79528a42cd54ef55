"""Domain errors: what the services refuse, with a message a person can act on.

The admin turns `NotAllowed` into a 403 and every other `DomainError` into a form error or a
message; a job logs it. None of them is ever a 500.
"""

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    code = "refused"

    def __init__(self, message, *, code=None, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code or self.code
        self.field = field

    def __str__(self):
        return self.message


class NotAllowed(DomainError, PermissionDenied):
    """The policy says no (role or language)."""

    code = "not_allowed"


class Conflict(DomainError):
    """The data says no: a slug or language taken, a thing that no longer exists."""

    code = "conflict"


class EditConflict(Conflict):
    """Someone saved the version after this edit started; `current` is their saved row."""

    code = "edit_conflict"

    def __init__(self, message, *, current):
        super().__init__(message)
        self.current = current


class RuleBroken(DomainError):
    """A publishing rule is not met (alt text, a date)."""

    code = "rule"
