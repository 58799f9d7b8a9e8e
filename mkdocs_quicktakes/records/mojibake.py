"""Repair of text that was decoded with the wrong codec (mojibake), with ftfy.

Applied to every text field of a record when it is read, the answer included.
"""

from __future__ import annotations

import ftfy

# Only the encoding fixes are on: everything else ftfy can do (uncurling quotes, unescaping
# HTML, NFC, width/ligature folding, line-break and control-character changes) would alter
# text that is already correct.
_ENCODING_FIXES_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded with the wrong codec (``Hereâ€™s``).

    Correct Unicode (curly quotes, ``Ω``, ``±``, ``¬``, ``→`` ...) is left alone.

    Args:
        text: Any text.

    Returns:
        The text with encoding mistakes fixed; ASCII text is returned as is.
    """
    if text.isascii():  # mojibake needs non-ASCII characters; skip ftfy on most pages
        return text
    fixed: str = ftfy.fix_text(text, _ENCODING_FIXES_ONLY)
    return fixed
