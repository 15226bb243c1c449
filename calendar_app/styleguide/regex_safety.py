"""Refusing regular expressions that could stall the linter.

A pattern is checked when the rule is saved, never when a post is linted:
1. it must compile;
2. a structural check refuses the shapes known to backtrack exponentially — a quantified group
   that itself holds a quantifier (``(a+)+``), or alternatives that can start with the same
   character inside a repeated group (``(a|ab)*``), or a repeated group that can match nothing;
   possessive quantifiers (``a++``) and atomic groups (``(?>…)``) are accepted because they
   cannot backtrack;
3. the compiled pattern is run with a timeout on adversarial texts built from its own characters,
   which catches what the structural check cannot see (polynomial blow-ups).
"""

from __future__ import annotations

import regex

from calendar_app.styleguide.errors import RuleError
from calendar_app.styleguide.regex_tree import (
    Alt,
    Cls,
    Group,
    Lit,
    Node,
    Repeat,
    Seq,
    first_atoms,
    nullable,
    parse,
)
from calendar_app.text.folding import fold_string

MAX_PATTERN_LENGTH = 1000
ADVERSARIAL_LENGTH = 3000
ADVERSARIAL_TIMEOUT = 0.05
FIXED_REPEAT_LIMIT = 4

_SAMPLE = (
    [chr(c) for c in range(0x20, 0x7F)]
    + list("\t\n\u00a0áéíóúüñÁÉÍÓÚÜÑçàèìòùâêôœß¿¡€“”«»…—")
    + ["😀", "👩", "\u200d", "\ufe0f", "\u0301"]
)


def compile_pattern(pattern: object, *, ignore_case: bool, ignore_accents: bool) -> regex.Pattern[str]:
    """Compile a user pattern for linting, or raise ``RuleError`` saying why it is refused.

    With ``ignore_accents`` the pattern runs on accent-folded text, so its own accents are
    folded too; case is left to the regex engine.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise RuleError("The pattern must be a non-empty text.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RuleError("The pattern is too long (at most {limit} characters).", limit=MAX_PATTERN_LENGTH)
    source, flags = pattern_source(pattern, ignore_case=ignore_case, ignore_accents=ignore_accents)
    try:
        compiled = regex.compile(source, flags)
    except regex.error as exc:
        position = f" at position {exc.pos}" if exc.pos is not None else ""
        raise RuleError(
            "The pattern is not a valid regular expression: {reason}{position}.",
            reason=exc.msg,
            position=position,
        ) from exc
    tree = parse(source)
    if tree is not None:
        _check_tree(tree, flags)
    if compiled.search("") is not None:
        raise RuleError("The pattern matches an empty text, so it would flag every post.")
    _check_adversarial(compiled, source)
    return compiled


def build_pattern(pattern: str, *, ignore_case: bool, ignore_accents: bool) -> regex.Pattern[str]:
    """Compile a pattern that ``compile_pattern`` already accepted (no safety checks again)."""
    source, flags = pattern_source(pattern, ignore_case=ignore_case, ignore_accents=ignore_accents)
    return regex.compile(source, flags)


def pattern_source(pattern: str, *, ignore_case: bool, ignore_accents: bool) -> tuple[str, int]:
    source = fold_string(pattern, case=False, accents=True) if ignore_accents else pattern
    return source, regex.V0 | (regex.IGNORECASE | regex.FULLCASE if ignore_case else 0)


def _check_tree(tree: Node, flags: int) -> None:
    for repeat in _repeats(tree):
        if repeat.possessive or not _iterates(repeat):
            continue
        body = repeat.node
        if nullable(body) and repeat.max is None:
            raise RuleError(
                "The pattern repeats a part that can match nothing (like (a*)*); "
                "it could make the check hang. Remove the inner optional part."
            )
        for inner in _repeats(body):
            if inner.possessive or not _iterates(inner):
                continue
            if repeat.max is None or inner.max is None:
                raise RuleError(
                    "The pattern nests repetitions (like (a+)+), which can make the check hang. "
                    "Use a single repetition, a possessive quantifier (a++) or an atomic group (?>…)."
                )
        for alt in _alternations(body):
            if _overlapping(alt, flags):
                raise RuleError(
                    "Inside a repeated group, two alternatives can start with the same character "
                    "(like (a|ab)*), which can make the check hang. Rewrite them so each starts differently."
                )


def _iterates(repeat: Repeat) -> bool:
    """Whether the engine may try the body a varying or large number of times."""
    return repeat.max is None or (
        repeat.max > 1 and (repeat.max != repeat.min or repeat.max > FIXED_REPEAT_LIMIT)
    )


def _children(node: Node) -> list[Node]:
    if isinstance(node, Seq):
        return list(node.items)
    if isinstance(node, Alt):
        return list(node.branches)
    if isinstance(node, Group | Repeat):
        return [node.node]
    return []


def _repeats(node: Node) -> list[Repeat]:
    """Repeats that can still backtrack: anything inside an atomic group or lookaround is skipped."""
    if isinstance(node, Group) and node.atomic:
        return []
    found = [node] if isinstance(node, Repeat) else []
    for child in _children(node):
        found.extend(_repeats(child))
    return found


def _alternations(node: Node) -> list[Alt]:
    if isinstance(node, Group) and node.atomic:
        return []
    found = [node] if isinstance(node, Alt) and len(node.branches) > 1 else []
    for child in _children(node):
        found.extend(_alternations(child))
    return found


def _overlapping(alt: Alt, flags: int) -> bool:
    starts = [first_atoms(branch) for branch in alt.branches]
    for i, left in enumerate(starts):
        for right in starts[i + 1 :]:
            if any(_meet(a, b, flags) for a in left for b in right):
                return True
    return False


def _meet(a: Lit | Cls | None, b: Lit | Cls | None, flags: int) -> bool:
    if a is None or b is None:
        return True
    return any(_accepts(a, ch, flags) and _accepts(b, ch, flags) for ch in _candidates(a, b))


def _candidates(a: Lit | Cls, b: Lit | Cls) -> list[str]:
    literals = [node.char for node in (a, b) if isinstance(node, Lit)]
    return literals or _SAMPLE


def _accepts(node: Lit | Cls, ch: str, flags: int) -> bool:
    source = regex.escape(node.char) if isinstance(node, Lit) else node.source
    try:
        return regex.fullmatch(source, ch, flags) is not None
    except regex.error:
        return True


def _check_adversarial(compiled: regex.Pattern[str], source: str) -> None:
    """Time the pattern on long runs of its own characters followed by a character it won't expect.

    A run that times out is tried once more before refusing, so a busy machine pausing the
    process does not refuse a harmless pattern; a backtracking one times out both times.
    """
    alphabet = dict.fromkeys([ch for ch in source if ch.isprintable()][:40] + list("aA1 é_.-#@\n"))
    prefix = _literal_prefix(source)
    for ch in alphabet:
        for tail in ("\x00", "!", ""):
            text = prefix + ch * ADVERSARIAL_LENGTH + tail
            if not (_times_out(compiled, text) and _times_out(compiled, text)):
                continue
            raise RuleError(
                "The pattern takes too long on a test text, so it could make the check hang "
                "(it backtracks too much). Simplify it."
            )


def _times_out(compiled: regex.Pattern[str], text: str) -> bool:
    try:
        compiled.search(text, timeout=ADVERSARIAL_TIMEOUT)
    except TimeoutError:
        return True
    return False


def _literal_prefix(source: str) -> str:
    prefix = []
    for ch in source:
        if ch.isalnum() or ch in " #@":
            prefix.append(ch)
        else:
            break
    return "".join(prefix)
