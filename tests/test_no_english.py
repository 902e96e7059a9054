"""No English in the Swedish interface: every page type of the URL table, for
every role that may open it, is rendered and its visible text (and the text
read aloud: aria-label, title, alt, placeholder) searched for English words and
Django's default placeholders."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_url_permissions import ROLES, TABLE, _kwargs, world  # noqa: F401

# Words of the interface's English msgids that are not Swedish words, and the
# placeholders Django shows when nothing is translated.
ENGLISH = [
    "the",
    "and",
    "of",
    "with",
    "for",
    "your",
    "Select",
    "Save",
    "Delete",
    "Edit",
    "Add",
    "Search",
    "Show",
    "Hide",
    "Goals",
    "Activities",
    "Activity",
    "Indicator",
    "Indicators",
    "Committee",
    "Committees",
    "Perspective",
    "Perspectives",
    "Overview",
    "Report",
    "Log in",
    "Log out",
    "Submit",
    "Cancel",
    "Required",
    "Previous",
    "Next",
    "met",
    "partly",
    "underlying",
    "items",
    "Clear",
    "filters",
    "Municipal",
    "Users",
    "Password",
    "Username",
    "Skip",
    "Start a",
    "Change",
    "Currently",
    "Unknown",
    "Enter",
    "This field",
]
PLACEHOLDERS = ["---------", "- Select an option -", "Select an option"]
_WORDS = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "value"}


class _Text(HTMLParser):
    """The text a reader sees or hears: text nodes outside script and style,
    and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            # A button's value is its text; other inputs' values are data.
            if name in SPOKEN_ATTRIBUTES and value and (name != "value" or tag == "button"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_in(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    found = [placeholder for placeholder in PLACEHOLDERS if placeholder in text]
    found += sorted({match.group(0) for match in _WORDS.finditer(text)})
    return found


def test_the_check_finds_english_and_passes_swedish():
    assert english_in("<p>Show the goals</p>") == ["Show", "the"]
    assert english_in('<select><option value="">---------</option></select>') == ["---------"]
    assert english_in('<a aria-label="Log in" href="#">Logga in</a>') == ["Log in"]
    assert english_in('<p class="goal-row" data-x="the">Så går det för kommunen</p>') == []


# The pages: the exports and the open data are files and JSON, not pages.
NOT_PAGES = (
    "followup:report_",
    "followup:committee_report_docx",
    "followup:committee_report_pdf",
    "followup:outcome_import_template",
    "followup:api_",
    "healthz",
)
GET_ROWS = [row for row in TABLE if row.method == "get" and not row.name.startswith(NOT_PAGES)]


@pytest.mark.parametrize("row", GET_ROWS, ids=[f"{row.name}:{row.whose}" for row in GET_ROWS])
def test_every_page_is_swedish_for_every_role(row, world, client, settings):  # noqa: F811
    settings.PUBLIC_ACCESS = True  # residents read too
    url = reverse(row.name, kwargs=_kwargs(world, row.whose))
    queries = [""]
    if row.name == "followup:red_thread":
        queries += ["?level=activity&analyses=on", "?status=bogus&committee=abc"]
    checked = 0
    wrong = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(world["users"][role])
        for query in queries:
            response = client.get(url + query, row.data)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            checked += 1
            found = english_in(response.content.decode())
            if found:
                wrong[f"{role} {query}"] = found
    assert wrong == {}
    if any(answer == 200 for answer in row.answers.values()):
        assert checked, "no page was rendered"
