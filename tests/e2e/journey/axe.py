"""axe-core, the accessibility engine, run inside Chromium on the page as the person sees it.

It comes from the npm registry, installed once into tests/e2e/.npm/ (ignored by git) by the `axe` session
fixture when missing. Without npm the accessibility tests skip with the reason, except under
PAUTA_REQUIRE_PEERS=1 (CI), where they fail.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.journey.support import skip_or_fail

PREFIX = Path(__file__).resolve().parents[1] / ".npm"
AXE_JS = PREFIX / "node_modules" / "axe-core" / "axe.min.js"
PACKAGE = "axe-core@4"
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:4]) + (" …" if len(self.targets) > 4 else "")
        return f"[{self.page}] {self.impact} {self.rule}: {self.help} → {shown}"


def axe_install() -> Path:
    if AXE_JS.exists():
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None:
        skip_or_fail("the accessibility check needs npm to install axe-core")
    completed = subprocess.run(
        [npm, "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", "--no-save", PACKAGE],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0 or not AXE_JS.exists():
        skip_or_fail(f"`npm install {PACKAGE}` failed: {completed.stderr.strip()[-500:]}")
    return AXE_JS


def axe_run(page, label: str, script: Path) -> list[Violation]:
    """Violations of the WCAG 2.1 A/AA rules (plus axe's best practices) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    result = page.evaluate(
        """async () => {
            const found = await axe.run(document, {resultTypes: ["violations"]});
            return found.violations.map(v => ({
                rule: v.id, impact: v.impact || "", help: v.help,
                targets: v.nodes.map(n => n.target.join(" "))
            }));
        }"""
    )
    return [
        Violation(label, item["rule"], item["impact"], item["help"], tuple(item["targets"]))
        for item in result
    ]


def blocking(violations: list[Violation]) -> list[Violation]:
    return [violation for violation in violations if violation.impact in BLOCKING]


@pytest.fixture(scope="session")
def axe() -> Path:
    return axe_install()
