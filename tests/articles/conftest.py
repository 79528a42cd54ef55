"""The demo's people, logged in to the admin (tests that use them load the demo)."""

import pytest

from tests.admin_client import AdminUser


@pytest.fixture
def translator():
    """translator-fr: translates into French only."""
    return AdminUser("translator-fr", "review-translator")


@pytest.fixture
def editor():
    return AdminUser("editor", "review-editor")
