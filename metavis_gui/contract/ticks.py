"""Integer ticks, the contract's only unit of time: 1 tick = 1/60000 second.

Rounding rule of `ticks_from_seconds`: round half away from zero (all accepted
times are >= 0, so this is also "half up").

The float is first read as the decimal it prints as (its shortest repr, which
is how engines wrote it), multiplied by 60000 exactly, and the product is
rounded to 15 significant digits. A double only carries 15 reliable decimal
digits, so that step removes binary artefacts such as 0.1 + 0.2 or
2.5 / 60000 landing a hair below the half, while a real 0.499998 tick
(0.0000083333 s) stays below it. Exact for media lengths up to years.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from metavis_gui.contract.errors import InvalidTime

TICKS_PER_SECOND = 60000

_RELIABLE_DOUBLE_DIGITS = Context(prec=15, rounding=ROUND_HALF_UP)
_WHOLE_TICK = Decimal(1)


def ticks_from_seconds(seconds: float) -> int:
    """Convert seconds to whole ticks, rounding half away from zero.

    Raises `InvalidTime` for NaN, infinities, negative values and non-numbers.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise InvalidTime(f"time must be a number of seconds, got {seconds!r}")
    if isinstance(seconds, int):
        if seconds < 0:
            raise InvalidTime(f"time must not be negative, got {seconds!r} s")
        return seconds * TICKS_PER_SECOND
    if not math.isfinite(seconds):
        raise InvalidTime(f"time must be finite, got {seconds!r} s")
    if seconds < 0:
        raise InvalidTime(f"time must not be negative, got {seconds!r} s")
    exact_ticks = Decimal(repr(seconds)) * TICKS_PER_SECOND
    reliable_ticks = _RELIABLE_DOUBLE_DIGITS.plus(exact_ticks)
    return int(reliable_ticks.quantize(_WHOLE_TICK, rounding=ROUND_HALF_UP))


def seconds_from_ticks(ticks: int) -> float:
    """Convert ticks to seconds (`ticks / 60000`).

    Negative ticks are allowed here because edits compute signed offsets.
    """
    if isinstance(ticks, bool) or not isinstance(ticks, int):
        raise InvalidTime(f"ticks must be an integer, got {ticks!r}")
    return ticks / TICKS_PER_SECOND
