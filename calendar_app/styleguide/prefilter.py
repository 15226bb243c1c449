r"""Prefilters for user patterns: skip the regex when the text cannot possibly match.

Most style patterns contain fixed text ("descuento", "$", "oferta|promo"). If none of the
literals a match must contain occurs in the (folded) text, a plain substring test rules the
pattern out far faster than running the regex engine over every position. Patterns without such
text often start with a simple class (``\d`` for prices and phone numbers): a search for that
class alone, in the standard ``re``, is the fallback test.
"""

from __future__ import annotations

import re

from calendar_app.styleguide.regex_tree import Alt, Cls, Group, Lit, Node, Repeat, Seq, first_atoms, parse

_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z\-]+[:)]")
#: Classes that mean the same in ``re`` and in ``regex`` (no \p{...}, no nested or POSIX sets).
_PORTABLE_CLASS = re.compile(r"\\[dDsSwW]|\[\^?\]?(?:[^\[\]\\]|\\[^pPNX])*\]")


def required_literals(source: str, *, ignore_case: bool) -> tuple[str, ...] | None:
    """Strings of which every match contains at least one, or None when there is no such set.

    Inline flags (``(?i)``, ``(?x)``) change what a literal means, so such patterns get none.
    """
    if _INLINE_FLAGS.search(source):
        return None
    tree = parse(source)
    literals = _required(tree) if tree is not None else None
    if not literals:
        return None
    if ignore_case:
        literals = [literal.casefold() for literal in literals]
    return tuple(dict.fromkeys(literals))


def first_char_pattern(source: str, *, ignore_case: bool) -> re.Pattern[str] | None:
    """A standard-``re`` pattern for the characters a match can start with, or None."""
    if _INLINE_FLAGS.search(source):
        return None
    tree = parse(source)
    atoms = first_atoms(tree) if tree is not None else []
    parts: list[str] = []
    for atom in atoms:
        if isinstance(atom, Lit):
            parts.append(re.escape(atom.char.casefold()[0] if ignore_case else atom.char))
        elif isinstance(atom, Cls) and _PORTABLE_CLASS.fullmatch(atom.source):
            if ignore_case and not atom.source.isascii():
                return None
            parts.append(atom.source)
        else:
            return None
    if not parts:
        return None
    try:
        return re.compile("|".join(parts), re.IGNORECASE if ignore_case else 0)
    except re.error:
        return None


def _required(node: Node) -> list[str] | None:
    if isinstance(node, Lit):
        return [node.char]
    if isinstance(node, Group):
        return None if node.zero_width else _required(node.node)
    if isinstance(node, Repeat):
        return _required(node.node) if node.min >= 1 else None
    if isinstance(node, Alt):
        options: list[str] = []
        for branch in node.branches:
            required = _required(branch)
            if required is None:
                return None
            options.extend(required)
        return options
    if isinstance(node, Seq):
        return _best(_candidates(node))
    return None


def _candidates(seq: Seq) -> list[list[str]]:
    """Runs of consecutive literal characters, plus what each other item requires."""
    candidates: list[list[str]] = []
    run: list[str] = []
    for item in seq.items:
        if isinstance(item, Lit):
            run.append(item.char)
            continue
        if run:
            candidates.append(["".join(run)])
            run = []
        required = _required(item)
        if required:
            candidates.append(required)
    if run:
        candidates.append(["".join(run)])
    return candidates


def _best(candidates: list[list[str]]) -> list[str] | None:
    """The most selective option: the one whose shortest literal is longest."""
    if not candidates:
        return None
    return max(candidates, key=lambda options: (min(map(len, options)), -len(options)))
