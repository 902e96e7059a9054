"""Free text holds no control characters: forms and everything that validates a
model refuse them in Swedish, Word's pasted breaks become newlines, and any
text a form accepts goes into every export without a failure or a formula."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from followup.indicatormodels import Indicator
from followup.models import Assessment
from goals.models import Committee, Node
from goals.text import PlainTextFormField, validate_plain_text
from tests.factories import build_tree

REFUSED = [chr(code) for code in [*range(0x09), 0x0E, *range(0x0F, 0x20), *range(0x7F, 0xA0)]]
OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
"""


@pytest.fixture
def tree(plan_year, committees, periods):
    return build_tree(plan_year, OUTLINE)


@pytest.mark.parametrize("character", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_every_control_character_but_tab_newline_and_return_is_refused(character):
    with pytest.raises(ValidationError) as refused:
        validate_plain_text(f"Budget{character}i balans")
    assert refused.value.code == "control_character"


def test_tab_newline_return_and_ordinary_text_are_accepted():
    validate_plain_text("Rad ett\tkolumn\r\nrad två – ”citat” & <b> 😀 \u00a0\ue000")


def test_words_breaks_become_newlines_in_a_form():
    field = PlainTextFormField()
    assert field.clean("rad ett\x0brad två\x0csida två") == "rad ett\nrad två\nsida två"


def test_the_node_form_refuses_a_control_character_in_swedish(client, secretary, tree):
    client.force_login(secretary)
    node = tree["Läsa bättre"]
    response = client.post(
        reverse("goals:node_edit", kwargs={"pk": node.pk}),
        {"title": "Läsa\x02bättre", "description": "", "version": node.version},
    )
    assert response.status_code == 200
    assert "osynligt styrtecken (U+0002)" in response.content.decode()
    assert Node.objects.get(pk=node.pk).title == "Läsa bättre"


def test_the_node_form_keeps_a_pasted_line_break_as_a_newline(client, secretary, tree):
    client.force_login(secretary)
    node = tree["Läsa bättre"]
    response = client.post(
        reverse("goals:node_edit", kwargs={"pk": node.pk}),
        {"title": "Läsa bättre", "description": "Ett\x0btvå", "version": node.version},
    )
    assert response.status_code == 302
    assert Node.objects.get(pk=node.pk).description == "Ett\ntvå"


def test_the_assessment_entry_refuses_a_control_character(client, secretary, tree, periods):
    client.force_login(secretary)
    node = tree["Läsa bättre"]
    response = client.post(
        periods[0].entry_url(),
        {f"status-{node.pk}": "met", f"analysis-{node.pk}": "Klart\x1b", f"version-{node.pk}": 0},
    )
    assert response.status_code == 400
    assert "U+001B" in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_model_validation_refuses_control_characters_so_importers_do(tree):
    indicator = Indicator(node=tree["Fler i arbete"], name="Andel\x07", target=1)
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean(exclude=["copied_from", "version"])
    assert "name" in refused.value.message_dict
    committee = Committee(name="Nämnd\x85", slug="namnd")
    with pytest.raises(ValidationError):
        committee.full_clean()


def test_a_model_validation_keeps_words_breaks_as_newlines(tree):
    committee = Committee(name="Ny nämnd", short_name="NN\x0b", slug="nn")
    committee.full_clean()
    assert committee.short_name == "NN\n"


def test_the_admin_form_refuses_a_control_character(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("admin", "a@example.se", "pw"))
    url = reverse("admin:goals_committee_add")
    response = client.post(url, {"name": "Nämnd\x01", "slug": "n", "order": 0})
    assert response.status_code == 200
    assert "U+0001" in response.content.decode()
    assert not Committee.objects.exists()
    assert client.post(url, {"name": "Nämnd", "slug": "n", "order": 0}).status_code == 302


# --- Every export, for any text a form accepts -------------------------------------

EXPORTS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["=1+1", "+x", "-y", "@z", "\t=1", "\r=1", '=HYPERLINK("x")', " =1"]),
    st.tuples(st.sampled_from("=+-@\t\r"), st.text(max_size=20)).map("".join),
)


def _accepted(text: str) -> str | None:
    """The text as a form would store it, or None if a form refuses it."""
    try:
        return PlainTextFormField(required=False, max_length=300).clean(text)
    except ValidationError:
        return None


def _downloads(client, period) -> tuple[bytes, bytes, bytes]:
    files = []
    for name in ("followup:report_csv", "followup:report_xlsx", "followup:report_docx"):
        response = client.get(reverse(name, kwargs={"pk": period.pk}))
        assert response.status_code == 200, name
        files.append(response.content)
    return tuple(files)


@EXPORTS
@given(title=texts, analysis=texts)
def test_any_text_a_form_accepts_goes_into_every_export_without_a_formula(
    client, councillor, tree, periods, title, analysis
):
    title, analysis = _accepted(title), _accepted(analysis)
    if not title or not title.strip() or analysis is None:
        return
    client.force_login(councillor)
    node = tree["Fler i arbete"]
    Node.objects.filter(pk=node.pk).update(title=title)
    Assessment.objects.update_or_create(
        node=node, period=periods[0], defaults={"status": "met", "analysis": analysis}
    )
    csv_file, xlsx_file, docx_file = _downloads(client, periods[0])

    rows = list(csv.reader(io.StringIO(csv_file.decode("utf-8-sig")), delimiter=";"))
    for cell in (cell for row in rows[1:] for cell in row):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

    sheet = load_workbook(io.BytesIO(xlsx_file)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert all(
        not str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r"))
        for cell in cells
        if cell.data_type == "s"
    )
    Document(io.BytesIO(docx_file))
