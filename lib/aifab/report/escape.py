"""User text made safe for the formats it lands in: Markdown table cells, inline code, XML.

Waiver reasons, owners and targets, design names and component messages are the user's to write; in a
pull-request comment they must stay text: no heading, no broken table, no HTML, no link.

>>> md_cell("# fine | # Owned <b>x</b> [here](https://e.org)\\n## more")
'\\\\# fine \\\\| # Owned &lt;b&gt;x&lt;/b&gt; \\\\[here\\\\](https://e.org) ## more'
>>> md_code("a`b|c")
'``a`b\\\\|c``'
>>> xml_text("ok\\x00\\x1b[31m")
'ok\\ufffd\\ufffd[31m'
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry (and DEL): C0 controls but tab, newline and carriage return; lone surrogates."""

_MD_SPECIAL = {"\\": "&#92;", "|": "\\|", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]", "`": "\\`"}
_MD_PATTERN = re.compile("|".join(re.escape(k) for k in _MD_SPECIAL))


def xml_text(value: object) -> str:
    """``value`` with every character XML 1.0 forbids replaced by U+FFFD (the document stays well-formed)."""
    return _CONTROL.sub("\ufffd", str(value))


def _one_line(value: object) -> str:
    return " ".join(xml_text(value).split())


def md_cell(value: object) -> str:
    """Text for a Markdown table cell: one line; pipes, brackets, backticks, ``<``/``>`` and a leading ``#`` escaped."""
    text = _MD_PATTERN.sub(lambda m: _MD_SPECIAL[m.group(0)], _one_line(value))
    return "\\" + text if text.startswith("#") else text


def md_code(value: object) -> str:
    """``value`` as inline code on one line: a fence longer than any run of backticks in it, pipes escaped."""
    text = _one_line(value).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


__all__ = ["md_cell", "md_code", "xml_text"]
