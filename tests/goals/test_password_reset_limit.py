"""Password-reset mails are limited per e-mail address and per client, in the
database; beyond the limit the visitor sees the same "sent" page and no mail goes."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetRequest


def _request(client, email: str, address: str = "198.51.100.7"):
    response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    return response


@pytest.fixture
def limits(settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 10
    settings.PASSWORD_RESET_WINDOW = datetime.timedelta(hours=1)


def test_no_more_mails_to_one_address_beyond_the_limit_from_any_client(client, councillor, limits):
    for number in range(5):
        _request(client, "councillor@example.se", address=f"192.0.2.{number}")
    assert len(mail.outbox) == 3


def test_one_client_cannot_send_mails_to_many_addresses(client, db, limits):
    for number in range(12):
        User.objects.create_user(f"u{number}", email=f"u{number}@example.se", password="x")
    for number in range(12):
        _request(client, f"U{number}@example.se")
    assert len(mail.outbox) == 10
    # Another client is not held back by the first.
    _request(client, "u11@example.se", address="203.0.113.9")
    assert len(mail.outbox) == 11


def test_the_limit_counts_the_address_whatever_its_case(client, councillor, limits):
    for email in ["councillor@example.se", "Councillor@Example.se", " COUNCILLOR@example.se"]:
        _request(client, email, address="192.0.2.1")
    _request(client, "councillor@EXAMPLE.SE", address="192.0.2.2")
    assert len(mail.outbox) == 3


def test_requests_older_than_the_window_no_longer_count(client, councillor, limits):
    for _number in range(3):
        _request(client, "councillor@example.se")
    PasswordResetRequest.objects.update(requested_at=timezone.now() - datetime.timedelta(hours=2))
    _request(client, "councillor@example.se")
    assert len(mail.outbox) == 4
    assert PasswordResetRequest.objects.count() == 1  # the old ones are gone


def test_the_table_holds_no_address_in_the_clear(client, councillor, limits):
    _request(client, "councillor@example.se")
    stored = PasswordResetRequest.objects.values_list("email_digest", "client_digest").get()
    assert "councillor" not in "".join(stored) and "198.51" not in "".join(stored)
