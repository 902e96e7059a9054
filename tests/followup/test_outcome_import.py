"""Importing indicator outcomes from a CSV or Excel file, and its template."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import PeriodState
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
            Äldre trygga [sn]
"""


@pytest.fixture
def made(plan_year, committees, periods):
    nodes = build_tree(plan_year, OUTLINE)
    return {
        "work": Indicator.objects.create(
            node=nodes["Fler i arbete"], name="=Andel i arbete", target=80
        ),
        "jobs": Indicator.objects.create(node=nodes["Fler i arbete"], name="Nya jobb", target=100),
        "reading": Indicator.objects.create(
            node=nodes["Läsa bättre"], name="Läsförmåga", target=90
        ),
        "care": Indicator.objects.create(node=nodes["Äldre trygga"], name="Trygghet", target=70),
        "interim": periods[0],
        "annual": periods[1],
    }


def _url(name: str = "followup:outcome_import") -> str:
    return reverse(name, kwargs={"year": 2026})


def _csv(
    *rows: str, header: str = "nyckeltal_id;nyckeltal;period_id;period;värde;kommentar"
) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _post(client, content: bytes, name: str = "utfall.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(_url(), {"file": upload})


def test_an_official_imports_a_csv_in_swedish_excel_form(client, official, made):
    client.force_login(official)
    work, interim = made["work"], made["interim"]
    response = _post(
        client,
        _csv(
            f"{work.pk};Andel i arbete;{interim.pk};Delårsrapport 2026;81,5;Enkät i oktober",
            f"{made['jobs'].pk};;{made['annual'].pk};;1 234,125;",
        ),
    )
    assert response.status_code == 200
    assert "Nya utfall: 2, ändrade: 0, oförändrade: 0." in response.content.decode()
    outcome = IndicatorOutcome.objects.get(indicator=work)
    assert outcome.value == Decimal("81.5") and outcome.source == "Fil"
    assert outcome.history.get().history_change_reason == "Enkät i oktober"
    assert IndicatorOutcome.objects.get(indicator=made["jobs"]).value == Decimal("1234.125")


def test_importing_again_changes_only_what_differs(client, official, made):
    client.force_login(official)
    work, interim = made["work"], made["interim"]
    _post(client, _csv(f"{work.pk};;{interim.pk};;81,5;"))
    response = _post(
        client, _csv(f"{work.pk};;{interim.pk};;81,5;", f"{made['jobs'].pk};;{interim.pk};;2;")
    )
    assert "Nya utfall: 1, ändrade: 0, oförändrade: 1." in response.content.decode()
    response = _post(client, _csv(f"{work.pk};;{interim.pk};;82;"))
    assert "Nya utfall: 0, ändrade: 1, oförändrade: 0." in response.content.decode()
    assert IndicatorOutcome.objects.get(indicator=work).version == 2


def test_every_error_is_listed_with_row_and_column_and_nothing_is_imported(client, official, made):
    made["annual"].state = PeriodState.CLOSED
    made["annual"].save()
    client.force_login(official)
    work, interim, annual = made["work"], made["interim"], made["annual"]
    response = _post(
        client,
        _csv(
            f"{work.pk};;{interim.pk};;81,5;",  # fine, but not imported
            f"999999;;{interim.pk};;1;",
            f"{work.pk};;{annual.pk};;1;",
            f"{made['jobs'].pk};;{interim.pk};;många;",
            f"{work.pk};;{interim.pk};;3;",
            f"{made['jobs'].pk};;x;;1,0001;",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ingenting importerades" in html
    for message in [
        "Rad 3, kolumn nyckeltal_id: inget nyckeltal för 2026 har id ”999999”.",
        "Rad 4, kolumn period_id: perioden Årsredovisning 2026 är stängd.",
        "Rad 5, kolumn värde: ”många” är inte ett tal med högst tre decimaler.",
        "Rad 6, kolumn period_id: samma nyckeltal och period som rad 2.",
        "Rad 7, kolumn period_id: ingen period för 2026 har id ”x”.",
        "Rad 7, kolumn värde: ”1,0001” är inte ett tal med högst tre decimaler.",
    ]:
        assert message in html
    assert not IndicatorOutcome.objects.exists()


def test_a_secretary_may_import_only_their_committees_indicators(client, secretary, made):
    client.force_login(secretary)  # secretary of BUN
    interim = made["interim"]
    response = _post(
        client,
        _csv(f"{made['reading'].pk};;{interim.pk};;5;", f"{made['care'].pk};;{interim.pk};;5;"),
    )
    assert response.status_code == 400
    assert "Rad 3, kolumn nyckeltal_id: du får inte föra in utfall för ”Trygghet”." in (
        response.content.decode()
    )
    assert not IndicatorOutcome.objects.exists()


def test_an_excel_file_is_read_like_a_csv(client, official, made):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nyckeltal_id", "period_id", "värde", "kommentar"])
    sheet.append([made["work"].pk, made["interim"].pk, 77.25, "Från lönesystemet"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(official)
    response = _post(client, buffer.getvalue(), "utfall.xlsx")
    assert response.status_code == 200
    assert IndicatorOutcome.objects.get(indicator=made["work"]).value == Decimal("77.25")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tom.csv", b"", "Filen är tom."),
        (
            "rubrik.csv",
            b"id;varde\n1;2\n",
            "Första raden ska namnge kolumnerna; det saknas: nyckeltal_id, period_id, värde.",
        ),
        (
            "bara.csv",
            b"nyckeltal_id;period_id;v\xc3\xa4rde\n",
            "Filen har inga rader under rubrikraden.",
        ),
        (
            "trasig.xlsx",
            b"PK\x03\x04 inte en arbetsbok",
            "Filen är varken CSV eller en Excelfil (.xlsx).",
        ),
    ],
)
def test_malformed_files_are_refused_in_swedish(client, official, made, name, content, message):
    client.force_login(official)
    response = _post(client, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IndicatorOutcome.objects.exists()


def test_an_oversized_file_is_refused(client, official, made, monkeypatch):
    from followup import outcomeimport

    monkeypatch.setattr(outcomeimport, "MAX_ROWS", 3)
    client.force_login(official)
    rows = [f"{made['work'].pk};;{made['interim'].pk};;{n};" for n in range(4)]
    response = _post(client, _csv(*rows))
    assert "Filen har mer än 3 rader." in response.content.decode()


def test_a_windows_1252_csv_is_read(client, official, made):
    client.force_login(official)
    content = (
        f"nyckeltal_id;period_id;värde;kommentar\n{made['work'].pk};{made['interim'].pk};5;Söder\n"
    )
    response = _post(client, content.encode("cp1252"))
    assert response.status_code == 200
    assert IndicatorOutcome.objects.get().history.get().history_change_reason == "Söder"


def test_the_template_lists_the_users_indicators_with_open_periods(client, secretary, made):
    made["annual"].state = PeriodState.CLOSED
    made["annual"].save()
    client.force_login(secretary)
    response = client.get(_url("followup:outcome_import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="nyckeltal-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["nyckeltal_id", "nyckeltal", "period_id", "period", "värde", "kommentar"],
        [
            str(made["reading"].pk),
            "Läsförmåga",
            str(made["interim"].pk),
            "Delårsrapport 2026",
            "",
            "",
        ],
    ]


def test_the_template_names_no_formula_and_comes_as_excel(client, official, made):
    IndicatorOutcome.objects.create(
        indicator=made["work"], period=made["interim"], value=Decimal("81.500")
    )
    client.force_login(official)
    response = client.get(_url("followup:outcome_import_template"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][1] == "'=Andel i arbete" and rows[1][4] == "81,5"
    # The filled-in template imports back unchanged.
    buffer = io.BytesIO(response.content)
    response = _post(client, buffer.getvalue(), "mall.xlsx")
    assert response.status_code == 400  # rows without a value are errors
    assert "Rad 3, kolumn värde" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 20])
def test_the_import_costs_the_same_queries_for_1_or_20_rows(
    client, official, made, rows, django_assert_num_queries
):
    nodes_goal = made["work"].node
    extra = [Indicator.objects.create(node=nodes_goal, name=f"N{n}", target=1) for n in range(rows)]
    client.force_login(official)
    content = _csv(*[f"{each.pk};;{made['interim'].pk};;{n};" for n, each in enumerate(extra)])
    # Expect 12 queries:
    # * the session and the user
    # * the user's groups and committees (roles)
    # * the plan year
    # * a savepoint and its release
    # * the year's periods, locked
    # * the year's indicators, and its periods
    # * the outcomes already there, locked
    # * the new outcomes, and their history
    with django_assert_num_queries(12):
        assert _post(client, content).status_code == 200


def test_the_page_costs_four_queries(client, official, made, django_assert_num_queries):
    client.force_login(official)
    # Expect 4 queries:
    # * the session and the user
    # * the user's groups and committees (roles)
    # * the plan year
    with django_assert_num_queries(4):
        assert client.get(_url()).status_code == 200


@pytest.mark.parametrize("extra", [0, 15])
def test_the_template_costs_the_same_queries_for_any_number_of_indicators(
    client, official, made, extra, django_assert_num_queries
):
    for number in range(extra):
        Indicator.objects.create(node=made["work"].node, name=f"N{number}", target=1)
    client.force_login(official)
    # Expect 7 queries:
    # * the session and the user
    # * the user's groups and committees (roles)
    # * the plan year
    # * its open periods, the outcomes, the indicators
    with django_assert_num_queries(7):
        assert client.get(_url("followup:outcome_import_template")).status_code == 200
