"""Numbers as people read them in messages and explanations."""

from __future__ import annotations

import math


def num(x: float) -> str:
    """A number for a message: thousands separators and only the digits that matter.

    >>> num(1234.5), num(8.16666), num(0.01234), num(48.0)
    ('1,234.5', '8.17', '0.0123', '48')
    """
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 100_000:
        text = f"{x:,.0f}"
    elif a >= 100:
        text = f"{x:,.1f}"
    elif a >= 1:
        text = f"{x:,.2f}"
    else:
        text = f"{x:.3g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return text


def pct(fraction: float) -> str:
    return f"{num(fraction * 100)} %"


def gib(n_bytes: int) -> str:
    """``1073741824 -> '1 GiB'``, ``4096 -> '4 KiB'``."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            return f"{num(n_bytes / size)} {unit}"
    return f"{n_bytes} B"


def exact(x: float) -> str:
    """A value to copy into a design: up to six decimals, no rounding of real digits.

    >>> exact(49.21875), exact(48.0)
    ('49.21875', '48')
    """
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text or "0"
