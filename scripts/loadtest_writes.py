"""Load with writes: 32 connections for 60 s against gunicorn on 127.0.0.1,
reading the röd tråd, node and verksamhetsplan pages while secretaries save
assessments and officials add goals. Afterwards every plan year's tree must
be sound and every write the server acknowledged must be in the database.

Usage: python scripts/loadtest_writes.py [--seconds 60] [--connections 32]
Uses DATABASE_URL if set (a fresh database `<name>_loadtest` is created and
dropped on PostgreSQL), else a temporary SQLite file. Traffic goes only to
127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Lasttest-2026!"
YEAR = 2026


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="loadtest-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        LOGIN_FAILURE_LIMIT="1000",
        LOG_LEVEL="WARNING",
    )
    url = os.environ.get("DATABASE_URL", "")
    if url:
        parsed = urllib.parse.urlparse(url)
        name = parsed.path.lstrip("/") + "_loadtest"
        env["DATABASE_URL"] = parsed._replace(path="/" + name).geturl()
        env["_ADMIN_URL"] = parsed._replace(path="/postgres").geturl()
        env["_DB_NAME"] = name
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(workdir / "loadtest.sqlite3")
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _recreate_database(env: dict[str, str], drop_only: bool = False) -> None:
    if "_DB_NAME" not in env:
        return
    import psycopg

    with psycopg.connect(env["_ADMIN_URL"], autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{env["_DB_NAME"]}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{env["_DB_NAME"]}"')


SETUP = """
from django.contrib.auth.models import Group, User
from followup.models import Period
from goals.models import Committee, Node, PlanYear
import json
year = PlanYear.objects.get(year={year})
out = {{"secretaries": [], "officials": [], "nodes": [], "plans": []}}
for committee in Committee.objects.all():
    for n in range(3):
        user = User.objects.create_user(f"sek-{{committee.slug}}-{{n}}", password="{password}")
        user.groups.add(Group.objects.get(name="secretary"))
        committee.members.add(user)
        out["secretaries"].append([user.username, committee.slug])
    out["plans"].append(f"/verksamhetsplan/{{year.year}}/{{committee.slug}}/")
for n in range(4):
    user = User.objects.create_user(f"tjp-{{n}}", password="{password}")
    user.groups.add(Group.objects.get(name="official"))
    out["officials"].append(user.username)
out["nodes"] = list(Node.objects.for_year(year).values_list("pk", flat=True))
directions = Node.objects.for_year(year).filter(kind="direction_goal")
out["directions"] = list(directions.values_list("pk", flat=True))
out["period"] = Period.objects.get(plan_year=year, kind="annual").pk
print(json.dumps(out))
"""


VERIFY = """
import json
from followup.models import Assessment
from goals.models import Node
acked = json.load(open({path!r}))
stored = dict(
    Assessment.objects.filter(period_id=acked["period"]).values_list("node_id", "analysis")
)
missing = [n for n, marker in acked["assessments"].items() if stored.get(int(n)) != marker]
present = set(Node.objects.filter(title__in=acked["nodes"]).values_list("title", flat=True))
print(json.dumps({{"assessments_missing": missing,
                  "nodes_missing": sorted(set(acked["nodes"]) - present)}}))
"""


class Session:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}, doseq=True)
        request = urllib.request.Request(
            self.base + path,
            data=body.encode(),
            headers={"Referer": self.base + path, "X-CSRFToken": self._csrf()},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, username: str) -> None:
        self.get("/konto/logga-in/")
        status, html = self.post(
            "/konto/logga-in/", {"username": username, "password": PASSWORD, "next": "/"}
        )
        if "Logga ut" not in html:
            raise RuntimeError(f"login failed for {username}: {status}")


def _role(index: int) -> str:
    return "official" if index % 4 == 0 else "secretary"


def _login(index: int, base: str, setup: dict) -> Session:
    session = Session(base)
    if _role(index) == "official":
        username = setup["officials"][index % len(setup["officials"])]
    else:
        username, _slug = setup["secretaries"][index % len(setup["secretaries"])]
    session.login(username)
    return session


def _shares(connections: int, setup: dict) -> dict[int, tuple[int, int]]:
    """For each secretary worker: (its rank, how many) among the workers of its
    committee, so that they divide the committee's rows between them."""
    by_committee: dict[str, list[int]] = {}
    for index in range(connections):
        if _role(index) == "secretary":
            _user, slug = setup["secretaries"][index % len(setup["secretaries"])]
            by_committee.setdefault(slug, []).append(index)
    return {
        index: (rank, len(workers))
        for workers in by_committee.values()
        for rank, index in enumerate(workers)
    }


def _worker(index, session, setup, deadline, stats, lock, share=(0, 1)):
    rng = random.Random(index)
    role = _role(index)
    entry = f"/uppfoljning/{setup['period']}/"
    counter = 0
    while time.monotonic() < deadline:
        counter += 1
        roll = rng.random()
        started = time.perf_counter()
        kind = "read"
        status = None
        try:
            if roll < 0.6:
                path = rng.choice(
                    [
                        f"/rod-trad/{YEAR}/",
                        f"/nod/{rng.choice(setup['nodes'])}/",
                        rng.choice(setup["plans"]),
                    ]
                )
                status, _html = session.get(path)
                ok = status == 200
            elif role == "secretary":
                kind = "assessment"
                status, html = session.get(entry)
                rows = re.findall(r'name="version-(\d+)" value="(\d+)"', html)
                # Each worker writes only its own share of the rows, so two
                # workers never race for one assessment (that case is tested
                # elsewhere and refused by design).
                rank, count = share
                mine = [row for row in rows if int(row[0]) % count == rank]
                if not mine:
                    ok = status == 200
                else:
                    node_id, version = rng.choice(mine)
                    marker = f"lt {index} {counter}"
                    # A goal takes a goal's status, an activity an activity's.
                    select = re.search(rf'name="status-{node_id}".*?</select>', html, re.S)
                    choice = "met" if select and 'value="met"' in select.group(0) else "done"
                    status, _html = session.post(
                        entry,
                        {
                            f"status-{node_id}": choice,
                            f"analysis-{node_id}": marker,
                            f"version-{node_id}": version,
                        },
                    )
                    # Saved: redirected back to the page, which says so.
                    ok = status == 200 and "bedömningar sparades" in _html
                    if ok:
                        with lock:
                            stats["acknowledged_assessments"][node_id] = marker
            else:
                kind = "node"
                title = f"Lasttest {index} {counter}"
                direction = rng.choice(setup["directions"])
                status, html = session.post(f"/nod/{direction}/ny/", {"title": title})
                ok = status == 200 and "lades till" in html
                if ok:
                    with lock:
                        stats["acknowledged_nodes"].append(title)
        except Exception as error:  # counted, reported, and failing the run
            ok = False
            with lock:
                stats["exceptions"].append(repr(error))
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            stats["latencies"].append(elapsed)
            stats["requests"][kind] = stats["requests"].get(kind, 0) + 1
            if not ok:
                stats["errors"] += 1
                stats["failures"].append(f"{kind} {status}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = _environment(workdir)
        _recreate_database(env)
        try:
            _manage(env, "migrate", "--noinput")
            _manage(env, "collectstatic", "--noinput")
            _manage(env, "load_demo", "--year", str(YEAR))
            setup = json.loads(
                _manage(
                    env, "shell", "--no-imports", "-c", SETUP.format(year=YEAR, password=PASSWORD)
                )
            )
            port = _free_port()
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "kramfors_styr.wsgi",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--access-logfile",
                    "/dev/null",
                ],
                cwd=ROOT,
                env=env,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                for _ in range(100):
                    try:
                        urllib.request.urlopen(base + "/healthz", timeout=2)
                        break
                    except OSError:
                        time.sleep(0.2)
                stats = {
                    "latencies": [],
                    "errors": 0,
                    "exceptions": [],
                    "failures": [],
                    "requests": {},
                    "acknowledged_assessments": {},
                    "acknowledged_nodes": [],
                }
                lock = threading.Lock()
                # Log everyone in first (password hashing is slow on purpose),
                # then start the clock.
                sessions = [_login(i, base, setup) for i in range(args.connections)]
                shares = _shares(args.connections, setup)
                deadline = time.monotonic() + args.seconds
                threads = [
                    threading.Thread(
                        target=_worker,
                        args=(i, sessions[i], setup, deadline, stats, lock, shares.get(i, (0, 1))),
                    )
                    for i in range(args.connections)
                ]
                started = time.monotonic()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                duration = time.monotonic() - started
            finally:
                server.terminate()
                server.wait(timeout=30)
            check = subprocess.run(
                [sys.executable, "manage.py", "check_trees"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            acknowledged = workdir / "acknowledged.json"
            acknowledged.write_text(
                json.dumps(
                    {
                        "assessments": stats["acknowledged_assessments"],
                        "nodes": stats["acknowledged_nodes"],
                        "period": setup["period"],
                    }
                )
            )
            verify = _manage(
                env, "shell", "--no-imports", "-c", VERIFY.format(path=str(acknowledged))
            )
            lost = json.loads(verify)
        finally:
            _recreate_database(env, drop_only=True)
    latencies = sorted(stats["latencies"])
    total = len(latencies)
    result = {
        "seconds": round(duration, 1),
        "connections": args.connections,
        "requests": total,
        "by_kind": stats["requests"],
        "requests_per_second": round(total / duration, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[int(total * 0.99) - 1], 1) if latencies else None,
        "errors": stats["errors"],
        "acknowledged_assessments": len(stats["acknowledged_assessments"]),
        "acknowledged_nodes": len(stats["acknowledged_nodes"]),
        "lost_writes": len(lost["assessments_missing"]) + len(lost["nodes_missing"]),
        "check_trees_clean": check.returncode == 0,
        "database": "postgresql" if "_DB_NAME" in env else "sqlite",
    }
    for line in stats["exceptions"][:5]:
        print("exception:", line)
    for line in sorted(set(stats["failures"]))[:10]:
        print("failure:", line)
    if check.returncode:
        print(check.stdout)
    print(json.dumps(result))
    failed = result["errors"] or result["lost_writes"] or not result["check_trees_clean"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
