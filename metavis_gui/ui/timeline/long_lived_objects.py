"""Keep the garbage collector's full passes short while big transcripts are open.

A 30,000-word transcript is about 150,000 Python objects that live as long as
its window. CPython's cyclic collector walks all of them on each full pass,
about 35 ms on the 2-core test machine: a visible hitch in a drag or in
playback, at a moment nobody chose. Once a window is built, one collection
and `gc.freeze()` move everything alive into a generation the collector skips;
reference counting still frees what is dropped. When a window closes, the
freeze is lifted so its cycles can be collected once it is gone; the windows
still open are frozen again a moment later.
"""

from __future__ import annotations

import gc


def settle_long_lived_objects() -> None:
    """After building something big that stays (a timeline window): collect once, then exempt the survivors."""
    gc.collect()
    gc.freeze()


def release_long_lived_objects() -> None:
    """After closing it: let the collector reach everything again, the closed window's cycles included."""
    gc.unfreeze()
