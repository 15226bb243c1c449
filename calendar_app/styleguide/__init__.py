"""The style guide engine: rule specs, validation, compilation, linting, YAML and starter guides.

Pure Python (no Django), so it is fast to test and can run in the web process, the API and the
pre-flight worker alike.
"""

from calendar_app.styleguide.engine import CompiledGuide, cached_guide, compile_guide
from calendar_app.styleguide.errors import GuideImportError, RuleError
from calendar_app.styleguide.findings import Finding, highest_level
from calendar_app.styleguide.kinds import KINDS
from calendar_app.styleguide.spec import LEVELS, NETWORKS, RuleSpec, validate_rule, validate_rules
from calendar_app.styleguide.starter import starter_rules, starter_yaml
from calendar_app.styleguide.yaml_io import guide_from_yaml, guide_to_yaml

__all__ = [
    "KINDS",
    "LEVELS",
    "NETWORKS",
    "CompiledGuide",
    "Finding",
    "GuideImportError",
    "RuleError",
    "RuleSpec",
    "cached_guide",
    "compile_guide",
    "guide_from_yaml",
    "guide_to_yaml",
    "highest_level",
    "starter_rules",
    "starter_yaml",
    "validate_rule",
    "validate_rules",
]
