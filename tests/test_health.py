"""/healthz tells a load balancer or container runtime whether the database answers."""

import logging
from unittest import mock

from django.db import OperationalError, connections

URL = "/healthz"


def test_answers_ok_when_the_database_answers(client, db, django_assert_num_queries):
    # Expect 1 query:
    # * SELECT 1
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_needs_no_login_and_sets_no_cookie(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_answers_503_when_the_database_query_fails(client, caplog):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = OperationalError("connection refused")
    with (
        mock.patch.object(connections["default"], "cursor", return_value=cursor),
        caplog.at_level(logging.ERROR, logger="kramfors_styr.health"),
    ):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "database did not answer" in caplog.text


def test_answers_503_when_the_database_cannot_be_reached(client):
    refused = OperationalError("could not connect to server")
    with mock.patch.object(connections["default"], "cursor", side_effect=refused):
        response = client.get(URL)
    assert response.status_code == 503


def test_refuses_writes(client, db):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200
