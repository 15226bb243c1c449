"""Import and export of a whole style guide as YAML.

The file is what a person edits by hand, so import refuses anything doubtful — unknown keys,
duplicate keys, wrong types, rules that would not validate — and says on which line::

    version: 1
    language: es
    rules:
      - id: no-gratis
        kind: existence
        level: warning
        message: Evita «gratis».
        params:
          words: [gratis]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from calendar_app.styleguide.engine import LANGUAGES
from calendar_app.styleguide.errors import GuideImportError, RuleError
from calendar_app.styleguide.spec import MAX_RULES, RuleSpec, validate_rule

FORMAT_VERSION = 1
GUIDE_KEYS = ("version", "language", "rules")
MAX_YAML_BYTES = 1_000_000

Path = tuple[Any, ...]

_BOOL_TAG = "tag:yaml.org,2002:bool"


class _GuideLoader(yaml.SafeLoader):
    """YAML 1.1 reads ``no``, ``yes``, ``on`` and ``off`` as booleans; in a word list “no” is a word."""


_GuideLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_GuideLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def guide_to_yaml(rules: Iterable[Mapping[str, Any] | RuleSpec], *, language: str) -> str:
    """The guide as YAML; rules are validated first, so an export always imports back."""
    if language not in LANGUAGES:
        raise ValueError(f"Unsupported guide language {language!r}.")
    document = {
        "version": FORMAT_VERSION,
        "language": language,
        "rules": [validate_rule(rule).as_dict() for rule in rules],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def guide_from_yaml(text: str) -> tuple[str | None, list[RuleSpec]]:
    """``(language, rules)`` from a YAML guide, or ``GuideImportError`` listing every problem. A file without
    ``language`` (pasted by hand, say) gives None: the rules then follow the workspace's language."""
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise GuideImportError([(None, f"The file is too large (at most {MAX_YAML_BYTES // 1000} kB).")])
    try:
        node = yaml.compose(text, Loader=_GuideLoader)
        data = yaml.load(text, Loader=_GuideLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise GuideImportError([(mark.line + 1 if mark else None, f"Not valid YAML: {problem}.")]) from None
    lines: dict[Path, int] = {}
    problems: list[tuple[int | None, str]] = []
    if node is not None:
        _index_lines(node, (), lines, problems)
    if problems:
        raise GuideImportError(problems)
    language, raw_rules = _document(data, lines)
    rules: list[RuleSpec] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_rules):
        try:
            rule = validate_rule(raw)
        except RuleError as exc:
            problems.append(
                (_line_of(lines, ("rules", index), exc.field), f"Rule {index + 1}: {exc.message}")
            )
            continue
        if rule.id is not None and rule.id in seen_ids:
            problems.append(
                (
                    lines.get(("rules", index, "id")),
                    f"Rule {index + 1}: the id {rule.id!r} is already used by rule {seen_ids[rule.id] + 1}.",
                )
            )
        if rule.id is not None:
            seen_ids.setdefault(rule.id, index)
        rules.append(rule)
    if problems:
        raise GuideImportError(problems)
    return language, rules


def _document(data: Any, lines: dict[Path, int]) -> tuple[str, list[Any]]:
    if not isinstance(data, dict):
        raise GuideImportError([(1, "The file must be a mapping with version, language and rules.")])
    unknown = [key for key in data if key not in GUIDE_KEYS]
    problems: list[tuple[int | None, str]] = [
        (lines.get((key,)), f"Unknown key {key!r}; a guide has: {', '.join(GUIDE_KEYS)}.") for key in unknown
    ]
    if data.get("version") != FORMAT_VERSION:
        problems.append(
            (lines.get(("version",)), f"Unsupported version {data.get('version')!r}; expected 1.")
        )
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        problems.append((lines.get(("language",)), f"Unknown language {language!r}; use es or en."))
    rules = data.get("rules")
    if not isinstance(rules, list):
        problems.append((lines.get(("rules",)), "rules must be a list of rules."))
    elif len(rules) > MAX_RULES:
        problems.append((lines.get(("rules",)), f"A guide holds at most {MAX_RULES} rules."))
    if problems:
        raise GuideImportError(problems)
    return language, rules


def _index_lines(node: yaml.Node, path: Path, lines: dict[Path, int], problems: list) -> None:
    """Record the line of every value by its path, and refuse duplicate keys YAML would drop."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                problems.append((key_node.start_mark.line + 1, f"Duplicate key {key!r}."))
            seen.add(key)
            _index_lines(value_node, (*path, key), lines, problems)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index_lines(item, (*path, position), lines, problems)


def _line_of(lines: dict[Path, int], base: Path, field: str | None) -> int | None:
    """The line of the deepest known part of ``field`` (``params.words`` → the words line)."""
    path = base
    best = lines.get(base)
    for part in (field or "").split("."):
        if not part:
            break
        path = (*path, part)
        if path not in lines:
            break
        best = lines[path]
    return best
