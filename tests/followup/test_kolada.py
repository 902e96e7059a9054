"""Importing indicator outcomes from Kolada: the service, the command and the upload form.

The responses are files under kolada/; a fetch from an address is replaced by
reading them, so no test touches the network.
"""

import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from followup import kolada
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.kolada import KoladaError, SkipReason, decode_page, fetch_pages, kolada_import
from followup.models import Period, PeriodKind
from goals import services
from tests.factories import build_tree
from tests.test_settings import _load_settings

FILES = Path(__file__).resolve().parent / "kolada"
PAGE_1 = "https://api.kolada.se/v3/data/kpi/N15033,N00914/municipality/2282,2280"
PAGE_2 = PAGE_1 + "?page=2"

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
          Friskare invånare
"""


def _page(name: str) -> object:
    return decode_page((FILES / name).read_bytes(), source=name)


@pytest.fixture
def indicators(plan_year, committees, periods):
    """Indicators in 2026 with the KPIs N15033, N00914 and N07402; a year 2025 whose
    indicator has no KPI id; a year 2024 with N15033 but no periods."""
    nodes = build_tree(plan_year, OUTLINE)
    made = {
        "work": Indicator.objects.create(
            node=nodes["Fler i arbete"], name="Andel i arbete", target=85, kolada_kpi="N15033"
        ),
        # Entered by hand in lower case with a space: still matched.
        "reading": Indicator.objects.create(
            node=nodes["Läsa bättre"], name="Godkända elever", target=90, kolada_kpi="n00914 "
        ),
        "health": Indicator.objects.create(
            node=nodes["Friskare invånare"], name="Ohälsotal", target=20, kolada_kpi="N07402"
        ),
    }
    earlier = services.plan_year_create(year=2025)
    for kind in (PeriodKind.INTERIM, PeriodKind.ANNUAL):
        cutoff, deadline = Period.default_dates(kind, 2025)
        Period.objects.create(plan_year=earlier, kind=kind, cutoff_date=cutoff, deadline=deadline)
    made["earlier"] = Indicator.objects.create(
        node=build_tree(earlier, OUTLINE)["Fler i arbete"], name="Andel i arbete", target=85
    )
    oldest = services.plan_year_create(year=2024)
    made["oldest"] = Indicator.objects.create(
        node=build_tree(oldest, OUTLINE)["Fler i arbete"],
        name="Andel i arbete",
        target=85,
        kolada_kpi="N15033",
    )
    return made


@pytest.fixture
def fetched(monkeypatch):
    """Fetching an address reads the two-page response from files; the addresses asked for."""
    asked: list[str] = []
    pages = {PAGE_1: "two_pages_1.json", PAGE_2: "two_pages_2.json"}

    def fetch(url: str) -> bytes:
        asked.append(url)
        return (FILES / pages[url]).read_bytes()

    monkeypatch.setattr(kolada, "fetch", fetch)
    return asked


def _outcomes() -> dict[str, Decimal]:
    return {
        outcome.indicator.kolada_kpi.strip().upper(): outcome.value
        for outcome in IndicatorOutcome.objects.select_related("indicator")
    }


# --- the service -------------------------------------------------------------


def test_two_pages_are_fetched_by_following_the_next_link(fetched, indicators, periods):
    pages = fetch_pages(PAGE_1)
    assert fetched == [PAGE_1, PAGE_2]

    report = kolada_import(pages=pages)

    _interim, annual = periods
    assert report.pages == 2 and report.values == 3
    assert report.created == 2
    outcomes = {o.indicator_id: o for o in IndicatorOutcome.objects.all()}
    assert outcomes[indicators["work"].pk].value == Decimal("81.235")  # the total, rounded
    assert outcomes[indicators["reading"].pk].value == Decimal("12")
    assert {o.period_id for o in outcomes.values()} == {annual.pk}
    assert {o.source for o in outcomes.values()} == {"Kolada"}
    assert report.skipped[SkipReason.OTHER_MUNICIPALITY].count == 1
    assert report.warnings == []


def test_every_value_that_cannot_be_imported_is_reported_with_its_reason(indicators, periods):
    report = kolada_import(pages=[_page("mixed.json")])

    assert [(o.kpi, o.year, o.value) for o in report.outcomes] == [
        ("N15033", 2026, Decimal("80.500"))
    ]
    reasons = {skipped.reason: skipped for skipped in report.skipped_in_order()}
    assert {reason: skipped.count for reason, skipped in reasons.items()} == {
        SkipReason.OTHER_MUNICIPALITY: 1,
        SkipReason.DUPLICATE: 1,
        SkipReason.UNKNOWN_KPI: 1,
        SkipReason.NO_PLAN_YEAR: 1,
        SkipReason.NOT_IN_PLAN_YEAR: 1,
        SkipReason.NO_ANNUAL_PERIOD: 1,
        SkipReason.NO_TOTAL: 1,
        SkipReason.NO_VALUE: 1,
    }
    assert reasons[SkipReason.UNKNOWN_KPI].examples[0].kpi == "N99999"
    assert _outcomes() == {"N15033": Decimal("80.5")}


def test_importing_again_changes_only_what_changed_and_keeps_history(indicators, periods):
    official = User.objects.create_user("importer")
    first = kolada_import(pages=fetch_pages_from_files(), user=official)
    assert first.created == 2
    outcome = IndicatorOutcome.objects.get(indicator=indicators["work"])
    assert outcome.history.count() == 1
    assert outcome.history.first().history_user == official

    again = kolada_import(pages=fetch_pages_from_files())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    changed = kolada_import(pages=[_page("mixed.json")])
    assert changed.updated == 1
    assert changed.outcomes[0].previous == Decimal("81.235")
    outcome.refresh_from_db()
    assert outcome.value == Decimal("80.5")
    assert outcome.version == 2
    assert [record.value for record in outcome.history.all()] == [
        Decimal("80.5"),
        Decimal("81.235"),
    ]


def fetch_pages_from_files() -> list[object]:
    return [_page("two_pages_1.json"), _page("two_pages_2.json")]


def test_a_closed_annual_period_is_not_changed(indicators, periods):
    _interim, annual = periods
    IndicatorOutcome.objects.create(
        indicator=indicators["work"], period=annual, value=Decimal("70"), source="Kolada"
    )
    annual.close()

    report = kolada_import(pages=fetch_pages_from_files())

    assert report.outcomes == []
    assert report.skipped[SkipReason.PERIOD_CLOSED].count == 2
    assert _outcomes() == {"N15033": Decimal("70")}


def test_dry_run_reports_and_writes_nothing(indicators, periods):
    report = kolada_import(pages=fetch_pages_from_files(), dry_run=True)
    assert report.dry_run and report.created == 2
    assert not IndicatorOutcome.objects.exists()


def test_only_the_configured_municipality_is_imported(settings, indicators, periods):
    settings.KOLADA_MUNICIPALITY_ID = "2280"
    report = kolada_import(pages=fetch_pages_from_files())
    assert [(o.kpi, o.value) for o in report.outcomes] == [("N15033", Decimal("77.000"))]
    assert report.skipped[SkipReason.OTHER_MUNICIPALITY].count == 2


def test_a_kpi_used_twice_in_a_year_fills_both_indicators(indicators, periods):
    second = Indicator.objects.create(
        node=indicators["health"].node, name="Sysselsättning", target=80, kolada_kpi="N15033"
    )
    kolada_import(pages=fetch_pages_from_files())
    assert IndicatorOutcome.objects.get(indicator=second).value == Decimal("81.235")
    assert IndicatorOutcome.objects.get(indicator=indicators["work"]).value == Decimal("81.235")


def test_a_file_that_names_a_further_page_says_it_was_not_read(indicators, periods):
    report = kolada_import(pages=[_page("two_pages_1.json")])
    assert report.created == 1
    assert "page=2" in report.warnings[0]
    assert "inte lästes" in report.warnings[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_json.csv", "är inte giltig JSON (rad 1, kolumn 1)"),
        ("wrong_shape.json", "Sida 1 är inget svar från Koladas data-API"),
        ("non_numeric.json", 'sida 1, värde 2: värdet "12,5" är inget tal'),
    ],
)
def test_a_malformed_file_imports_nothing(indicators, periods, name, message):
    with pytest.raises(KoladaError) as error:
        kolada_import(pages=[decode_page((FILES / name).read_bytes(), source=name)])
    assert message in " ".join(error.value.messages)
    assert not IndicatorOutcome.objects.exists()


def test_a_malformed_second_page_imports_nothing_from_the_first(indicators, periods):
    with pytest.raises(KoladaError):
        kolada_import(pages=[_page("two_pages_2.json"), _page("non_numeric.json")])
    assert not IndicatorOutcome.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{"values": [{"kpi": "N15033", "municipality": "2282", "period": 2026, '
            b'"values": [{"gender": "T", "value": NaN}]}]}',
            "NaN",
        ),
        (
            b'{"values": [{"kpi": "N15033", "municipality": "2282", "period": "tjugo", '
            b'"values": []}]}',
            "”period” måste vara ett år",
        ),
        (
            b'{"values": [{"kpi": "N15033", "municipality": "2282", "period": 2026, '
            b'"values": [{"gender": "T", "value": 1e12}]}]}',
            "för stort",
        ),
        (
            b'{"values": [{"kpi": "N15033", "municipality": "2282", "period": 2026, '
            b'"values": [{"gender": "T", "value": true}]}]}',
            "är inget tal",
        ),
        (b"\xff\xfe", "är inte UTF-8-text"),
    ],
)
def test_values_that_are_not_numbers_or_years_are_refused(indicators, content, message):
    with pytest.raises(KoladaError) as error:
        kolada_import(pages=[decode_page(content, source="svar.json")])
    assert message in " ".join(error.value.messages)


def test_a_page_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(kolada, "MAX_BYTES", 10)
    with pytest.raises(KoladaError, match="större än"):
        decode_page(b'{"values": []}', source="svar.json")


def test_next_links_to_another_server_or_back_are_refused(monkeypatch):
    answers = {
        "https://api.kolada.se/a": b'{"values": [], "next_url": "https://example.org/b"}',
        "https://api.kolada.se/c": b'{"values": [], "next_page": "/c"}',
    }
    monkeypatch.setattr(kolada, "fetch", answers.__getitem__)
    with pytest.raises(KoladaError, match="annan server"):
        fetch_pages("https://api.kolada.se/a")
    with pytest.raises(KoladaError, match="redan lästs"):
        fetch_pages("https://api.kolada.se/c")
    with pytest.raises(KoladaError, match="http- eller https-adress"):
        fetch_pages("file:///etc/passwd")


class _Answer:
    def __init__(self, content: bytes) -> None:
        self.content = content

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def read(self, size: int) -> bytes:
        return self.content[:size]


def test_fetch_asks_for_json_with_a_timeout(monkeypatch):
    asked = {}

    def urlopen(request, timeout):
        asked.update(url=request.full_url, accept=request.get_header("Accept"), timeout=timeout)
        return _Answer(b'{"values": []}')

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    assert kolada.fetch("https://api.kolada.se/v3/data") == b'{"values": []}'
    assert asked == {
        "url": "https://api.kolada.se/v3/data",
        "accept": "application/json",
        "timeout": kolada.FETCH_TIMEOUT,
    }


def test_fetch_reports_what_went_wrong(monkeypatch):
    def refused(request, timeout):
        raise urllib.error.URLError("Connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", refused)
    with pytest.raises(KoladaError, match="kunde inte hämtas: Connection refused"):
        kolada.fetch("https://api.kolada.se/v3/data")

    def missing(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)

    monkeypatch.setattr(urllib.request, "urlopen", missing)
    with pytest.raises(KoladaError, match="svarade med HTTP-status 404"):
        kolada.fetch("https://api.kolada.se/v3/data")


def test_fetching_stops_after_the_page_limit(monkeypatch):
    def endless(url: str) -> bytes:
        number = int(url.rsplit("=", 1)[1])
        return f'{{"values": [], "next_url": "https://api.kolada.se/d?page={number + 1}"}}'.encode()

    monkeypatch.setattr(kolada, "fetch", endless)
    with pytest.raises(KoladaError, match="fler än 3 sidor"):
        fetch_pages("https://api.kolada.se/d?page=1", max_pages=3)


def test_the_municipality_setting_must_be_a_four_digit_code():
    result = _load_settings(SECRET_KEY="k" * 50, KOLADA_MUNICIPALITY_ID="Kramfors")
    assert result.returncode != 0
    assert "KOLADA_MUNICIPALITY_ID must be a four-digit" in result.stderr


# --- the command -------------------------------------------------------------


def test_command_imports_from_an_address_following_its_pages(fetched, indicators, periods, capsys):
    call_command("import_kolada", PAGE_1)
    assert fetched == [PAGE_1, PAGE_2]
    assert _outcomes() == {"N15033": Decimal("81.235"), "N00914": Decimal("12")}
    output = capsys.readouterr().out
    assert "Importerat: nya: 2, ändrade: 0, oförändrade: 0, överhoppade: 1." in output
    assert "kommun eller enhet utanför jämförelsegruppen: 1" in output


def test_command_dry_run_from_files_imports_nothing(indicators, periods, capsys):
    call_command(
        "import_kolada",
        str(FILES / "two_pages_1.json"),
        str(FILES / "two_pages_2.json"),
        "--dry-run",
    )
    assert "Provkörning, inget sparades: nya: 2," in capsys.readouterr().out
    assert not IndicatorOutcome.objects.exists()


def test_command_refuses_a_malformed_file_with_a_swedish_message(indicators, periods):
    with pytest.raises(CommandError, match="Inget importerades") as error:
        call_command("import_kolada", str(FILES / "non_numeric.json"))
    assert "är inget tal" in str(error.value)
    assert not IndicatorOutcome.objects.exists()


def test_command_says_when_a_file_is_missing(db):
    with pytest.raises(CommandError, match="kunde inte läsas"):
        call_command("import_kolada", str(FILES / "saknas.json"))


# --- the upload form ---------------------------------------------------------


def _upload(name: str, content: bytes | None = None, **extra) -> dict:
    content = (FILES / name).read_bytes() if content is None else content
    return {"file": SimpleUploadedFile(name, content, "application/json"), **extra}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),  # to the login page
        ("outsider", 403),
        ("councillor", 403),
        ("secretary", 403),
        ("secretary2", 403),
        ("official", 200),
        ("superuser", 200),
    ],
)
def test_only_officials_may_upload(client, request, indicators, periods, role, expected):
    if role == "superuser":
        client.force_login(User.objects.create_superuser("admin", "admin@example.se", "pw"))
    elif role:
        client.force_login(request.getfixturevalue(role))
    url = reverse("followup:kolada_upload")
    get = client.get(url)
    post = client.post(url, _upload("two_pages_2.json"))
    assert get.status_code == expected
    assert post.status_code == expected
    if expected == 302:
        assert get["Location"].startswith(reverse("login"))
    assert IndicatorOutcome.objects.exists() == (expected == 200)


def test_upload_shows_the_report(client, official, indicators, periods):
    client.force_login(official)
    response = client.post(reverse("followup:kolada_upload"), _upload("mixed.json"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Andel i arbete" in html and "80,500" in html  # a Swedish decimal comma
    assert "Inget nyckeltal har detta Kolada-id</strong>: 1" in html
    assert "N99999 2282 2026" in html
    assert "Kommun eller enhet utanför jämförelsegruppen</strong>: 1" in html
    outcome = IndicatorOutcome.objects.get()
    assert outcome.updated_by == official
    assert outcome.history.get().history_user == official


def test_upload_can_only_check(client, official, indicators, periods):
    client.force_login(official)
    response = client.post(reverse("followup:kolada_upload"), _upload("mixed.json", dry_run="on"))
    assert "Kontroll: inget importerades" in response.content.decode()
    assert not IndicatorOutcome.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not_json.csv", "är inte giltig JSON"),
        ("wrong_shape.json", "inget svar från Koladas data-API"),
        ("non_numeric.json", "är inget tal"),
    ],
)
def test_upload_of_a_malformed_file_imports_nothing(
    client, official, indicators, periods, name, message
):
    client.force_login(official)
    response = client.post(reverse("followup:kolada_upload"), _upload(name))
    assert response.status_code == 400
    html = response.content.decode()
    assert "inget sparades" in html
    assert message in html
    assert not IndicatorOutcome.objects.exists()


def test_upload_over_the_size_limit_is_refused(client, official, indicators, monkeypatch):
    monkeypatch.setattr(kolada, "MAX_BYTES", 1024 * 1024)
    client.force_login(official)
    big = b'{"values": [], "padding": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post(reverse("followup:kolada_upload"), _upload("stor.json", big))
    assert response.status_code == 400
    assert "högst 1 MB kan importeras" in response.content.decode()


def test_upload_without_a_file_says_so(client, official, db):
    client.force_login(official)
    response = client.post(reverse("followup:kolada_upload"), {})
    assert response.status_code == 400
    assert "Välj en fil att importera." in response.content.decode()


def test_upload_page_query_count(client, official, db, django_assert_num_queries):
    client.force_login(official)
    # Expect 3 queries:
    # * the session and the user
    # * the user's groups and committees, in one query (roles: may the user import?)
    with django_assert_num_queries(3):
        assert client.get(reverse("followup:kolada_upload")).status_code == 200


@pytest.mark.parametrize("name", ["two_pages_2.json", "mixed.json"])
def test_upload_query_count_does_not_grow_with_the_file(
    client, official, indicators, periods, name, django_assert_num_queries
):
    client.force_login(official)
    data = _upload(name)
    # Expect 15 queries:
    # * the session and the user
    # * the user's groups and committees, in one query (roles: may the user import?)
    # * a savepoint around the pages' import, and its release
    # * a savepoint around the values' import, and its release
    # * the KPIs indicators name, with their units
    # * the values kept for comparison, in one upsert (on PostgreSQL two more:
    #   the temporary table they are copied into, and the COPY)
    # * the indicators with the file's KPI ids
    # * the plan years of the file's years
    # * their annual periods, locked
    # * the outcomes already there, locked
    # * the new outcomes, and their history
    with django_assert_num_queries(15 + 2 * (connection.vendor == "postgresql")):
        response = client.post(reverse("followup:kolada_upload"), data)
    assert response.status_code == 200


# --- hostile JSON: nesting and numbers beyond the reader's limits --------------------

DEEP = b'{"values": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
LONG_NUMBER = (
    b'{"values": [{"kpi": "N15033", "municipality": "2282", "period": 2026,'
    b' "values": [{"gender": "T", "value": ' + b"7" * 5000 + b"}]}]}"
)
HOSTILE = [
    pytest.param(DEEP, "är nästlad i mer än 64 nivåer", id="deep"),
    pytest.param(LONG_NUMBER, "innehåller ett för långt tal: 5000 tecken", id="long-number"),
]


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_upload_of_hostile_json_is_refused_in_swedish(
    client, official, indicators, periods, content, message
):
    client.force_login(official)
    response = client.post(reverse("followup:kolada_upload"), _upload("svar.json", content))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "NaN" not in html
    assert not IndicatorOutcome.objects.exists()


@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_command_refuses_hostile_json_in_swedish(indicators, periods, tmp_path, content, message):
    path = tmp_path / "svar.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="Inget importerades") as error:
        call_command("import_kolada", str(path))
    assert message in str(error.value)
    assert "NaN" not in str(error.value)
    assert not IndicatorOutcome.objects.exists()


def test_nan_is_still_refused_as_nan(db):
    with pytest.raises(KoladaError, match="NaN eller Infinity"):
        decode_page(b'{"values": [{"value": NaN}]}', source="svar.json")
