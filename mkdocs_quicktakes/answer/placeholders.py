"""The formulas of an answer and the placeholders that stand for them in its Markdown.

Pure: imports nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass


@dataclass(frozen=True)
class MathSpan:
    r"""One formula found in an answer.

    Attributes:
        source: The formula exactly as written (after newline decoding), with delimiters.
        tex: The LaTeX between the delimiters, stripped.
        display: True for ``$$...$$`` and ``\[...\]``, False for ``$...$`` and ``\(...\)``.
    """

    source: str
    tex: str
    display: bool


@dataclass(frozen=True)
class PreparedAnswer:
    """Markdown ready for Python-Markdown, with its formulas set aside.

    Attributes:
        markdown: The Markdown; ``math[i]`` stands in it as ``math_placeholder(i, token)``.
        math: The formulas, in order of appearance.
        token: The start of this answer's placeholders, absent from its text (see
            :func:`new_math_token`).
    """

    markdown: str
    math: tuple[MathSpan, ...]
    token: str = ""

    def placeholder(self, index: int) -> str:
        """The placeholder of formula number ``index`` in this answer's Markdown."""
        return math_placeholder(index, self.token)


# Placeholders are made of private-use characters: no Markdown syntax acts on them, and every
# slugify of Python-Markdown, pymdownx and Material drops them, so a heading's id never holds
# one. Each answer has its own token, which never occurs in the answer's text, so no text of an
# answer (even in code) can pass for a placeholder and be replaced by a formula. The token is a
# cryptographic hash of the text: unpredictable without the whole text, the same in the build
# process, in workers and in the cache, so a page's Markdown is the same in every build.
_TOKEN_FIRST = 0xE100
_TOKEN_LENGTH = 12  # 96 bits
_DIGIT_ZERO = 0xE010
PLACEHOLDER_END = "\ue01f"
"""The character that ends every placeholder, after the formula's number."""
PLACEHOLDER_DIGITS = "[\ue010-\ue019]+"
"""A pattern for the formula's number in a placeholder, one private-use character a digit."""
PLACEHOLDER_PATTERN = (
    f"([{chr(_TOKEN_FIRST)}-{chr(_TOKEN_FIRST + 255)}]{{{_TOKEN_LENGTH}}})"
    f"({PLACEHOLDER_DIGITS}){PLACEHOLDER_END}"
)
"""A pattern for the placeholder of any answer: group 1 is the token, group 2 the number.

One pattern, compiled once, serves every answer; whoever uses it takes only the matches whose
token is the answer's (a pattern per token was compiled again for each answer). No other match
can hide one of the answer's: a token is a run of exactly twelve characters that digits follow,
and digits are no token characters, so two placeholders never overlap.
"""
_TO_DIGIT_CHARS = str.maketrans({str(d): chr(_DIGIT_ZERO + d) for d in range(10)})


def new_math_token(text: str) -> str:
    """The placeholder token of an answer: derived from ``text`` and absent from it.

    Args:
        text: The answer the placeholders will stand in.

    Returns:
        Twelve private-use characters (96 bits of a BLAKE2 hash of the text); should the text
        hold them, the hash of the text with a counter instead.
    """
    data = text.encode("utf-8", "surrogatepass")
    for attempt in itertools.count():
        digest = hashlib.blake2b(data, digest_size=_TOKEN_LENGTH, salt=attempt.to_bytes(16, "big"))
        token = "".join(chr(_TOKEN_FIRST + byte) for byte in digest.digest())
        if token not in text:
            return token
    raise AssertionError("unreachable")  # pragma: no cover


def math_placeholder(index: int, token: str) -> str:
    """Return the placeholder for formula number ``index`` of the answer with ``token``.

    The number is written in private-use digits and closed by ``PLACEHOLDER_END``, so the
    placeholder of formula 1 never matches inside that of formula 12.

    Args:
        index: Position of the formula in ``PreparedAnswer.math``.
        token: ``PreparedAnswer.token``.

    Returns:
        The placeholder text.
    """
    return token + str(index).translate(_TO_DIGIT_CHARS) + PLACEHOLDER_END


def placeholder_index(digits: str) -> int:
    """The formula number written in a placeholder's private-use digits."""
    return int("".join(str(ord(char) - _DIGIT_ZERO) for char in digits))
