"""Every child dies with its parent: its own process group, and a launcher that ends it when the parent dies.

Code between fork and exec (subprocess's preexec_fn) is unsafe in a process with threads, as the window's
is, so a child starts through a tiny launcher (this interpreter with `-I -S -c`). On Linux it asks the kernel for SIGKILL when its parent dies
(PR_SET_PDEATHSIG), gives up if the parent is already gone, then becomes the program with `execv`,
keeping its pid. Elsewhere (macOS, the BSDs) a watchdog launcher forks the program and stays beside it:
it passes on the program's exit, and kills the program's group the moment it is orphaned (its parent pid
changes). Arguments travel hex-encoded when they are not valid UTF-8 (a file named b'take\\xff.wav'),
which would otherwise be mangled on the way. The launcher starts in a new session (its own process group,
which the program shares), so Ctrl-C in a terminal reaches only the command, which stops the child itself.
The frozen app has no interpreter to run `-c`: there its own executable is the launcher, under the hidden
first argument `_child-launcher`, which a runtime hook that runs first in both executables
(packaging/runtime_hook_child_launcher.py) hands to `run_frozen_launcher` before Qt is loaded; it runs the
same source with the same argv.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import NamedTuple

# The launcher's exit status when the program could not be started (as a shell's "command not found").
LAUNCH_FAILED_EXIT_CODE = 127
LAUNCH_FAILED_PREFIX = "metavis-launcher: cannot start "
_LITERAL, _HEX = "=", "%"
_PR_SET_PDEATHSIG = 1
FROZEN_LAUNCHER_COMMAND = "_child-launcher"
WATCHDOG_POLL_SECONDS = 0.1

_DECODED_ARGV = f"""
import os, signal, sys, time
argv = [bytes.fromhex(a[1:]) if a[0] == {_HEX!r} else os.fsencode(a[1:]) for a in sys.argv[2:]]
if os.getppid() != int(sys.argv[1]):
    os._exit(137)

def become_program():
    try:
        os.execv(argv[0], argv)
    except OSError as error:
        sys.stderr.write({LAUNCH_FAILED_PREFIX!r} + os.fsdecode(argv[0]) + ": " + str(error.strerror) + "\\n")
        os._exit({LAUNCH_FAILED_EXIT_CODE})
"""

DEATH_SIGNAL_LAUNCHER_SOURCE = f"""
import ctypes
ctypes.CDLL(None).prctl({_PR_SET_PDEATHSIG}, 9, 0, 0, 0)
{_DECODED_ARGV}
become_program()
"""

WATCHDOG_LAUNCHER_SOURCE = f"""{_DECODED_ARGV}
parent = int(sys.argv[1])
pid = os.fork()
if pid == 0:
    become_program()
for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(number, lambda number, frame: os.kill(pid, number))
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        if os.WIFSIGNALED(status):
            if os.WTERMSIG(status) != signal.SIGKILL:
                signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
            os.kill(os.getpid(), os.WTERMSIG(status))
        os._exit(os.waitstatus_to_exitcode(status))
    if os.getppid() != parent:
        os.killpg(0, signal.SIGKILL)
    time.sleep({WATCHDOG_POLL_SECONDS})
"""


class LauncherKind(Enum):
    NONE = "none"  # Windows: no fork, no death signal; the child runs directly
    DEATH_SIGNAL = "death signal"  # Linux
    WATCHDOG = "watchdog"  # other POSIX systems


_LAUNCHER_SOURCES = {
    LauncherKind.DEATH_SIGNAL: DEATH_SIGNAL_LAUNCHER_SOURCE,
    LauncherKind.WATCHDOG: WATCHDOG_LAUNCHER_SOURCE,
}


class LaunchCommand(NamedTuple):
    program: str
    arguments: list[str]
    through_launcher: bool


def launcher_kind() -> LauncherKind:
    if os.name != "posix":
        return LauncherKind.NONE
    return LauncherKind.DEATH_SIGNAL if sys.platform.startswith("linux") else LauncherKind.WATCHDOG


def launch_command(program: Path | str, arguments: Sequence[str], kind: LauncherKind | None = None) -> LaunchCommand:
    """How to start `program`: through this platform's launcher (or `kind`), else as it is."""
    kind = launcher_kind() if kind is None else kind
    if kind is LauncherKind.NONE:
        return LaunchCommand(str(program), list(arguments), through_launcher=False)
    encoded = [_encode_argument(str(word)) for word in (program, *arguments)]
    if getattr(sys, "frozen", False):
        launcher = [FROZEN_LAUNCHER_COMMAND, kind.name, str(os.getpid()), *encoded]
    else:
        launcher = [*_interpreter_flags(), "-c", _LAUNCHER_SOURCES[kind], str(os.getpid()), *encoded]
    return LaunchCommand(sys.executable, launcher, through_launcher=True)


def run_frozen_launcher(argv: Sequence[str]) -> None:
    """Be the launcher when the frozen app was started as one (`exe _child-launcher KIND PID PROGRAM...`).

    Returns at once for any other command line; as the launcher it never returns (it becomes the program,
    or exits with the program's status).
    """
    if len(argv) < 2 or argv[1] != FROZEN_LAUNCHER_COMMAND:
        return
    kind = LauncherKind.__members__.get(argv[2]) if len(argv) >= 5 else None  # KIND, PID and PROGRAM at least
    source = _LAUNCHER_SOURCES.get(kind) if kind is not None else None
    if source is None:
        sys.stderr.write(f"{LAUNCH_FAILED_PREFIX}nothing: {FROZEN_LAUNCHER_COMMAND} KIND PID PROGRAM ARGUMENTS...\n")
        os._exit(LAUNCH_FAILED_EXIT_CODE)
    sys.argv = ["-c", *argv[3:]]  # what `python -c SOURCE PID PROGRAM...` gives the source
    exec(compile(source, "<metavis-launcher>", "exec"), {"__name__": "__main__"})  # noqa: S102  (our own source)
    os._exit(LAUNCH_FAILED_EXIT_CODE)  # not reached: the source ends in execv or os._exit


def _interpreter_flags() -> list[str]:
    # -I: no user site, no PYTHON* variables, no current folder on the path; -S: no site import (faster).
    return ["-I", "-S"]


def _encode_argument(word: str) -> str:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: the undecodable bytes of a file name (os.fsdecode)
        return _HEX + os.fsencode(word).hex()
    return _LITERAL + word


def launch_failure(exit_code: int, stderr: str) -> str | None:
    """The launcher's reason when it could not start the program, or None."""
    if exit_code != LAUNCH_FAILED_EXIT_CODE:
        return None
    for line in stderr.splitlines():
        if line.startswith(LAUNCH_FAILED_PREFIX):
            return line.removeprefix(LAUNCH_FAILED_PREFIX)
    return None


def kill_process_group(pid: int) -> None:
    """SIGKILL for the child's whole group (it leads its own session), so a grandchild goes with it."""
    if pid <= 0 or not hasattr(os, "killpg"):
        return
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
