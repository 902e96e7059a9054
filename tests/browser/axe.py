"""Run axe-core in the page and fail with a readable list of what it found.

axe-core comes bundled in the axe-playwright-python package, so nothing is
fetched at test time.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def assert_no_axe_violations(page) -> None:
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    violations = _axe.run(page, options=options).response["violations"]
    assert not violations, _describe(page.url, violations)


def _describe(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} kinds of WCAG 2.1 A/AA violations on {url}:"]
    for violation in violations:
        lines.append(f"* {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    - {target}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)
