"""`--threads`: at least 1, and at most the CPUs this process may use (more only slows the engine down)."""

from __future__ import annotations

from metavis_gui.cli.generate_arguments import ArgumentsRefused
from metavis_gui.cli.json_events import WarningCode, WarningEvent
from metavis_gui.jobs.transcription_request import usable_cpu_count


def bounded_threads(requested: int | None, cpus: int | None = None) -> tuple[int | None, WarningEvent | None]:
    """The thread count to use (None: the default) and a warning when `requested` was lowered.

    Raises ArgumentsRefused (a usage error) for 0 or less.
    """
    if requested is None:
        return None, None
    bound = cpus or usable_cpu_count()
    if requested < 1:
        raise ArgumentsRefused(
            f"--threads {requested}: give a number of threads from 1 to {bound} (the CPUs this process may use)."
        )
    if requested <= bound:
        return requested, None
    message = f"--threads {requested} is more than the {bound} CPUs this process may use; using {bound} threads."
    return bound, WarningEvent(code=WarningCode.THREADS_BOUNDED, message=message)
