"""The benchmark: page times, query counts, tree writes and memory on big synthetic years.

    make bench                                  # SQLite, sizes 1,000, 10,000 and 50,000
    DATABASE_URL=postgres://… make bench        # PostgreSQL
    make bench BENCH_ARGS="--sizes 1000,10000 --repeat 7"

It never touches the data `DATABASE_URL` points at: on PostgreSQL it creates
(and at the end drops) its own database `kramfors_bench_run` on the same
server, on SQLite a file in a temporary folder; either is migrated from
scratch. Pages are requested through Django's test client with DEBUG off, so
a figure is the server's time for the whole request (middleware, view,
queries, template), without the network. Each figure is the median of
`--repeat` warm runs. It prints a table, and as its last line a JSON object
for the 10,000-node röd tråd. docs/performance.md explains each figure.

At every size it measures the röd tråd (every level shown) against its floor,
the röd tråd at its default level, the start page's dashboard, the node pages,
the verksamhetsplan, the follow-up entry (GET, and a POST that saves every
assessment of a committee), the overview, the report and its CSV and Excel
exports, the JSON of open data, an insert and a move in the tree, and copying
the year to a new one. Once, it imports 100,000 Kolada values (bench/kolada.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urlencode

BENCH_DATABASE = "kramfors_bench_run"
DEFAULT_SIZES = (1_000, 10_000, 50_000)
HEADLINE_SIZE = 10_000
MEMORY_SIZE = 50_000
FIRST_YEAR = 2101
# The year the synthetic years are copied to; each copy is deleted again once
# timed, before the next is made.
COPY_YEAR = 2801


@dataclass
class Figure:
    label: str
    nodes: int | None = None
    ms: float | None = None
    queries: int | None = None
    note: str = ""
    min_ms: float | None = None
    # A bulk write that inserts in batches (starting a year: its indicators
    # and roll-up counts) has statements that grow with the tree by design,
    # so the verdict leaves it out.
    batched: bool = False


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.probe_rss:
        return _probe_rss(args)
    sizes = args.sizes
    database = _configure(create=True, name=args.database)
    try:
        return _benchmark(sizes, args.repeat, database)
    finally:
        _drop(database)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=lambda raw: [int(size) for size in raw.split(",")],
        default=list(DEFAULT_SIZES),
        help="comma-separated tree sizes in nodes (default: 1000,10000,50000)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per figure (default 5)")
    # Internal: serve one page in a fresh process and report its peak memory.
    parser.add_argument("--probe-rss", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database",
        help=f"the benchmark's own database, created and dropped (default: {BENCH_DATABASE})",
    )
    parser.add_argument("--static-root", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# Setting up a database of its own


@dataclass
class BenchDatabase:
    vendor: str
    name: str
    static_root: str
    temp_dir: str | None = None


def _configure(
    *, create: bool, name: str | None = None, static_root: str | None = None
) -> BenchDatabase:
    """Point the settings at the benchmark's own database, then set Django up."""
    # A throwaway database: any key will do, and DEBUG must be off to measure
    # what production does (DEBUG on records every query).
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-for-a-throwaway-database")
    os.environ["DEBUG"] = "0"
    # The test client speaks plain HTTP, as a proxy that terminated TLS would.
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    temp_dir = None
    if not os.environ.get("DATABASE_URL") and name is None:
        temp_dir = tempfile.mkdtemp(prefix="kramfors_bench_")
        name = os.path.join(temp_dir, "bench.sqlite3")
    if not os.environ.get("DATABASE_URL"):
        # Read by the settings for SQLite; keeps them off the real data folder.
        os.environ["SQLITE_PATH"] = name
    if static_root is None:
        static_root = tempfile.mkdtemp(prefix="kramfors_bench_static_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kramfors_styr.settings")

    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        vendor = "postgresql"
        name = name or BENCH_DATABASE
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        vendor = "sqlite"
    else:
        raise SystemExit(f"The benchmark runs on PostgreSQL or SQLite, not {database['ENGINE']}.")
    settings.DATABASES["default"] = {**database, "NAME": name}
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STATIC_ROOT = static_root
    bench = BenchDatabase(vendor=vendor, name=name, static_root=static_root, temp_dir=temp_dir)
    if create and vendor == "postgresql":
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _postgres_admin(f'CREATE DATABASE "{name}"')
    django.setup()
    if create:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        # Pages link their CSS through the manifest, as in production.
        call_command("collectstatic", interactive=False, verbosity=0)
    return bench


def _postgres_admin(sql: str) -> None:
    """Run CREATE/DROP DATABASE from the server's maintenance database."""
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    params = {
        "dbname": "postgres",
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    with psycopg.connect(
        **{key: value for key, value in params.items() if value}, autocommit=True
    ) as admin:
        admin.execute(sql)


def _drop(bench: BenchDatabase) -> None:
    from django.db import connections

    connections.close_all()
    if bench.vendor == "postgresql":
        _postgres_admin(f'DROP DATABASE IF EXISTS "{bench.name}" WITH (FORCE)')
    if bench.temp_dir:
        shutil.rmtree(bench.temp_dir, ignore_errors=True)
    shutil.rmtree(bench.static_root, ignore_errors=True)


# The measurements


def _benchmark(sizes: list[int], repeat: int, bench: BenchDatabase) -> int:
    from django import get_version

    from bench.readers import auditor_client, reader_client
    from bench.synthetic import committees_ensure, synthetic_year_build

    load_before = os.getloadavg()[0]
    committees = committees_ensure()
    client = reader_client()
    auditor = auditor_client()
    figures: list[Figure] = []
    headline: dict | None = None
    memory_url = None
    for index, size in enumerate(sizes):
        _progress(f"building a year of {size:,} nodes …")
        started = time.perf_counter()
        year = synthetic_year_build(year=FIRST_YEAR + index, nodes=size, committees=committees)
        _analyze(bench)
        _progress(
            f"  built in {time.perf_counter() - started:.1f} s: {year.node_count:,} nodes, "
            f"{year.assessment_count:,} assessments, {year.indicator_count:,} indicators, "
            f"{year.outcome_count:,} outcomes, {year.link_count:,} also-supports links"
        )
        page, floor = _page_and_floor(client, _red_thread_url(year), year, repeat)
        ratio = page.ms / floor.ms
        figures += [
            page.figure("röd tråd, whole tree, one period", size),
            floor.figure("floor: one raw query + str.join of <li>", size),
            Figure(
                "ratio röd tråd ÷ floor",
                size,
                note=f"{ratio:.2f}× (of the minimums: {page.min_ms / floor.min_ms:.2f}×)",
            ),
        ]
        for page_spec in PAGES:
            _progress(f"  {page_spec.label(year)} …")
            measured = _page(
                auditor if page_spec.as_auditor else client,
                page_spec.url(year),
                repeat,
                page_spec.content_type,
            )
            figures.append(measured.figure(page_spec.label(year), size))
        if size <= HEADLINE_SIZE:
            _progress("  the reports as PDF …")
            figures += _documents(client, year)
        _progress("  follow-up entry, GET and POST …")
        figures += _entry(year, repeat)
        _progress("  insert and move …")
        figures += _writes(year, repeat)
        _progress("  copying the year …")
        figures += _copies(year, repeat)
        if (
            size == HEADLINE_SIZE
            or headline is None
            or abs(size - HEADLINE_SIZE) < abs(headline["nodes"] - HEADLINE_SIZE)
        ):
            headline = {
                "nodes": size,
                "page_ms": round(page.ms, 2),
                "floor_ms": round(floor.ms, 2),
                "ratio": round(ratio, 2),
                "queries": page.queries,
            }
        if size == MEMORY_SIZE:
            memory_url = _red_thread_url(year)
    _progress("importing Kolada values …")
    figures += _kolada()
    if memory_url:
        _progress(f"peak memory serving the {MEMORY_SIZE:,}-node röd tråd …")
        figures.append(_memory(memory_url, bench))
    else:
        label = f"peak RSS serving the {MEMORY_SIZE:,}-node röd tråd"
        figures.append(Figure(label, note=f"n/a — size {MEMORY_SIZE} not run"))

    print(
        f"Kramfors styr benchmark: {_database_version(bench)}, Python {sys.version.split()[0]}, "
        f"Django {get_version()}, {os.cpu_count()} CPUs; each figure the median of {repeat} "
        f"warm runs (min beside it); load average {load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    _print_table(figures)
    print(_query_count_verdict(figures))
    print(json.dumps(headline))
    return 0


# Pages measured at every size besides the röd tråd, read as the reader: a
# label and a URL from a built year, and the content type the answer must have.
# A label's part before the first comma names the figure across sizes (see
# _query_count_verdict): put anything that depends on the size after a comma.
class PageSpec(NamedTuple):
    label: Callable[..., str]
    url: Callable[..., str]
    content_type: str = "text/html"
    # Read as the auditor (the progress and audit pages) rather than a reader.
    as_auditor: bool = False


def _url(name: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


def _node_url(node_id: int) -> str:
    return _url("followup:node_detail", pk=node_id)


def _busiest_label(year) -> str:
    from goals.models import Node

    children = Node.objects.filter(parent_id=year.busiest_municipal_goal_id).count()
    return f"node page: municipal goal, {children} child{'' if children == 1 else 'ren'}"


def _descendants_label(what: str, node_id: int) -> str:
    from goals.models import Node

    node = Node.objects.get(pk=node_id)
    return f"node page: {what}, {node.get_descendant_count():,} descendants"


def _plan_label(year) -> str:
    committee = year.busiest_committee
    return (
        f"verksamhetsplan (committee page), {committee.label} "
        f"with {year.busiest_committee_nodes:,} nodes"
    )


def _first_period(year) -> int:
    return year.periods[0].pk


PAGES: list[PageSpec] = [
    PageSpec(
        lambda year: "röd tråd, default level (municipal goals)",
        lambda year: _red_thread_url(year, level=None),
    ),
    PageSpec(lambda year: "start page (dashboard)", lambda year: _url("followup:start")),
    PageSpec(
        lambda year: _descendants_label("vision", year.vision_id),
        lambda year: _node_url(year.vision_id),
    ),
    PageSpec(
        lambda year: _descendants_label("largest perspective", year.perspective_id),
        lambda year: _node_url(year.perspective_id),
    ),
    PageSpec(
        lambda year: _descendants_label("its direction goal", year.direction_goal_id),
        lambda year: _node_url(year.direction_goal_id),
    ),
    PageSpec(_busiest_label, lambda year: _node_url(year.busiest_municipal_goal_id)),
    PageSpec(
        lambda year: _descendants_label("committee goal", year.committee_goal_id),
        lambda year: _node_url(year.committee_goal_id),
    ),
    PageSpec(lambda year: "node page: activity", lambda year: _node_url(year.activity_id)),
    PageSpec(
        _plan_label,
        lambda year: _url(
            "goals:operational_plan", year=year.plan_year.year, slug=year.busiest_committee.slug
        ),
    ),
    PageSpec(
        lambda year: "overview, first period",
        lambda year: (
            _url("followup:overview", year=year.plan_year.year) + f"?period={_first_period(year)}"
        ),
    ),
    PageSpec(
        lambda year: "report, first period",
        lambda year: _url("followup:period_report", pk=_first_period(year)),
    ),
    PageSpec(
        lambda year: "export CSV, first period",
        lambda year: _url("followup:report_csv", pk=_first_period(year)),
        "text/csv",
    ),
    PageSpec(
        lambda year: "export Excel, first period",
        lambda year: _url("followup:report_xlsx", pk=_first_period(year)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    PageSpec(
        lambda year: "sound financial management (GEH), first period",
        lambda year: _url("followup:geh_period", pk=_first_period(year)),
    ),
    PageSpec(
        lambda year: (
            f"committee report, {year.busiest_committee.label} with "
            f"{year.busiest_committee_nodes:,} nodes"
        ),
        lambda year: _url(
            "followup:committee_report", pk=_first_period(year), slug=year.busiest_committee.slug
        ),
    ),
    PageSpec(
        lambda year: "reporting progress, first period",
        lambda year: _url("followup:period_progress", pk=_first_period(year)),
        as_auditor=True,
    ),
    PageSpec(
        lambda year: "audit page, first period",
        lambda year: _url("followup:period_audit", pk=_first_period(year)),
        as_auditor=True,
    ),
    PageSpec(
        lambda year: "JSON (api_year), first page",
        lambda year: _url("followup:api_year", year=year.plan_year.year),
        "application/json",
    ),
]


# The reports as PDF should each be made within this many seconds.
PDF_TARGET_S = 5


def _documents(client, year) -> list[Figure]:
    """The council's report and the busiest committee's report as PDF, each made
    once (a PDF of a big year takes seconds; a median of several would take
    minutes) after WeasyPrint has loaded its fonts on a small document."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from followup.pdf import html_to_pdf

    html_to_pdf('<!DOCTYPE html><html lang="sv"><title>x</title><p>Uppvärmning</p></html>')
    period = _first_period(year)
    committee = year.busiest_committee
    documents = [
        ("PDF, council report, first period", _url("followup:report_pdf", pk=period)),
        (
            f"PDF committee report, {committee.label} with {year.busiest_committee_nodes:,} "
            "nodes, first period",
            _url("followup:committee_report_pdf", pk=period, slug=committee.slug),
        ),
    ]
    figures = []
    for label, url in documents:
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            ms = (time.perf_counter() - started) * 1000
            cpu_s = time.process_time() - cpu_started
        _check_ok(response, url, "application/pdf")
        verdict = "within" if ms <= PDF_TARGET_S * 1000 else "OVER"
        # On a shared machine the wall time includes waiting for a CPU: the
        # process's own CPU time says what the PDF costs.
        size = f"{len(response.content) // 1024:,} KiB, {cpu_s:.1f} s CPU"
        figures.append(
            Figure(
                label,
                year.node_count,
                ms,
                len(captured),
                min_ms=ms,
                note=f"{size}; {verdict} the {PDF_TARGET_S} s target",
            )
        )
    return figures


def _red_thread_url(year, level: str | None = "activity") -> str:
    """The röd tråd in the year's first period; by default every level shown,
    the whole tree, which is what the floor is measured against."""
    from django.urls import reverse

    url = reverse("followup:red_thread", kwargs={"year": year.plan_year.year})
    return f"{url}?period={year.periods[0].pk}" + (f"&level={level}" if level else "")


@dataclass
class Measured:
    ms: float  # the median
    min_ms: float
    queries: int

    def figure(self, label: str, nodes: int) -> Figure:
        return Figure(label, nodes, self.ms, self.queries, min_ms=self.min_ms)


def _page(client, url: str, repeat: int, content_type: str = "text/html") -> Measured:
    """Median time of a GET after one warm-up; queries counted on a separate run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _check_ok(client.get(url), url, content_type)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Counted now: the next request clears the connection's query log.
    queries = len(captured)

    def get() -> None:
        client.get(url)

    return Measured(*_median_and_min_ms(get, repeat), queries=queries)


def _check_ok(response, url: str, content_type: str = "text/html") -> None:
    """Raise unless the page answered 200 with the content type it should have."""
    if response.status_code != 200:
        where = f" (to {response['Location']})" if response.has_header("Location") else ""
        raise RuntimeError(
            f"GET {url} answered {response.status_code}{where}, not 200: the page is broken, "
            "or the benchmark's user may not read it."
        )
    answered = response.get("Content-Type", "")
    if not answered.startswith(content_type):
        raise RuntimeError(f"GET {url} answered {answered!r}, not {content_type!r}.")
    if not response.content:
        raise RuntimeError(f"GET {url} answered 200 with an empty body.")


def _page_and_floor(client, url: str, year, repeat: int) -> tuple[Measured, Measured]:
    """The röd tråd and its floor, timed in turns: page, floor, page, floor, …

    This machine's speed drifts over seconds (another tenant's load, clock
    changes); timed in turns, the page and its floor see the same drift, so
    their ratio does not depend on which of the two ran in a slow moment.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _check_ok(client.get(url), url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)
    floor = _floor(year)
    (page_ms, page_min), (floor_ms, floor_min) = _interleaved_ms(
        [lambda: client.get(url), floor], repeat
    )
    return Measured(page_ms, page_min, queries), Measured(floor_ms, floor_min, queries=1)


def _floor(year) -> Callable[[], str]:
    """The same rows and columns as the page, fetched with one raw query and joined as <li>."""
    from django.db import connection

    from followup.models import Assessment
    from goals.models import Node

    sql = (
        f"SELECT n.id, n.level, n.kind, n.title, a.status FROM {Node._meta.db_table} n "
        f"LEFT JOIN {Assessment._meta.db_table} a ON a.node_id = n.id AND a.period_id = %s "
        "WHERE n.tree_id = %s ORDER BY n.lft"
    )
    params = [year.periods[0].pk, year.plan_year.pk]

    def fetch_and_join() -> str:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return "".join(
            [
                f'<li class="node--{kind}" data-level="{level}"><a href="/nod/{pk}/">{title}</a>'
                f" {status or ''}</li>"
                for pk, level, kind, title, status in rows
            ]
        )

    if fetch_and_join().count("<li") != year.node_count:
        raise RuntimeError("The floor query did not return the whole tree.")
    return fetch_and_join


def _writes(year, repeat: int) -> list[Figure]:
    """An insert and a subtree move through goals.services, each holding the tree lock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goals import services
    from goals.integrity import tree_problems
    from goals.models import Node, NodeKind

    size = year.node_count
    parent = Node.objects.select_related("committee").get(pk=year.insert_parent_id)
    insert_times = []
    for run in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            node = services.node_create(
                plan_year=year.plan_year,
                parent=parent,
                kind=NodeKind.ACTIVITY,
                title=f"Ny aktivitet {run}",
                committee=parent.committee,
            )
            elapsed = time.perf_counter() - started
        insert_queries = len(captured)
        if run:  # the first is the warm-up
            insert_times.append(elapsed * 1000)
        services.node_delete(node=node)

    moved = Node.objects.get(pk=year.move_node_id)
    subtree = (moved.rght - moved.lft + 1) // 2
    targets = [Node.objects.get(pk=pk) for pk in year.move_target_ids]
    move_times = []
    # An even number of moves, so the node ends where it started.
    for run in range(repeat + 1 + repeat % 2):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.node_move(node=moved, target=targets[run % 2], position="last-child")
            elapsed = time.perf_counter() - started
        move_queries = len(captured)
        if run:
            move_times.append(elapsed * 1000)
    problems = tree_problems(year.plan_year)
    if problems:
        raise RuntimeError(f"The tree is invalid after the timed writes: {problems[:5]}")
    return [
        Figure(
            "insert an activity (node_create)",
            size,
            _median(insert_times),
            insert_queries,
            min_ms=min(insert_times),
        ),
        Figure(
            f"move a committee goal, {subtree} nodes (node_move)",
            size,
            _median(move_times),
            move_queries,
            note="tree valid after",
            min_ms=min(move_times),
        ),
    ]


def _kolada() -> list[Figure]:
    """Import 100,000 Kolada values, then the same again (bench/kolada.py)."""
    from bench.kolada import kolada_import_timed, kolada_year_build

    kolada_year_build()
    timing = kolada_import_timed()
    label = f"Kolada import, {timing.values:,} values ({timing.stored:,} kept)"
    return [
        Figure(
            label, ms=timing.first_ms, queries=timing.queries, note="first import", batched=True
        ),
        Figure(label + ", again", ms=timing.again_ms, note="every value already there"),
    ]


# The follow-up entry: a committee secretary's page, read and saved.


def _entry(year, repeat: int) -> list[Figure]:
    """GET and POST of the follow-up entry of the first period, as a secretary of
    the committee with the most nodes.

    Each POST is the form the GET showed, with every row's analysis changed (and
    a status chosen where none was), so that every assessment of the committee
    is saved, with the versions the GET carried: a valid save each time, which
    must answer with the redirect back to the page. The GET before each POST is
    not timed.
    """
    from bench.readers import secretary_client
    from followup.models import Assessment

    period = year.periods[0]
    url = period.entry_url()
    client = secretary_client(year.busiest_committee)
    got = _page(client, url, repeat)
    fields = _entry_fields(client, url)
    rows = sorted(int(name.split("-", 1)[1]) for name in fields if name.startswith("status-"))
    if not rows:
        raise RuntimeError(f"GET {url} showed the secretary no rows to assess.")
    committees_shown = {
        node.committee_id
        for node in _assessable_nodes_of(year, rows)
        if node.committee_id is not None
    }
    if committees_shown != {year.busiest_committee.pk}:
        raise RuntimeError(
            f"GET {url} showed nodes of committees {sorted(committees_shown)}, "
            f"not only of {year.busiest_committee.pk}."
        )
    # The analyses as the page first showed them; each save appends its number.
    originals = {name: value for name, value in fields.items() if name.startswith("analysis-")}
    times = []
    queries = 0
    marker = ""
    for run in range(repeat + 1):  # the first is the warm-up
        fields = _entry_fields(client, url)
        marker = f"[mätning {year.plan_year.year}-{run}]"
        data = dict(fields)
        for name in originals:
            data[name] = f"{originals[name]} {marker}".strip()
        for node_id in rows:
            if not data.get(f"status-{node_id}"):
                data[f"status-{node_id}"] = fields.choices[f"status-{node_id}"][0]
        body = urlencode(data)
        with _counted() as counted:
            started = time.perf_counter()
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            elapsed = time.perf_counter() - started
        if response.status_code != 302 or response["Location"] != url:
            where = response.get("Location", "")
            raise RuntimeError(
                f"POST {url} answered {response.status_code} {where}, not the redirect "
                f"to {url} of a successful save."
            )
        if run:
            times.append(elapsed * 1000)
            queries = counted.count
    saved = Assessment.objects.for_period(period).filter(
        node_id__in=rows, analysis__endswith=marker
    )
    if saved.count() != len(rows):
        raise RuntimeError(
            f"POST {url}: {saved.count()} of {len(rows)} assessments hold the last save."
        )
    _check_ok(client.get(url), url)
    return [
        got.figure(
            f"follow-up entry GET, {len(rows):,} rows of {year.busiest_committee.label}",
            year.node_count,
        ),
        Figure(
            f"follow-up entry POST, {len(rows):,} assessments saved",
            year.node_count,
            _median(times),
            queries,
            note="each a valid save; the GET before it not timed",
            min_ms=min(times),
        ),
    ]


def _assessable_nodes_of(year, node_ids: list[int]):
    from goals.models import Node

    return Node.objects.for_year(year.plan_year).filter(pk__in=node_ids).only("committee")


class FormFields(dict):
    """The fields a form would submit, by name, and each select's option values."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, list[str]] = {}


def _entry_fields(client, url: str) -> FormFields:
    """GET the entry page and read the fields its form would submit."""
    response = client.get(url)
    _check_ok(response, url)
    parser = _FormParser()
    parser.feed(response.content.decode(response.charset or "utf-8"))
    parser.close()
    forms = [form for form in parser.forms if any(name.startswith("status-") for name in form)]
    if len(forms) != 1:
        raise RuntimeError(f"GET {url} has {len(forms)} forms of assessments, not one.")
    return forms[0]


class _FormParser(HTMLParser):
    """The POST forms of a page, as a browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[FormFields] = []
        self._form: FormFields | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                self._form = FormFields()
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name and "disabled" not in attributes:
            kind = attributes.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self._form[name] = attributes.get("value", "")
        elif tag == "select" and name and "disabled" not in attributes:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option = {"value": attributes.get("value"), "selected": "selected" in attributes}
            self._text = []
        elif tag == "textarea" and name and "disabled" not in attributes:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "option" and self._option is not None:
            value = self._option["value"]
            if value is None:
                value = "".join(self._text).strip()
            self._options.append((value, self._option["selected"]))
            self._option = None
        elif tag == "select" and self._select is not None:
            values = [value for value, _selected in self._options]
            chosen = [value for value, selected in self._options if selected]
            self._form[self._select] = chosen[0] if chosen else (values[0] if values else "")
            self._form.choices[self._select] = [value for value in values if value]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the line break that directly follows <textarea>.
            text = "".join(self._text)
            self._form[self._textarea] = re.sub(r"\A\r?\n", "", text)
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


class _Counter:
    count = 0


@contextmanager
def _counted() -> Iterator[_Counter]:
    """Count the queries run in the block, without recording their SQL (which
    CaptureQueriesContext would format, at a cost that grows with big inserts)."""
    from django.db import connection

    counter = _Counter()

    def count(execute, sql, params, many, context):
        counter.count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


# Copying a year


def _copies(year, repeat: int) -> list[Figure]:
    """Copy the year to a new one (COPY_YEAR), timed in seconds, `repeat` times each way.

    `goals.services.plan_year_copy` copies the tree under the tree lock of both
    years; `followup.services.plan_year_start` is what an official's "start a
    plan year" does: that copy, the goals' indicators and the two periods, in
    one transaction. Each copy must have the source's nodes (and indicators);
    it is then deleted, so later figures see only the synthetic years.
    """
    from followup import services as followup_services
    from followup.indicatormodels import Indicator
    from goals import services as goal_services
    from goals.integrity import tree_problems
    from goals.models import Node

    source = year.plan_year
    nodes = Node.objects.for_year(source).count()
    indicators = Indicator.objects.for_year(source).count()
    ways = [
        (
            "copy the year to a new one (s)",
            lambda target: goal_services.plan_year_copy(source=source, year=target),
            False,
        ),
        (
            "start a year as a copy with indicators (s)",
            lambda target: followup_services.plan_year_start(source=source, year=target),
            True,
        ),
    ]
    figures = []
    for label, copy, with_indicators in ways:
        times = []
        queries = 0
        for run in range(max(repeat, 1)):
            with _counted() as counted:
                started = time.perf_counter()
                copied = copy(COPY_YEAR)
                elapsed = time.perf_counter() - started
            times.append(elapsed)
            queries = counted.count
            copied_nodes = Node.objects.for_year(copied).count()
            if copied_nodes != nodes:
                raise RuntimeError(f"{label}: the copy has {copied_nodes} nodes, not {nodes}.")
            if with_indicators:
                copied_indicators = Indicator.objects.for_year(copied).count()
                if copied_indicators != indicators:
                    raise RuntimeError(
                        f"{label}: the copy has {copied_indicators} indicators, not {indicators}."
                    )
            if run == 0:
                problems = tree_problems(copied)
                if problems:
                    raise RuntimeError(f"{label}: the copied tree is invalid: {problems[:5]}")
            _year_delete(copied)
        figures.append(
            Figure(
                label,
                year.node_count,
                queries=queries,
                batched=with_indicators,
                note=(
                    f"{_median(times):.2f} s median, {min(times):.2f} s fastest of {len(times)}; "
                    f"{nodes:,} nodes"
                    + (f" and {indicators:,} indicators" if with_indicators else "")
                    + " copied, tree valid"
                ),
            )
        )
    return figures


def _year_delete(plan_year) -> None:
    """Delete a freshly copied year: its nodes, roll-up counts, indicators and periods,
    with their history.

    Deleting through the ORM would load every node and write a history row
    for each; plain DELETEs, under the year's tree lock, take a moment. A copy
    has nothing else (no assessments, no outcomes): if it did, the database
    would refuse to leave them dangling.
    """
    from django.db import connection

    from followup.indicatormodels import Indicator
    from followup.models import Period, SubtreeCount
    from goals.linkmodels import NodeLink
    from goals.locking import tree_lock
    from goals.models import Node, PlanYear

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    nodes = f"SELECT id FROM {table(Node)} WHERE {column(Node, 'plan_year')} = %s"
    statements = [
        (SubtreeCount, "node", nodes),
        (Indicator.history.model, "node", nodes),
        (Indicator, "node", nodes),
        (Period.history.model, "plan_year", "%s"),
        (Period, "plan_year", "%s"),
        (NodeLink.history.model, "plan_year", "%s"),
        (NodeLink, "plan_year", "%s"),
        (Node.history.model, "plan_year", "%s"),
        (Node, "plan_year", "%s"),
        (PlanYear.history.model, "id", "%s"),
        (PlanYear, "id", "%s"),
    ]
    with tree_lock(plan_year.pk), connection.cursor() as cursor:
        for model, field, values in statements:
            cursor.execute(
                f"DELETE FROM {table(model)} WHERE {column(model, field)} IN ({values})",
                [plan_year.pk],
            )
    if PlanYear.objects.filter(pk=plan_year.pk).exists():
        raise RuntimeError(f"The copy {plan_year.year} was not deleted.")


def _memory(url: str, bench: BenchDatabase) -> Figure:
    """Peak RSS of a fresh process that only serves the page three times (VmHWM)."""
    from django.db import connections

    connections.close_all()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--probe-rss",
            url,
            "--database",
            bench.name,
            "--static-root",
            bench.static_root,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    return Figure(
        f"peak RSS serving the {MEMORY_SIZE:,}-node röd tråd",
        MEMORY_SIZE,
        note=(
            f"{probe['peak_mib']:.0f} MiB (process before the first request: "
            f"{probe['baseline_mib']:.0f} MiB); peak RSS (VmHWM) of a subprocess"
        ),
    )


def _probe_rss(args: argparse.Namespace) -> int:
    _configure(create=False, name=args.database, static_root=args.static_root)
    from bench.readers import reader_client

    client = reader_client()
    baseline = _peak_rss_kib()
    for _run in range(3):
        response = client.get(args.probe_rss)
        if response.status_code != 200:
            raise RuntimeError(f"GET {args.probe_rss} answered {response.status_code}")
        del response
    peak = _peak_rss_kib()
    print(json.dumps({"baseline_mib": baseline / 1024, "peak_mib": peak / 1024}))
    return 0


def _peak_rss_kib() -> int:
    """This process's peak resident memory in KiB.

    Linux's VmHWM starts afresh at exec; getrusage's ru_maxrss would carry
    over the peak of the process that started this one.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# Timing and printing


def _median_and_min_ms(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    action()  # warm-up
    times = []
    for _run in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return _median(times), min(times)


def _interleaved_ms(actions: list[Callable[[], object]], repeat: int) -> list[tuple[float, float]]:
    """(median, min) ms of each action, the actions run in turns `repeat` times
    after one warm-up round."""
    for action in actions:
        action()
    times: list[list[float]] = [[] for _action in actions]
    for _run in range(repeat):
        for action, taken in zip(actions, times, strict=True):
            started = time.perf_counter()
            action()
            taken.append((time.perf_counter() - started) * 1000)
    return [(_median(taken), min(taken)) for taken in times]


def _median(times: list[float]) -> float:
    return statistics.median(times)


def _analyze(bench: BenchDatabase) -> None:
    """Give the query planner statistics for the new rows, as autovacuum soon would."""
    from django.db import connection

    if bench.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _database_version(bench: BenchDatabase) -> str:
    from django.db import connection

    if bench.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def _print_table(figures: list[Figure]) -> None:
    width = max(len(figure.label) for figure in figures)
    row = "{:<" + str(width) + "}  {:>7}  {:>9}  {:>7}  {:>7}  {}"
    print(row.format("figure", "nodes", "median ms", "min ms", "queries", "note"))
    print(row.format("-" * width, "-" * 7, "-" * 9, "-" * 7, "-" * 7, "-" * 4))
    for figure in figures:
        print(
            row.format(
                figure.label,
                f"{figure.nodes:,}" if figure.nodes else "",
                f"{figure.ms:.1f}" if figure.ms is not None else "",
                f"{figure.min_ms:.1f}" if figure.min_ms is not None else "",
                figure.queries if figure.queries is not None else "",
                figure.note,
            ).rstrip()
        )


def _query_count_verdict(figures: list[Figure]) -> str:
    """Whether each page's and each single write's query count is the same at every size."""
    counts: dict[str, set[int]] = {}
    for figure in figures:
        if figure.queries is not None and not figure.batched:
            # Labels may carry a size-dependent count ("12 children"): compare by kind.
            key = figure.label.split(",")[0]
            counts.setdefault(key, set()).add(figure.queries)
    growing = sorted(key for key, seen in counts.items() if len(seen) > 1)
    if growing:
        return "Query counts that change with the tree size: " + "; ".join(growing)
    return (
        "Query counts of the pages and single writes are the same at every tree size "
        "(starting a year inserts its indicators and roll-up counts in batches)."
    )


if __name__ == "__main__":
    sys.exit(main())
