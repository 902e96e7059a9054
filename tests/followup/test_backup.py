"""Backing up one plan year as JSON and restoring it: export_year and import_year."""

from __future__ import annotations

import copy
import datetime
import json
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from simple_history.models import HistoricalRecords

from followup import backup
from followup.assignmentmodels import AssignmentFollowup
from followup.assignmentservices import FollowupEntry, assignment_followups_save
from followup.backup import BackupError, year_export, year_import
from followup.backup import reader as backup_reader
from followup.indicatormodels import Indicator, IndicatorOutcome
from followup.models import Period
from followup.services import Entry, assessments_save, period_set_state, plan_year_start
from goals import assignments as assignment_services
from goals import links, services
from goals.assignmentmodels import Assignment
from goals.integrity import tree_problems
from goals.linkmodels import NodeLink
from goals.locking import assert_tree_locked
from goals.models import Committee, Node, PlanYear
from tests.factories import build_tree

OUTLINE = """
    Vision
      Kramforsbon
        Trygg kommun
          Fler i arbete
            Läsa bättre [bun]
              Lovskola [bun]
              Läsläxa [bun]
            Kortare bidrag [sn]
              Stöd till arbete [sn]
      Ekonomi
        Ekonomi i balans
          Budget i balans
"""


@contextmanager
def acting_as(user):
    """Changes made in the block are recorded as the user's, as a request's would be."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def _indicator(node, user, **fields) -> Indicator:
    indicator = Indicator(node=node, **fields)
    indicator._history_user = user
    indicator.save()
    return indicator


def _outcome(indicator, period, value, user) -> IndicatorOutcome:
    outcome = IndicatorOutcome(indicator=indicator, period=period, value=value, updated_by=user)
    outcome._history_user = user
    outcome.save()
    return outcome


@pytest.fixture
def two_years(committees, official, secretary, secretary2):
    """2025, and 2026 started as its copy and then worked on: edits, a move, deletions,
    assessments by three users, indicators and outcomes, a committee that came and went."""
    with acting_as(official):
        year_2025 = plan_year_start(source=None, year=2025, user=official)
        old = build_tree(year_2025, OUTLINE)
        old_indicator = _indicator(
            old["Fler i arbete"], official, name="Andel i arbete", unit="%", target=Decimal("80")
        )
        links.link_add(source=old["Läsa bättre"], target_id=old["Budget i balans"].pk)
        # An assignment not carried out: carried over to 2026.
        assignment_services.assignment_create(
            plan_year=year_2025,
            values={
                "title": "Utred skolskjutsarna",
                "committee": committees["bun"],
                "goal": old["Fler i arbete"],
                "paragraph": "112",
            },
            user=official,
        )
        year_2026 = plan_year_start(source=year_2025, year=2026, user=official)
    nodes = {node.title: node for node in Node.objects.for_year(year_2026)}
    interim, annual = Period.objects.for_year(year_2026).order_by("cutoff_date")

    with acting_as(official):
        # A started year's periods are planned until an official opens them.
        for period in (interim, annual):
            period_set_state(period=period, action="open")
        services.node_update(
            node=nodes["Trygg kommun"],
            expected_version=1,
            title="En trygg kommun",
            description="Med *allt* som hör till.\nTvå rader, ”citat” och emoji 🌲.",
        )
        services.node_move(
            node=nodes["Kortare bidrag"], target=nodes["Budget i balans"], position="last-child"
        )
        links.link_add(source=nodes["Kortare bidrag"], target_id=nodes["Fler i arbete"].pk)
        links.link_remove(source=nodes["Kortare bidrag"], target_id=nodes["Fler i arbete"].pk)
        temporary = Committee.objects.create(name="Tillfälliga nämnden", slug="tmp")
        temporary.members.add(secretary)
        committees["bun"].members.add(secretary2)
    with acting_as(secretary):
        passing = services.node_create(
            plan_year=year_2026,
            parent=nodes["Fler i arbete"],
            kind="committee_goal",
            title="Ett mål på väg",
            committee=temporary,
        )
        services.node_update(
            node=passing,
            expected_version=1,
            title="Ett mål",
            description="",
            committee=committees["bun"],
        )
        services.node_create(
            plan_year=year_2026,
            parent=nodes["Läsa bättre"],
            kind="activity",
            title="Bokcirkel",
            committee=committees["bun"],
            position="left",
            target=nodes["Lovskola"],
        )
    with acting_as(official):
        temporary.delete()

    bun = [nodes[title] for title in ("Läsa bättre", "Lovskola", "Läsläxa")]
    assessments_save(
        period=interim,
        entries=[
            Entry(node, "in_progress" if node.kind == "activity" else "partly_met", "BUN", 0)
            for node in bun
        ],
        user=secretary,
    )
    assessments_save(
        period=interim,
        entries=[Entry(nodes["Kortare bidrag"], "met", "SN:s bedömning", 0)],
        user=secretary2,
    )
    assessments_save(
        period=interim,
        entries=[Entry(nodes["Fler i arbete"], "not_met", "Kommunens bedömning", 0)],
        user=official,
    )
    assessments_save(
        period=interim,
        entries=[Entry(nodes["Läsa bättre"], "met", "Bättre än väntat", 1)],
        user=secretary,
    )
    with acting_as(secretary):
        services.node_delete(node=nodes["Lovskola"])

    indicator = _indicator(
        nodes["Fler i arbete"],
        official,
        name="Andel i arbete",
        unit="%",
        baseline=Decimal("71.250"),
        target=Decimal("80"),
        kolada_kpi="N00914",
        copied_from=old_indicator,
    )
    gone = _indicator(nodes["Läsa bättre"], secretary, name="Lånade böcker", target=Decimal("3"))
    _outcome(indicator, interim, Decimal("72.5"), official)
    outcome = _outcome(indicator, annual, Decimal("-0.001"), secretary)
    outcome.value = Decimal("74.125")
    outcome._history_user = official
    outcome.save()
    _outcome(gone, interim, Decimal("2"), secretary)
    gone._history_user = secretary
    gone.delete()
    with acting_as(official):
        carried = Assignment.objects.for_year(year_2026).get()
        assignment_services.assignment_update(
            assignment=carried,
            values={"given_by": committees["sn"], "due_date": datetime.date(2026, 10, 1)},
            expected_version=1,
            user=official,
        )
        dropped = assignment_services.assignment_create(
            plan_year=year_2026,
            values={"title": "Ett uppdrag som ströks", "committee": committees["sn"]},
            user=official,
        )
        assignment_services.assignment_delete(assignment=dropped, expected_version=1)
    assignment_followups_save(
        period=interim,
        entries=[FollowupEntry(carried, "in_progress", "Utredningen pågår.", 0)],
        user=secretary,
    )
    with acting_as(official):
        period_set_state(period=interim, action="close")
        period_set_state(period=interim, action="publish")
    return year_2025, year_2026


def _wipe() -> None:
    """Empty every table, as a new database would be (inside the test's transaction)."""
    if connection.vendor == "postgresql":
        # TRUNCATE refuses while deferred foreign key checks are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _tables() -> dict[str, int]:
    """How many rows each table of the project (and the users) holds."""
    counted = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("goals", "followup", "auth")
    ]
    return {model._meta.label: model._base_manager.count() for model in counted}


def _document(year: int) -> dict:
    return json.loads(year_export(year=year))


def _import(document: dict):
    return year_import(data=json.dumps(document).encode())


# --- export ----------------------------------------------------------------------


def test_export_holds_the_year_its_committees_and_history(two_years):
    document = _document(2026)
    assert document["format_version"] == backup.FORMAT_VERSION
    assert document["plan_year"]["year"] == 2026 and document["plan_year"]["copied_from"] == 2025
    # The committee that came and went is only in the history.
    assert [c["slug"] for c in document["committees"]] == ["bun", "sn"]
    bun = next(c for c in document["committees"] if c["slug"] == "bun")
    assert bun["members"] == ["secretary", "secretary2"]
    nodes = document["nodes"]
    assert [node["lft"] for node in nodes] == sorted(node["lft"] for node in nodes)
    titles = [node["title"] for node in nodes]
    assert "Lovskola" not in titles and "Bokcirkel" in titles
    assert titles.index("Bokcirkel") < titles.index("Läsläxa")
    assert all(
        set(node) >= {"parent", "kind", "committee", "version", "copied_from", "rght"}
        for node in nodes
    )
    assert nodes[0]["copied_from"] == {"year": 2025, "ref": 1}
    assert {a["updated_by"] for a in document["assessments"]} == {
        "secretary",
        "secretary2",
        "official",
    }
    indicator = next(i for i in document["indicators"] if i["kolada_kpi"] == "N00914")
    assert indicator["baseline"] == "71.250" and indicator["target"] == "80.000"
    assert indicator["copied_from"] == {"year": 2025, "ref": 1}
    assert sorted(o["value"] for o in document["outcomes"]) == ["72.500", "74.125"]
    period = document["periods"][0]
    assert period["cutoff_date"] == "2026-08-31" and period["published_at"].endswith("+00:00")

    history = document["history"]
    node_types = {record["history_type"] for record in history["nodes"]}
    assert node_types == {"+", "~", "-"}
    deleted = [r for r in history["nodes"] if r["history_type"] == "-"]
    assert [r["title"] for r in deleted] == ["Lovskola"]
    assert deleted[0]["history_user"] == "secretary"
    # The deleted node keeps a number of its own, after no live node's.
    assert deleted[0]["ref"] not in {node["ref"] for node in nodes}
    assert {r["history_user"] for r in history["assessments"]} >= {"secretary", "secretary2"}
    assert "-" in {r["history_type"] for r in history["assessments"]}
    assert "-" in {r["history_type"] for r in history["indicators"]}
    assert [r["history_type"] for r in history["periods"] if r["ref"] == 1][-2:] == ["~", "~"]
    committee_records = history["committees"]
    assert any(r["slug"] == "tmp" and r["history_type"] == "-" for r in committee_records)
    assert ["secretary", "secretary2"] in [r["members"] for r in committee_records]


def test_two_exports_of_the_same_data_are_byte_identical(two_years):
    first = year_export(year=2026)
    assert year_export(year=2026) == first
    assert first.endswith(b"\n") and json.loads(first)


def test_export_of_a_missing_year_says_so(db):
    with pytest.raises(BackupError, match="Det finns inget planår 1999"):
        year_export(year=1999)


def test_export_of_a_year_without_a_tree(plan_year):
    document = _document(2026)
    assert document["nodes"] == [] and len(document["history"]["plan_year"]) == 1


# --- round trip --------------------------------------------------------------------


def test_round_trip_into_an_empty_database_loses_and_changes_nothing(two_years):
    before = {year: year_export(year=year) for year in (2025, 2026)}
    _wipe()
    assert PlanYear.objects.count() == 0 and User.objects.count() == 0
    # The oldest first, so that 2026 finds what it was copied from.
    year_import(data=before[2025])
    result = year_import(data=before[2026])
    after = {year: year_export(year=year) for year in (2025, 2026)}
    assert after[2025] == before[2025]
    assert after[2026] == before[2026]

    assert result.plan_year.year == 2026
    assert result.committees_reused == ["Barn- och utbildningsnämnden", "Socialnämnden"]
    assert result.users_matched == ["official", "secretary", "secretary2"]
    assert result.users_created == []
    restored = User.objects.get(username="secretary2")
    assert not restored.is_active and not restored.has_usable_password()
    node = Node.objects.get(plan_year=result.plan_year, title="Läsa bättre")
    assert node.copied_from.plan_year.year == 2025
    # The assignments, their follow-up and their history come back with the year.
    assignment = Assignment.objects.select_related("goal", "copied_from").get(
        plan_year=result.plan_year
    )
    assert (assignment.title, assignment.given_by.slug, assignment.goal.title) == (
        "Utred skolskjutsarna",
        "sn",
        "Fler i arbete",
    )
    assert assignment.copied_from.plan_year.year == 2025
    followup = AssignmentFollowup.objects.get(assignment=assignment)
    assert (followup.status, followup.updated_by.username) == ("in_progress", "secretary")
    assert Assignment.history.filter(title="Ett uppdrag som ströks").count() == 2


def test_restored_tree_takes_new_nodes_and_keeps_deleted_ids_out_of_use(two_years):
    data = year_export(year=2026)
    _wipe()
    result = year_import(data=data)
    plan_year = result.plan_year
    vision = Node.objects.get(plan_year=plan_year, parent=None)
    perspective = services.node_create(
        plan_year=plan_year, parent=vision, kind="perspective", title="Medarbetare"
    )
    # A new node never takes the id of a deleted one, whose history was restored.
    assert list(Node.history.filter(id=perspective.pk).values_list("history_type", flat=True)) == [
        "+"
    ]
    assert tree_problems(plan_year) == []


def test_reserved_ids_pass_ids_that_only_the_history_remembers(two_years):
    data = year_export(year=2026)
    _wipe()
    # A deleted node's record far beyond the table's sequence, as a restore of
    # the live table alone (loaddata, a partial dump) would leave it.
    HistoricalNode = Node.history.model
    HistoricalNode.objects.create(
        id=5000,
        plan_year_id=None,
        kind="vision",
        title="Borta",
        history_type="-",
        history_date="2020-01-01T00:00:00+00:00",
        updated_at="2020-01-01T00:00:00+00:00",
    )
    result = year_import(data=data)
    ids = list(Node.objects.filter(plan_year=result.plan_year).values_list("pk", flat=True))
    assert min(ids) > 5000
    assert list(Node.history.filter(id=5000).values_list("title", flat=True)) == ["Borta"]


def test_import_into_a_database_with_other_years_reuses_committees_and_users(two_years):
    data = year_export(year=2026)
    PlanYear.objects.filter(year=2026).delete()
    before = Committee.objects.count()
    result = year_import(data=data)
    assert Committee.objects.count() == before
    assert result.committees_created == []
    assert sorted(result.committees_reused) == ["Barn- och utbildningsnämnden", "Socialnämnden"]
    assert result.users_created == []
    assert User.objects.get(username="secretary").is_active


def test_import_holds_the_new_years_tree_lock(two_years, monkeypatch):
    data = year_export(year=2026)
    _wipe()
    checked = []

    def checked_under_lock(plan_year_id):
        assert_tree_locked(plan_year_id)
        checked.append(plan_year_id)
        return tree_problems(plan_year_id)

    monkeypatch.setattr(backup.restore, "tree_problems", checked_under_lock)
    result = year_import(data=data)
    assert checked == [result.plan_year.pk]


def test_dry_run_checks_everything_and_saves_nothing(two_years):
    data = year_export(year=2026)
    _wipe()
    before = _tables()
    result = year_import(data=data, dry_run=True)
    assert result.counts["nodes"] == 13
    assert _tables() == before


# --- bad files ---------------------------------------------------------------------


@pytest.fixture
def exported(two_years) -> dict:
    """The 2026 export, with the database emptied: it would import as it is."""
    document = _document(2026)
    _wipe()
    return document


def _refused(document_or_bytes, match: str) -> None:
    data = (
        document_or_bytes
        if isinstance(document_or_bytes, bytes)
        else json.dumps(document_or_bytes).encode()
    )
    before = _tables()
    with pytest.raises(BackupError, match=match):
        year_import(data=data)
    assert _tables() == before


def test_the_unchanged_file_imports(exported):
    assert _import(exported).counts["nodes"] == 13


def test_bad_json_is_refused(exported):
    _refused(b'{"format": "kramfors-styr/plan-year",', "inte giltig JSON")


def test_a_file_that_is_not_utf8_is_refused(db):
    _refused(b"\xff\xfe{}", "UTF-8")


def test_another_kind_of_json_is_refused(db):
    _refused(b"[1, 2, 3]", "inte en säkerhetskopia")


def test_a_wrong_format_version_is_refused(exported):
    exported["format_version"] = backup.FORMAT_VERSION + 1
    _refused(exported, f"formatversion {backup.FORMAT_VERSION + 1}")


def test_a_version_1_document_is_upgraded_as_it_is_read(exported):
    """Before periods had states they had a closed flag; before plan years were
    adopted and activities planned, those fields were not there."""
    document = copy.deepcopy(exported)
    document["format_version"] = 1
    for record in [*document["periods"], *document["history"]["periods"]]:
        state = record.pop("state")
        record["is_closed"] = state in ("closed", "published")
    for record in [document["plan_year"], *document["history"]["plan_year"]]:
        for name in backup_reader._V2_PLAN_YEAR:
            del record[name]
    for record in [*document["nodes"], *document["history"]["nodes"]]:
        for name in backup_reader._V2_NODE:
            del record[name]
    # Version 1 knew no planned periods: they were open.
    expected = copy.deepcopy(exported)
    for record in [*expected["periods"], *expected["history"]["periods"]]:
        if record["state"] == "planned":
            record["state"] = "open"
    assert backup_reader._upgraded(document) == expected


def test_a_missing_field_is_refused(exported):
    del exported["nodes"][3]["title"]
    _refused(exported, r"nodes\[3\]: fältet ”title” saknas")


def test_an_unknown_field_is_refused(exported):
    exported["periods"][0]["colour"] = "red"
    _refused(exported, "okänt fält ”colour”")


def test_a_value_of_the_wrong_type_is_refused(exported):
    exported["nodes"][2]["version"] = "2"
    _refused(exported, "”version” måste vara ett heltal")


def test_a_node_whose_parent_is_missing_is_refused(exported):
    exported["nodes"][4]["parent"] = 999
    _refused(exported, "nod 999, som inte finns i filen")


def test_a_broken_kind_rule_is_refused(exported):
    activity = next(node for node in exported["nodes"] if node["kind"] == "activity")
    activity["kind"] = "perspective"
    activity["committee"] = None
    _refused(exported, "kan bara placeras under")


def test_a_committee_goal_without_committee_is_refused(exported):
    goal = next(node for node in exported["nodes"] if node["kind"] == "committee_goal")
    goal["committee"] = None
    _refused(exported, "måste tillhöra en nämnd")


def test_an_inconsistent_nested_set_is_refused_after_checking_the_written_tree(exported):
    exported["nodes"][1]["rght"], exported["nodes"][2]["rght"] = (
        exported["nodes"][2]["rght"],
        exported["nodes"][1]["rght"],
    )
    _refused(exported, "lft, rght, level")


def test_a_year_that_exists_is_refused(two_years):
    _refused(year_export(year=2026), "Planåret 2026 finns redan")


def test_a_conflicting_committee_is_refused(exported):
    Committee.objects.create(name="Barn- och utbildningsnämnden", slug="barn")
    _refused(exported, "krockar med en befintlig nämnd")


def test_a_reference_number_used_twice_is_refused(exported):
    exported["periods"][1]["ref"] = exported["periods"][0]["ref"]
    _refused(exported, "används två gånger")


def test_text_that_no_database_stores_is_refused(exported):
    exported["nodes"][0]["title"] = "Vision\x00"
    _refused(exported, "NUL")
    _refused(
        json.dumps(exported).replace("Vision\\u0000", "Vision\\ud800").encode(), "inte är Unicode"
    )


def test_nan_is_refused(exported):
    _refused(json.dumps(exported).replace('"version": 1', '"version": NaN', 1).encode(), "NaN")


def test_what_the_database_refuses_is_refused_whole(exported):
    # Two periods on one cut-off date: only the database's constraint sees it.
    exported["periods"][1]["cutoff_date"] = exported["periods"][0]["cutoff_date"]
    exported["periods"][1]["deadline"] = exported["periods"][0]["deadline"]
    _refused(exported, "Databasen vägrade")


def test_an_assessment_status_of_the_wrong_scale_is_refused(exported):
    activity_refs = {node["ref"] for node in exported["nodes"] if node["kind"] == "activity"}
    assessment = next(a for a in exported["assessments"] if a["node"] in activity_refs)
    assessment["status"] = "met"
    _refused(exported, "Den statusen gäller inte")


def _annual_period_ref(document: dict) -> int:
    return next(period["ref"] for period in document["periods"] if period["kind"] == "annual")


def test_a_forecast_status_in_an_annual_period_is_refused(exported):
    goal_refs = {node["ref"] for node in exported["nodes"] if node["kind"] == "committee_goal"}
    assessment = next(a for a in exported["assessments"] if a["node"] in goal_refs)
    assessment["period"] = _annual_period_ref(exported)
    assessment["forecast_status"] = "met"
    _refused(exported, "prognos för helåret kan bara anges i en delårsrapport")


def test_a_forecast_status_on_an_activity_is_refused(exported):
    activity_refs = {node["ref"] for node in exported["nodes"] if node["kind"] == "activity"}
    interim = next(period["ref"] for period in exported["periods"] if period["kind"] == "interim")
    assessment = next(a for a in exported["assessments"] if a["node"] in activity_refs)
    assessment["period"] = interim
    assessment["forecast_status"] = "met"
    _refused(exported, "Bara mål får en prognos")


def test_an_outcome_forecast_in_an_annual_period_is_refused(exported):
    outcome = exported["outcomes"][0]
    outcome["period"] = _annual_period_ref(exported)
    outcome["forecast"] = "12.5"
    _refused(exported, "prognos för helåret kan bara anges i en delårsrapport")


def test_a_goal_for_sound_financial_management_below_the_municipal_goals_is_refused(exported):
    goal = next(node for node in exported["nodes"] if node["kind"] == "committee_goal")
    goal["geh_role"] = "financial"
    _refused(exported, "Bara ett kommunövergripande mål kan vara ett mål för god ekonomisk")


def test_an_assignment_due_outside_its_year_is_refused(exported):
    exported["assignments"][0]["due_date"] = "2027-01-15"
    _refused(exported, "Förfallodatumet måste ligga inom planåret 2026.")


def test_an_assignment_under_a_committee_goal_is_refused(exported):
    goal = next(node for node in exported["nodes"] if node["kind"] == "committee_goal")
    exported["assignments"][0]["goal"] = goal["ref"]
    _refused(exported, "Ett uppdrag kan bara placeras under ett kommunövergripande mål.")


def test_an_assignment_under_another_years_goal_is_refused(exported):
    exported["assignments"][0]["goal"] = {"year": 2025, "ref": 4}
    _refused(exported, "Målet hör till ett annat planår än uppdraget.")


def _as_version_2(document: dict) -> dict:
    """The document as format version 2 wrote it: without version 3's sections."""
    from followup.backup.format import ADDED_IN_3

    for part in (document, document["history"]):
        for key in ADDED_IN_3:
            del part[key]
    document["format_version"] = 2
    return document


def test_a_version_2_document_imports_without_assignments(exported):
    result = _import(_as_version_2(exported))
    assert not Assignment.objects.filter(plan_year=result.plan_year).exists()


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch, db):
    monkeypatch.setattr(backup.reader, "MAX_FILE_SIZE", 1000)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 1001)
    with pytest.raises(BackupError, match="större än"):
        backup.read_backup_file(big)
    with pytest.raises(BackupError, match="större än"):
        year_import(data=b" " * 1001)


# --- the commands --------------------------------------------------------------------


def test_commands_export_to_a_file_and_import_it(two_years, tmp_path, capsys):
    path = tmp_path / "2025.json"
    call_command("export_year", "2025", "--output", str(path))
    assert path.read_bytes() == year_export(year=2025)
    _wipe()
    call_command("import_year", str(path))
    out = capsys.readouterr().out
    assert "Importerat" in out and "12 noder" in out
    assert "Användare som skapats" in out and "secretary2" in out
    assert year_export(year=2025) == path.read_bytes()


def test_export_command_writes_to_standard_output(two_years, capsys):
    call_command("export_year", "2025")
    assert json.loads(capsys.readouterr().out)["plan_year"]["year"] == 2025


def test_import_command_refuses_a_bad_file_in_swedish(tmp_path, db):
    path = tmp_path / "trasig.json"
    path.write_text("{}")
    with pytest.raises(CommandError, match="inte en säkerhetskopia"):
        call_command("import_year", str(path))
    with pytest.raises(CommandError, match="kunde inte läsas"):
        call_command("import_year", str(tmp_path / "saknas.json"))


def test_every_model_of_the_two_apps_is_backed_up_or_named_as_left_out():
    covered = {PlanYear, *(section.model for section in backup.SECTIONS)}
    for model in [PlanYear, *covered]:
        covered.add(model.history.model)
    for section in backup.SECTIONS:
        for m2m in section.model._meta.many_to_many:
            covered.add(m2m.remote_field.through)
        covered.update(m2m_model for _field, m2m_model in backup.format._history_m2m(section.model))
    missing = [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ("goals", "followup")
        and model not in covered
        and model._meta.label not in backup.LEFT_OUT
    ]
    # A new model of the year's content belongs in followup.backup.SECTIONS;
    # one that is not content (a log, a cache) in LEFT_OUT.
    assert missing == []


# --- anything at all -------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _at(document, path):
    for step in path:
        document = document[step]
    return document


@st.composite
def mutated(draw, base: dict) -> dict:
    """The valid document with one to three faults: a key dropped, a value of
    another type, a number nudged, an item doubled, the nodes' parents shuffled."""
    document = copy.deepcopy(base)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        operation = draw(st.sampled_from(["drop", "replace", "nudge", "double", "parents"]))
        if operation == "parents" and isinstance(document.get("nodes"), list):
            nodes = [
                node for node in document["nodes"] if isinstance(node, dict) and "parent" in node
            ]
            parents = draw(st.permutations([node["parent"] for node in nodes]))
            for node, parent in zip(nodes, parents, strict=True):
                node["parent"] = parent
            continue
        path = draw(st.sampled_from(list(_paths(document))[1:] or [()]))
        if not path:
            continue
        container, last = _at(document, path[:-1]), path[-1]
        if operation == "drop":
            del container[last]
        elif operation == "replace":
            container[last] = draw(json_values)
        elif operation == "nudge" and isinstance(container[last], int):
            container[last] += draw(st.integers(min_value=-3, max_value=3))
        elif operation == "double" and isinstance(container, list):
            container.insert(last, copy.deepcopy(container[last]))
    return document


@pytest.fixture
def base_document(two_years) -> dict:
    document = _document(2026)
    _wipe()
    return document


@contextmanager
def _rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _import_only_whole_or_not_at_all(data: bytes) -> bool:
    """Import; True if it was accepted. Anything but a BackupError fails the test,
    and so does a refused file that left anything behind."""
    with _rolled_back():
        before = _tables()
        try:
            year_import(data=data)
        except BackupError as error:
            assert str(error)
            assert _tables() == before
            return False
        return True


HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(data=st.data())
def test_a_damaged_file_is_imported_whole_or_refused_with_nothing_written(base_document, data):
    document = data.draw(mutated(base_document))
    _import_only_whole_or_not_at_all(json.dumps(document).encode())


@HYPOTHESIS
@given(document=json_values)
def test_any_json_at_all_is_refused_cleanly(db, document):
    assert not _import_only_whole_or_not_at_all(json.dumps(document).encode())


@HYPOTHESIS
@given(data=st.binary(max_size=200))
def test_any_bytes_at_all_are_refused_cleanly(db, data):
    assert not _import_only_whole_or_not_at_all(data)


# --- import_year: what it says and what rights it gives -------------------------------


def _with_year(document: dict, year: int) -> dict:
    """The document as if it were plan year `year`: every link to its own year moved."""

    def move(item):
        if isinstance(item, dict):
            return {
                key: (year if key in ("year", "plan_year") and value == 2026 else move(value))
                for key, value in item.items()
            }
        if isinstance(item, list):
            return [move(value) for value in item]
        return item

    return move(document)


@pytest.mark.parametrize("year", [12345, 5, 1899, 3000])
def test_a_plan_year_out_of_range_is_refused_as_such(exported, tmp_path, year):
    document = _with_year(exported, year)
    _refused(document, f"Ett planår måste ligga mellan 1900 och 2999, inte {year}")
    path = tmp_path / f"{year}.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="mellan 1900 och 2999") as refused:
        call_command("import_year", str(path))
    assert "finns redan" not in str(refused.value)


def test_a_broken_position_is_named_by_the_files_ref_in_swedish(exported):
    perspective, direction_goal = exported["nodes"][1], exported["nodes"][2]
    assert direction_goal["parent"] == perspective["ref"]
    perspective["rght"], direction_goal["rght"] = direction_goal["rght"], perspective["rght"]
    before = _tables()
    with pytest.raises(BackupError) as refused:
        year_import(data=json.dumps(exported).encode())
    assert _tables() == before
    message = str(refused.value)
    assert message.startswith(f"nodes[2] “{direction_goal['title']}”: dess position")
    assert f"nod {perspective['ref']}" in message
    assert "node " not in message and "nested" not in message


def _without_the_years() -> None:
    """The plan years and their committees gone; the users stay, as in another database."""
    PlanYear.objects.all().delete()
    Committee.objects.all().delete()


def test_import_gives_no_committee_rights_to_existing_users_unless_asked(two_years, capsys):
    data = year_export(year=2026)
    _without_the_years()
    result = year_import(data=data)
    bun = Committee.objects.get(name="Barn- och utbildningsnämnden")
    assert list(bun.members.all()) == []
    assert result.memberships_granted == []
    assert "secretary (Barn- och utbildningsnämnden)" in result.memberships_withheld


def test_import_command_grants_memberships_with_the_flag_and_names_them(
    two_years, tmp_path, capsys
):
    path = tmp_path / "2026.json"
    path.write_bytes(year_export(year=2026))
    _without_the_years()
    call_command("import_year", str(path), "--grant-memberships")
    out = capsys.readouterr().out
    bun = Committee.objects.get(name="Barn- och utbildningsnämnden")
    assert sorted(bun.members.values_list("username", flat=True)) == ["secretary", "secretary2"]
    assert "sekreterarbehörighet" in out
    assert "secretary (Barn- och utbildningsnämnden)" in out
    assert "secretary2 (Barn- och utbildningsnämnden)" in out


def test_import_command_lists_the_memberships_it_left_out(two_years, tmp_path, capsys):
    path = tmp_path / "2026.json"
    path.write_bytes(year_export(year=2026))
    _without_the_years()
    call_command("import_year", str(path))
    out = capsys.readouterr().out
    assert "inte getts till befintliga användare" in out
    assert "secretary2 (Barn- och utbildningsnämnden)" in out
    assert not Committee.objects.get(name="Barn- och utbildningsnämnden").members.exists()


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        ('"version": ' + "[" * 100_000 + "]" * 100_000, "Filen är nästlad i mer än 64 nivåer"),
        ('"version": ' + "7" * 5000, "Filen innehåller ett för långt tal: 5000 tecken"),
    ],
)
def test_hostile_json_in_a_backup_is_refused_in_swedish(exported, hostile, message):
    data = json.dumps(exported).replace('"version": 1', hostile, 1).encode()
    _refused(data, message)


# --- also-supports links -----------------------------------------------------------


def test_links_and_their_history_go_round_the_backup(two_years):
    document = _document(2026)
    assert len(document["links"]) == 1
    assert sorted(record["history_type"] for record in document["history"]["links"]) == [
        "+",
        "+",
        "-",
    ]
    earlier = _document(2025)
    _wipe()
    _import(earlier)
    _import(document)
    [link] = NodeLink.objects.filter(plan_year__year=2026).select_related("source", "target")
    assert (link.source.title, link.target.title) == ("Läsa bättre", "Budget i balans")
    assert link.plan_year.year == 2026
    assert NodeLink.history.filter(plan_year__year=2026).count() == 3
    assert _document(2026) == document


def test_a_link_to_the_nodes_own_parent_is_refused(exported):
    [link] = exported["links"]
    source = next(node for node in exported["nodes"] if node["ref"] == link["source"])
    link["target"] = source["parent"]
    _refused(exported, r"links\[0\]: .*förälder i trädet")


def test_a_link_to_the_wrong_level_is_refused(exported):
    [link] = exported["links"]
    link["target"] = next(node["ref"] for node in exported["nodes"] if node["kind"] == "vision")
    _refused(exported, "kan bara också stödja typen")


def test_a_duplicate_link_is_refused(exported):
    exported["links"].append(dict(exported["links"][0], ref=exported["links"][0]["ref"] + 1))
    _refused(exported, "stödjer redan också")


def test_a_version_2_document_imports_without_links(exported):
    assert _import(_as_version_2(exported)).counts["nodes"] == 13
    assert not NodeLink.objects.exists()


def test_an_assignment_to_a_committee_without_goals_keeps_its_committee(two_years, official):
    # The file writes every committee its rows name, not only the nodes' committees.
    culture = Committee.objects.create(name="Kulturnämnden", slug="kn", short_name="KN")
    with acting_as(official):
        assignment_services.assignment_create(
            plan_year=PlanYear.objects.get(year=2026),
            values={"title": "Utred biblioteken", "committee": culture, "given_by": culture},
            user=official,
        )
    document = _document(2026)
    _wipe()
    _import(document)
    restored = Assignment.objects.get(title="Utred biblioteken")
    assert restored.committee.name == restored.given_by.name == "Kulturnämnden"
