"""E-mail subjects are plain text: "&" and "<" arrive as themselves, not as &amp; and &lt; (issue 13, finding 12).

Mail delivery is Django's in-memory outbox (the product's boundary)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django_tenants.utils import schema_context

from accounts.models import Department, Role
from bookings import services as booking_services
from tests.catalog_factories import make_listing
from tests.conftest import client_for, user_in

from .auth_support import fresh_rate_limits  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

AWKWARD_NAME = "Ystad & Österlen <kommun>"


@pytest.fixture
def awkward_ystad(ystad):
    ystad.name = AWKWARD_NAME
    ystad.save()  # rolled back with the test; the host cache is dropped by the save
    return ystad


def test_the_invitation_subject_shows_the_organisation_name_as_written(
    awkward_ystad, django_capture_on_commit_callbacks
):
    # given an organisation whose name holds & and <
    with schema_context(awkward_ystad.schema_name):
        unit = Department.objects.get(name="IT-enheten")

    # when its admin invites a colleague
    with django_capture_on_commit_callbacks(execute=True):
        client_for(awkward_ystad, user_in(awkward_ystad, "admin")).post(
            "/kollegor/", {"email": "ny@ystad.example", "role": Role.MEMBER, "department": unit.pk}
        )

    # then the subject has the name as written
    subject = mail.outbox[-1].subject
    assert AWKWARD_NAME in subject
    assert "&amp;" not in subject and "&lt;" not in subject


def test_a_reservation_notice_subject_shows_the_listing_title_as_written(ystad, django_capture_on_commit_callbacks):
    title = "Stol & bord <ek> \"Kalle's\""
    with schema_context(ystad.schema_name):
        listing = make_listing(author=user_in(ystad, "personal"), title=title)
        with django_capture_on_commit_callbacks(execute=True):
            booking_services.reserve_listing(listing=listing, by=user_in(ystad, "chef"))
    subject = mail.outbox[-1].subject
    assert title in subject
    assert "&amp;" not in subject and "&#x27;" not in subject and "&quot;" not in subject


def test_allauths_subjects_show_the_organisation_name_as_written(awkward_ystad):
    client_for(awkward_ystad).post("/konto/password/reset/", {"email": "finns.inte@ystad.example"})
    subject = mail.outbox[-1].subject
    assert AWKWARD_NAME in subject
    assert "&amp;" not in subject


def _subject_templates() -> list[Path]:
    # The project's templates and every app of ours (not installed packages), so a new app is covered at once.
    base = Path(settings.BASE_DIR).resolve()
    ours = [Path(app.path).resolve() for app in apps.get_app_configs()]
    roots = [base / "templates"] + [
        path / "templates" for path in ours if path.is_relative_to(base) and "site-packages" not in path.parts
    ]
    return sorted(path for root in roots if root.is_dir() for path in root.rglob("*_subject.txt"))


def test_every_subject_template_of_ours_turns_autoescaping_off():
    # Subjects are plain text; Django's templates escape HTML unless told not to. This keeps new ones honest.
    templates = _subject_templates()
    assert len(templates) >= 4  # the glob finds them
    for path in templates:
        assert "{% autoescape off %}" in path.read_text(), f"{path} escapes HTML in an e-mail subject"
