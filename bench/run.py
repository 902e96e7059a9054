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
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

BENCH_DATABASE = "kramfors_bench_run"
DEFAULT_SIZES = (1_000, 10_000, 50_000)
HEADLINE_SIZE = 10_000
MEMORY_SIZE = 50_000
FIRST_YEAR = 2101

# Figures for pages and writes that do not exist yet. When one is built, move
# it into PAGES (a GET) or give it a function like `_writes` (a POST or a
# service), so that it is measured at every size.
NOT_BUILT = [
    "verksamhetsplan (committee page)",
    "follow-up entry, GET",
    "follow-up entry, POST",
    "overview",
    "report",
    "export, CSV",
    "export, Excel",
    "JSON",
    "copy a 10,000-node year",
]


@dataclass
class Figure:
    label: str
    nodes: int | None = None
    ms: float | None = None
    queries: int | None = None
    note: str = ""
    min_ms: float | None = None


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.probe_rss:
        return _probe_rss(args)
    sizes = args.sizes
    database = _configure(create=True)
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
    parser.add_argument("--database", help=argparse.SUPPRESS)
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

    from bench.readers import reader_client
    from bench.synthetic import committees_ensure, synthetic_year_build

    load_before = os.getloadavg()[0]
    committees = committees_ensure()
    client = reader_client()
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
            f"{year.assessment_count:,} assessments"
        )
        page = _page(client, _red_thread_url(year), repeat)
        floor = _floor(year, repeat)
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
        for label, url in PAGES:
            figures.append(_page(client, url(year), repeat).figure(label(year), size))
        figures += _writes(year, repeat)
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
    if memory_url:
        _progress(f"peak memory serving the {MEMORY_SIZE:,}-node röd tråd …")
        figures.append(_memory(memory_url, bench))
    else:
        label = f"peak RSS serving the {MEMORY_SIZE:,}-node röd tråd"
        figures.append(Figure(label, note=f"n/a — size {MEMORY_SIZE} not run"))
    figures += [Figure(label, note="n/a — page not built yet") for label in NOT_BUILT]

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


# Pages measured at every size besides the röd tråd: (label, URL) from a built year.
def _node_url(node_id: int) -> str:
    from django.urls import reverse

    return reverse("node_detail", kwargs={"pk": node_id})


def _busiest_label(year) -> str:
    from goals.models import Node

    children = Node.objects.filter(parent_id=year.busiest_municipal_goal_id).count()
    return f"node page: municipal goal, {children} child{'' if children == 1 else 'ren'}"


PAGES: list[tuple[Callable[..., str], Callable[..., str]]] = [
    (_busiest_label, lambda year: _node_url(year.busiest_municipal_goal_id)),
    (lambda year: "node page: activity", lambda year: _node_url(year.activity_id)),
]


def _red_thread_url(year) -> str:
    from django.urls import reverse

    url = reverse("red_thread", kwargs={"year": year.plan_year.year})
    return f"{url}?period={year.periods[0].pk}"


@dataclass
class Measured:
    ms: float  # the median
    min_ms: float
    queries: int

    def figure(self, label: str, nodes: int) -> Figure:
        return Figure(label, nodes, self.ms, self.queries, min_ms=self.min_ms)


def _page(client, url: str, repeat: int) -> Measured:
    """Median time of a GET after one warm-up; queries counted on a separate run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Counted now: the next request clears the connection's query log.
    queries = len(captured)

    def get() -> None:
        client.get(url)

    return Measured(*_median_and_min_ms(get, repeat), queries=queries)


def _floor(year, repeat: int) -> Measured:
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
    return Measured(*_median_and_min_ms(fetch_and_join, repeat), queries=1)


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
    """Whether each figure's query count is the same at every size."""
    counts: dict[str, set[int]] = {}
    for figure in figures:
        if figure.queries is not None:
            # Labels may carry a size-dependent count ("12 children"): compare by kind.
            key = figure.label.split(",")[0]
            counts.setdefault(key, set()).add(figure.queries)
    growing = sorted(key for key, seen in counts.items() if len(seen) > 1)
    if growing:
        return "Query counts that change with the tree size: " + "; ".join(growing)
    return "Query counts are the same at every tree size."


if __name__ == "__main__":
    sys.exit(main())
