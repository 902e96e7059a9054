"""Fetching from Kolada: a fake Kolada API v3 served on 127.0.0.1 answers in
pages, refuses once with 503 and once with 429, and records how it was asked
(the User-Agent, the time between requests). No test touches the network.

Also the upload of several files and of zips (with their limits).
"""

import io
import itertools
import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from followup import koladafetch, koladafiles
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.kolada import KoladaError
from followup.koladamodels import KoladaArea, KoladaKpi, KpiValue
from tests.factories import build_tree

FILES = Path(__file__).resolve().parent / "kolada"
SIMILAR = ["2283", "2260", "2161", "2313"]
USER_AGENT = "kramfors-styr-test (kontakt@example.se)"


class FakeKolada(ThreadingHTTPServer):
    """Answers GET requests from `routes` (path and query → list of answers, one
    used per request, the last repeated); records each request."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.asked: list[tuple[str, str, float]] = []  # path, User-Agent, monotonic time

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v3/"

    def answer(self, path: str, *answers: tuple[int, dict, object]) -> None:
        self.routes[path] = [
            (status, headers, body if isinstance(body, bytes) else json.dumps(body).encode())
            for status, headers, body in answers
        ]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server: FakeKolada = self.server
        server.asked.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
        answers = server.routes.get(self.path)
        if not answers:
            self.send_error(404)
            return
        status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_kolada():
    server = FakeKolada()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetch_settings(settings, fake_kolada):
    settings.KOLADA_API_URL = fake_kolada.base
    settings.KOLADA_MUNICIPALITY_ID = "2282"
    settings.KOLADA_SIMILAR_MUNICIPALITIES = SIMILAR
    settings.KOLADA_COMPARISON_AREAS = ["0000"]
    settings.KOLADA_USER_AGENT = USER_AGENT
    settings.KOLADA_FETCH_DELAY = 0.2
    settings.KOLADA_FETCH_RETRIES = 2
    return settings


@pytest.fixture
def work(plan_year, committees, periods):
    nodes = build_tree(plan_year, "Vision\n  Kramforsbon\n    Trygg kommun\n      Fler i arbete\n")
    return Indicator.objects.create(
        node=nodes["Fler i arbete"], name="Andel i arbete", target=75, kolada_kpi="N00914"
    )


def _json(name: str) -> dict:
    return json.loads((FILES / name).read_text(encoding="utf-8"))


def _split(page: dict, next_url: str) -> tuple[dict, dict]:
    values = page["values"]
    first = {"count": len(values), "values": values[:4], "next_url": next_url}
    second = {"count": len(values), "values": values[4:], "next_url": None}
    return first, second


VALUES_PATH = "/v3/data/kpi/N00914/municipality/2282,2283,2260,2161,2313,0000/year/2026"


def test_fetch_follows_pages_retries_and_is_polite(fetch_settings, fake_kolada, work):
    first, second = _split(
        _json("comparison.json"), fake_kolada.base[:-4] + VALUES_PATH + "?page=2"
    )
    fake_kolada.answer(VALUES_PATH, (200, {}, first))
    fake_kolada.answer(
        VALUES_PATH + "?page=2",
        (503, {}, b"busy"),
        (429, {"Retry-After": "1"}, b"slow down"),
        (200, {}, second),
    )
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        time.sleep(seconds)

    client = koladafetch.Client(backoff=0.3, sleep=sleep)
    pages = koladafetch.fetch_values(client)
    assert [path for path, _agent, _at in fake_kolada.asked] == [
        VALUES_PATH,
        VALUES_PATH + "?page=2",
        VALUES_PATH + "?page=2",
        VALUES_PATH + "?page=2",
    ]
    assert len(pages) == 2 and client.requests == 4
    assert {agent for _path, agent, _at in fake_kolada.asked} == {USER_AGENT}
    times = [at for _path, _agent, at in fake_kolada.asked]
    assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(times))
    # After the 503 the back-off (0.3 s), after the 429 the server's Retry-After (1 s).
    assert 0.3 in pauses and 1.0 in pauses
    assert times[3] - times[2] >= 1.0


def test_fetch_gives_up_after_its_retries_and_imports_nothing(fetch_settings, fake_kolada, work):
    fake_kolada.answer(VALUES_PATH, (502, {}, b"down"))
    with pytest.raises(CommandError) as refused:
        call_command("import_kolada", "--fetch")
    assert len(fake_kolada.asked) == 3  # the first try and two retries
    assert "svarade med HTTP-status 502" in str(refused.value)
    assert not IndicatorOutcome.objects.exists() and not KpiValue.objects.exists()


def test_a_client_error_is_not_retried(fetch_settings, fake_kolada, work):
    fake_kolada.answer(VALUES_PATH, (404, {}, b"no"))
    with pytest.raises(KoladaError):
        koladafetch.fetch_values(koladafetch.Client(delay=0))
    assert len(fake_kolada.asked) == 1


def test_the_command_fetches_every_linked_kpi_and_the_lists(
    fetch_settings, fake_kolada, work, capsys
):
    fetch_settings.KOLADA_FETCH_DELAY = 0
    fake_kolada.answer(VALUES_PATH, (200, {}, _json("comparison.json")))
    kpis_1 = _json("kpi_list_1.json")
    kpis_1["next_url"] = fake_kolada.base + "kpi?page=2"
    fake_kolada.answer("/v3/kpi", (200, {}, kpis_1))
    fake_kolada.answer("/v3/kpi?page=2", (200, {}, _json("kpi_list_2.json")))
    fake_kolada.answer("/v3/municipality", (200, {}, _json("municipality.json")))
    fake_kolada.answer("/v3/municipality_groups", (200, {}, _json("municipality_groups.json")))
    call_command("import_kolada", "--fetch", "--lists")
    assert IndicatorOutcome.objects.get(indicator=work).value == 66
    assert KpiValue.objects.count() == 18
    assert KoladaKpi.objects.count() == 9 and KoladaArea.objects.count() == 9
    output = capsys.readouterr().out
    assert "Jämförelsevärden sparade: 18." in output
    assert "Nyckeltal: nya 9, ändrade 0, oförändrade 0." in output


def test_the_plan_asks_for_units_and_several_kpis_at_once(fetch_settings, work):
    Indicator.objects.create(
        node=work.node, name="Skola", target=1, kolada_kpi="N15428", kolada_ou="V15E228200101"
    )
    urls = koladafetch.fetch_plan().urls("https://api.kolada.se/v3/")
    assert urls == [
        "https://api.kolada.se/v3/data/kpi/N00914,N15428/municipality/"
        "2282,2283,2260,2161,2313,0000/year/2026",
        "https://api.kolada.se/v3/data/kpi/N00914,N15428/ou/V15E228200101/year/2026",
    ]


def test_the_command_without_sources_or_fetch_says_what_to_give(db):
    with pytest.raises(CommandError, match="Ange en fil eller adress"):
        call_command("import_kolada")


# --- several files and zips --------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_of_pages_is_read_page_by_page(db):
    data = _zip({n: (FILES / n).read_bytes() for n in ("two_pages_1.json", "two_pages_2.json")})
    assert len(koladafiles.pages_of("sidor.zip", data)) == 2


def test_a_zip_bomb_is_refused_before_it_is_unpacked(db, monkeypatch):
    monkeypatch.setattr(koladafiles, "MAX_UNPACKED", 1024 * 1024)
    bomb = _zip({"a.json": b"[" + b" " * (2 * 1024 * 1024) + b"]"})
    assert len(bomb) < 10_000
    with pytest.raises(KoladaError, match="blir mer än 1 MB uppackad"):
        koladafiles.pages_of("bomb.zip", bomb)


def test_a_zip_with_too_many_files_or_other_files_is_refused(db, monkeypatch):
    monkeypatch.setattr(koladafiles, "MAX_MEMBERS", 2)
    with pytest.raises(KoladaError, match="innehåller 3 filer; högst 2"):
        koladafiles.pages_of("many.zip", _zip({f"{n}.json": b"{}" for n in range(3)}))
    with pytest.raises(KoladaError, match=r"innehåller virus\.exe, som inte är en JSON-fil"):
        koladafiles.pages_of("odd.zip", _zip({"virus.exe": b"MZ"}))
    with pytest.raises(KoladaError, match="är inte en zip-fil"):
        koladafiles.pages_of("broken.zip", b"PK\x03\x04 not really")


def test_the_upload_takes_several_files_and_a_zip_at_once(client, official, work):
    client.force_login(official)
    zipped = _zip({"kpi.json": (FILES / "kpi_list_1.json").read_bytes()})
    response = client.post(
        reverse("followup:kolada_upload"),
        {
            "file": [
                SimpleUploadedFile("comparison.json", (FILES / "comparison.json").read_bytes()),
                SimpleUploadedFile("lista.zip", zipped, "application/zip"),
            ]
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Koladas nyckeltalslista: nya 5, ändrade 0, oförändrade 0." in html
    assert "Värden sparade för jämförelse (liknande kommuner, riket, kvinnor och män): 18." in html
    assert IndicatorOutcome.objects.get(indicator=work).value == 66


def test_one_bad_file_among_several_imports_nothing(client, official, work):
    client.force_login(official)
    response = client.post(
        reverse("followup:kolada_upload"),
        {
            "file": [
                SimpleUploadedFile("comparison.json", (FILES / "comparison.json").read_bytes()),
                SimpleUploadedFile("trasig.json", b'{"values": [1'),
            ]
        },
    )
    assert response.status_code == 400
    assert "trasig.json" in response.content.decode()
    assert not IndicatorOutcome.objects.exists() and not KpiValue.objects.exists()


def test_several_files_together_stay_within_the_unpacked_limit(db):
    page = (FILES / "comparison.json").read_bytes()
    budget = koladafiles.Budget(limit=len(page) * 2 + 10)
    koladafiles.pages_of("a.json", page, budget)
    koladafiles.pages_of("b.zip", _zip({"b.json": page}), budget)
    with pytest.raises(KoladaError, match=r"c\.json blir mer än 0 MB uppackad"):
        koladafiles.pages_of("c.json", page, budget)


def test_the_command_reads_a_zip_and_a_dry_run_keeps_not_even_the_lists(
    fetch_settings, work, tmp_path, capsys
):
    path = tmp_path / "kolada.zip"
    path.write_bytes(
        _zip({n: (FILES / n).read_bytes() for n in ("comparison.json", "kpi_list_1.json")})
    )
    call_command("import_kolada", str(path), "--dry-run")
    assert "Provkörning, inget sparades" in capsys.readouterr().out
    assert not KoladaKpi.objects.exists() and not KpiValue.objects.exists()
    call_command("import_kolada", str(path))
    assert KoladaKpi.objects.count() == 5 and KpiValue.objects.count() == 18
