"""A small structural parser for user regular expressions, used only to spot risky shapes.

It understands what matters for backtracking — groups, alternation, quantifiers, character
classes, escapes — and treats everything else as a single character. The pattern has already
compiled when this runs; if the parser still meets something it does not follow, ``parse``
returns None and the timed adversarial run remains the safeguard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_CLASS_ESCAPES = set("dDwWsShHvVX") | {"p", "P", "N"}
_ANCHOR_ESCAPES = set("bBAZzGmMK")
_CHAR_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "a": "\a", "e": "\x1b"}


@dataclass(frozen=True)
class Lit:
    char: str


@dataclass(frozen=True)
class Cls:
    """Something that matches one character from a set: ``[a-z]``, ``\\w``, ``.``."""

    source: str


@dataclass(frozen=True)
class Anchor:
    source: str


@dataclass
class Seq:
    items: list[Node] = field(default_factory=list)


@dataclass
class Alt:
    branches: list[Node] = field(default_factory=list)


@dataclass
class Group:
    node: Node
    atomic: bool = False
    zero_width: bool = False


@dataclass
class Repeat:
    node: Node
    min: int
    max: int | None
    possessive: bool = False


@dataclass(frozen=True)
class BackRef:
    source: str


Node = Lit | Cls | Anchor | Seq | Alt | Group | Repeat | BackRef


class _Unsupported(Exception):
    pass


def parse(pattern: str) -> Node | None:
    """The pattern's tree, or None when it uses syntax this parser does not follow."""
    parser = _Parser(pattern)
    try:
        node = parser.alternation()
    except (_Unsupported, IndexError):
        return None
    return node if parser.pos == len(pattern) else None


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.pos = 0

    def peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.src[index] if index < len(self.src) else ""

    def alternation(self) -> Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else Alt(branches)

    def sequence(self) -> Seq:
        seq = Seq()
        while self.peek() not in ("", "|", ")"):
            atom = self.atom()
            if atom is not None:
                seq.items.append(self.quantified(atom))
        return seq

    def quantified(self, atom: Node) -> Node:
        while True:
            bounds = self.quantifier()
            if bounds is None:
                return atom
            possessive = False
            if self.peek() == "?":
                self.pos += 1
            elif self.peek() == "+":
                self.pos += 1
                possessive = True
            atom = Repeat(atom, bounds[0], bounds[1], possessive)

    def quantifier(self) -> tuple[int, int | None] | None:
        ch = self.peek()
        simple = {"*": (0, None), "+": (1, None), "?": (0, 1)}
        if ch in simple:
            self.pos += 1
            return simple[ch]
        if ch != "{":
            return None
        end = self.src.find("}", self.pos)
        body = self.src[self.pos + 1 : end] if end != -1 else ""
        low, comma, high = body.partition(",")
        if end == -1 or not (low.strip().isdigit() or (comma and high.strip().isdigit())):
            return None
        if any(part.strip() and not part.strip().isdigit() for part in (low, high)):
            return None
        self.pos = end + 1
        minimum = int(low) if low.strip() else 0
        if not comma:
            return minimum, minimum
        return minimum, int(high) if high.strip() else None

    def atom(self) -> Node | None:
        ch = self.peek()
        if ch == "(":
            return self.group()
        if ch == "[":
            return Cls(self.char_class())
        if ch == "\\":
            return self.escape()
        self.pos += 1
        if ch == ".":
            return Cls(".")
        if ch in "^$":
            return Anchor(ch)
        return Lit(ch)

    def escape(self) -> Node:
        start = self.pos
        letter = self.peek(1)
        self.pos += 2
        if letter in ("p", "P", "N") and self.peek() == "{":
            self.pos = self.src.index("}", self.pos) + 1
        if letter in _CLASS_ESCAPES:
            return Cls(self.src[start : self.pos])
        if letter in _ANCHOR_ESCAPES:
            return Anchor(self.src[start : self.pos])
        if letter.isdigit():
            while self.peek().isdigit():
                self.pos += 1
            return BackRef(self.src[start : self.pos])
        if letter == "g" and self.peek() == "<":
            self.pos = self.src.index(">", self.pos) + 1
            return BackRef(self.src[start : self.pos])
        if letter in ("x", "u", "U"):
            width = {"x": 2, "u": 4, "U": 8}[letter]
            digits = self.src[self.pos : self.pos + width]
            self.pos += width
            return Lit(chr(int(digits, 16)))
        return Lit(_CHAR_ESCAPES.get(letter, letter))

    def char_class(self) -> str:
        start = self.pos
        self.pos += 1
        depth = 1
        if self.peek() == "^":
            self.pos += 1
        if self.peek() == "]":
            self.pos += 1
        while depth:
            ch = self.peek()
            if ch == "":
                raise _Unsupported
            if ch == "\\":
                self.pos += 2
                continue
            if ch == "[" and self.peek(1) == ":":
                self.pos = self.src.index(":]", self.pos) + 2
                continue
            depth += {"[": 1, "]": -1}.get(ch, 0)
            self.pos += 1
        return self.src[start : self.pos]

    def group(self) -> Node | None:
        self.pos += 1
        atomic = zero_width = False
        if self.peek() == "?":
            self.pos += 1
            marker = self.peek()
            if marker == "#":
                self.pos = self.src.index(")", self.pos) + 1
                return None
            if marker in ":|":
                self.pos += 1
            elif marker == ">":
                self.pos += 1
                atomic = True
            elif marker in "=!":
                self.pos += 1
                zero_width = True
            elif marker == "<" and self.peek(1) in "=!":
                self.pos += 2
                zero_width = True
            elif marker == "P" and self.peek(1) == "=":
                self.pos = self.src.index(")", self.pos) + 1
                return BackRef(self.src[self.pos - 1])
            elif marker in "P<'":
                closer = ">" if marker != "'" else "'"
                self.pos = self.src.index(closer, self.pos + 1 + (marker == "P")) + 1
            elif marker.isalpha() or marker == "-":
                return self.inline_flags()
            else:
                raise _Unsupported
        body = self.alternation()
        if self.peek() != ")":
            raise _Unsupported
        self.pos += 1
        return Group(body, atomic=atomic, zero_width=zero_width)

    def inline_flags(self) -> Node | None:
        while self.peek().isalpha() or self.peek() == "-":
            self.pos += 1
        if self.peek() == ")":
            self.pos += 1
            return None
        if self.peek() != ":":
            raise _Unsupported
        self.pos += 1
        body = self.alternation()
        if self.peek() != ")":
            raise _Unsupported
        self.pos += 1
        return Group(body)


def nullable(node: Node) -> bool:
    if isinstance(node, Lit | Cls):
        return False
    if isinstance(node, Repeat):
        return node.min == 0 or nullable(node.node)
    if isinstance(node, Group):
        return node.zero_width or nullable(node.node)
    if isinstance(node, Alt):
        return any(nullable(branch) for branch in node.branches)
    if isinstance(node, Seq):
        return all(nullable(item) for item in node.items)
    return True


def first_atoms(node: Node) -> list[Lit | Cls | None]:
    """What the node can start with; None stands for "anything" (back-references and the like)."""
    if isinstance(node, Lit | Cls):
        return [node]
    if isinstance(node, Anchor):
        return []
    if isinstance(node, Repeat):
        return first_atoms(node.node)
    if isinstance(node, Group):
        return [] if node.zero_width else first_atoms(node.node)
    if isinstance(node, Alt):
        return [item for branch in node.branches for item in first_atoms(branch)]
    if isinstance(node, Seq):
        firsts: list[Lit | Cls | None] = []
        for item in node.items:
            firsts.extend(first_atoms(item))
            if not nullable(item):
                break
        return firsts
    return [None]
