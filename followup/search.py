"""Search a plan year: the goals' titles and descriptions, and the analyses of the
periods the reader may see.

On PostgreSQL this is full-text search with the Swedish configuration, so words
are found in any inflection ("skolor" finds "skola"), ranked by where they
occur (title, then description, then analysis); the search box takes
websearch syntax ("a phrase", or, -word). On SQLite, the demo database, every
word must occur as written, in any case.

Two queries, whatever the size of the year: the nodes whose title or
description matches, and the assessments whose analysis matches.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from html import escape

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from followup import approvedonly
from followup.models import Assessment, Period
from goals.models import Node, PlanYear

MAX_RESULTS = 100
MAX_QUERY_LENGTH = 200
CONFIG = "swedish"
# PostgreSQL marks the matches (ts_headline) in the raw text, with marks that
# become <mark> once the text around them is escaped. No stored text can hold
# them: private-use characters around a random token, new for every search.
# On SQLite the text is escaped first and the matches marked after (`_highlight`).


def _marks() -> tuple[str, str]:
    token = secrets.token_hex(8)
    return f"\ue000{token}\ue001", f"\ue002{token}\ue003"


SNIPPET_CHARS = 90  # on each side of the first match, on SQLite


@dataclass
class Match:
    where: str
    snippet: SafeString


@dataclass
class SearchHit:
    node: Node
    title: SafeString
    rank: float = 0.0
    matches: list[Match] = field(default_factory=list)


@dataclass
class SearchResults:
    hits: list[SearchHit]
    truncated: bool


def search_year(
    *,
    plan_year: PlanYear,
    periods: list[Period],
    query: str,
    limit: int = MAX_RESULTS,
    reader=None,
) -> SearchResults:
    """The nodes of the year that match `query`, best first, at most `limit`.

    `periods` are those the reader may see: analyses of other periods are never
    searched, nor those withheld from `reader` until their committee approves them.
    """
    nodes = Node.objects.for_year(plan_year).select_related("committee")
    assessments = Assessment.objects.filter(
        node__plan_year=plan_year, period__in=[period.pk for period in periods]
    ).select_related("node", "node__committee")
    withheld = approvedonly.withheld_for(reader, periods)
    if withheld:
        assessments = assessments.filter(approvedonly.visible_assessments(withheld))
    if connection.vendor == "postgresql":
        node_rows, assessment_rows = _postgresql(nodes, assessments, query, limit)
    else:
        node_rows, assessment_rows = _plain(nodes, assessments, query, limit)
    truncated = len(node_rows) > limit or len(assessment_rows) > limit

    period_titles = {period.pk: period.display_title for period in periods}
    hits: dict[int, SearchHit] = {}
    for node, rank, title, description in node_rows[:limit]:
        hit = SearchHit(node=node, title=title, rank=rank)
        if description:
            hit.matches.append(Match(where=_("Description"), snippet=description))
        hits[node.pk] = hit
    for assessment, rank, snippet in assessment_rows[:limit]:
        node = assessment.node
        hit = hits.setdefault(node.pk, SearchHit(node=node, title=_highlight(node.title, None)))
        hit.rank += rank
        hit.matches.append(
            Match(
                where=_("Analysis, %(period)s") % {"period": period_titles[assessment.period_id]},
                snippet=snippet,
            )
        )
    ordered = sorted(hits.values(), key=lambda hit: (-hit.rank, hit.node.lft))
    return SearchResults(hits=ordered[:limit], truncated=truncated or len(ordered) > limit)


def _marked(text: str, start: str, stop: str) -> SafeString:
    """Escaped text with the headline marks turned into <mark>."""
    html = escape(text).replace(start, "<mark>").replace(stop, "</mark>")
    return mark_safe(html)  # escaped above: only <mark> is added


def _highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """`text` escaped, with every match of `pattern` in <mark>."""
    parts, end = [], 0
    for match in pattern.finditer(text) if pattern else ():
        parts += [escape(text[end : match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # every piece of text escaped above


def _postgresql(nodes: QuerySet, assessments: QuerySet, query: str, limit: int):
    search = SearchQuery(query, config=CONFIG, search_type="websearch")
    node_vector = SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "description", weight="B", config=CONFIG
    )
    start, stop = _marks()
    marks = {"config": CONFIG, "start_sel": start, "stop_sel": stop}
    node_rows = [
        (
            node,
            node.rank,
            _marked(node.title_marked, start, stop),
            _marked(node.description_marked, start, stop)
            if start in node.description_marked
            else None,
        )
        for node in nodes.annotate(
            document=node_vector,
            rank=SearchRank(node_vector, search),
            title_marked=SearchHeadline("title", search, highlight_all=True, **marks),
            description_marked=SearchHeadline(
                "description", search, max_words=35, min_words=15, **marks
            ),
        )
        .filter(document=search)
        .order_by("-rank", "lft")[: limit + 1]
    ]
    analysis_vector = SearchVector("analysis", config=CONFIG)
    assessment_rows = [
        (assessment, assessment.rank, _marked(assessment.analysis_marked, start, stop))
        for assessment in assessments.annotate(
            document=analysis_vector,
            rank=SearchRank(analysis_vector, search),
            analysis_marked=SearchHeadline("analysis", search, max_words=35, min_words=15, **marks),
        )
        .filter(document=search)
        .order_by("-rank", "node__lft")[: limit + 1]
    ]
    return node_rows, assessment_rows


def _variants(word: str) -> set[str]:
    # SQLite's LIKE folds the case of ASCII letters only; trying the word in
    # lower case, capitalised and in upper case also finds "Åtgärd" for "åtgärd".
    return {word, word.lower(), word.capitalize(), word.upper()}


def _contains(field_name: str, word: str) -> Q:
    condition = Q()
    for variant in _variants(word):
        condition |= Q(**{f"{field_name}__icontains": variant})
    return condition


def _plain(nodes: QuerySet, assessments: QuerySet, query: str, limit: int):
    words = query.split()
    node_filter, analysis_filter = Q(), Q()
    for word in words:
        node_filter &= _contains("title", word) | _contains("description", word)
        analysis_filter &= _contains("analysis", word)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    node_rows = []
    for node in nodes.filter(node_filter).order_by("lft")[: limit + 1]:
        in_title = bool(pattern.search(node.title))
        in_description = bool(pattern.search(node.description))
        node_rows.append(
            (
                node,
                1.0 * in_title + 0.4 * in_description,
                _highlight(node.title, pattern),
                _snippet(node.description, pattern) if in_description else None,
            )
        )
    assessment_rows = [
        (assessment, 0.1, _snippet(assessment.analysis, pattern))
        for assessment in assessments.filter(analysis_filter).order_by("node__lft")[: limit + 1]
    ]
    return node_rows, assessment_rows


def _snippet(text: str, pattern: re.Pattern) -> SafeString:
    """The text around the first match, with every match marked."""
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_CHARS) if first else 0
    end = min(len(text), (first.end() if first else 0) + SNIPPET_CHARS)
    excerpt = _highlight(text[start:end], pattern)
    return mark_safe(("…" if start else "") + excerpt + ("…" if end < len(text) else ""))
