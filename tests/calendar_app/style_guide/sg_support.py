"""Helpers for the style-guide tests: the team of a brand, and small guides written as YAML."""

from dataclasses import dataclass

from calendar_app.models import Workspace
from calendar_app.services.style_guide import style_guide_import_yaml


@dataclass
class Brand:
    workspace: Workspace
    admin: object
    reviewer: object
    author: object
    viewer: object
    outsider: object
    mastodon: object


def guide_only(brand: Brand, yaml_rules: str) -> None:
    """Replace the starter guide by exactly these rules (YAML list items, indented by two spaces)."""
    text = f"version: 1\nlanguage: es\nrules:\n{yaml_rules}"
    style_guide_import_yaml(user=brand.admin, workspace=brand.workspace, text=text)


GRATIS_ERROR = """\
  - id: sin-gratis
    kind: existence
    level: error
    message: Nada es gratis.
    params:
      words: [gratis]
"""

OBVIO_WARNING = """\
  - id: tono
    kind: tone
    level: warning
    message: Evita «obviamente».
    params:
      words: [obviamente]
"""


def rule_spec(**overrides) -> dict:
    spec = {
        "kind": "existence",
        "level": "warning",
        "message": "Evita «gratis».",
        "networks": [],
        "params": {"words": ["gratis"]},
    }
    spec.update(overrides)
    return spec
