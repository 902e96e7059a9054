"""Write the URLs the load test requests, and print a logged-in reader's session cookie.

Run by bench/loadtest.sh against its own database, after `load_demo`:

    python -m bench.loadtest_prepare URLS_FILE

The URLs mix the röd tråd (each period, and some filters), the committees'
verksamhetsplaner and the node pages of the demo year: for every four node
pages one röd tråd and one verksamhetsplan.
"""

from __future__ import annotations

import os
import sys
from itertools import cycle

import django

NODE_PAGES_PER_RED_THREAD = 4


def main(urls_file: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kramfors_styr.settings")
    django.setup()
    from django.urls import reverse

    from followup.models import Period
    from goals.models import Committee, Node, NodeKind, PlanYear

    plan_year = PlanYear.objects.order_by("-year").first()
    if plan_year is None:
        raise SystemExit("No plan year: run load_demo first.")
    base = reverse("followup:red_thread", kwargs={"year": plan_year.year})
    periods = list(Period.objects.for_year(plan_year))
    committee = Committee.objects.first()
    perspective = Node.objects.for_year(plan_year).of_kind(NodeKind.PERSPECTIVE).first()
    red_threads = [base] + [f"{base}?period={period.pk}" for period in periods]
    if committee:
        red_threads.append(f"{base}?committee={committee.pk}")
    if perspective:
        red_threads.append(f"{base}?perspective={perspective.pk}&status=missing")
    node_pages = [
        reverse("followup:node_detail", kwargs={"pk": pk})
        for pk in Node.objects.for_year(plan_year).in_tree_order().values_list("pk", flat=True)
    ]
    plan_urls = [
        reverse("goals:operational_plan", kwargs={"year": plan_year.year, "slug": slug})
        for slug in Committee.objects.values_list("slug", flat=True)
    ]
    plans = cycle(plan_urls)
    urls = []
    red_thread = cycle(red_threads)
    for index, url in enumerate(node_pages):
        if index % NODE_PAGES_PER_RED_THREAD == 0:
            urls.append(next(red_thread))
            if plan_urls:
                urls.append(next(plans))
        urls.append(url)
    with open(urls_file, "w") as out:
        out.write("\n".join(urls) + "\n")
    from bench.readers import reader_session_cookie

    print(reader_session_cookie())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
