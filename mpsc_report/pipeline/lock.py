"""One build at a time per output folder: an exclusive, non-blocking ``flock`` on ``<outputs>/.lock``."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ..errors import BuildError, EnvironmentProblem

#: Name of the lock file inside the output folder.
LOCK_NAME = ".lock"


def check_writable(output_dir: Path) -> None:
    """Fail before any notebook runs when the output folder cannot be created or written to.

    Raises
    ------
    EnvironmentProblem
        Naming the folder and the operating system's reason.
    """
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=output_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise EnvironmentProblem(
            f"the output folder {output_dir} is not writable ({exc.strerror or exc}); fix its permissions or "
            "pass another --output-dir."
        ) from None


@contextmanager
def output_lock(output_dir: Path) -> Iterator[Path]:
    """Hold the output folder's lock for the duration of a build.

    The lock belongs to the open file, so it is released when the process ends in any way; the file itself
    stays and holds the PID and start time of the last holder.

    Raises
    ------
    BuildError
        When another build holds the lock: "… is locked by PID … (started …)".
    """
    path = output_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            pid, started = (holder + ["?", "?"])[:2]
            raise BuildError(
                f"{output_dir} is locked by PID {pid} (started {started}): another build is writing there. "
                "Wait for it to finish, or build into another --output-dir."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {datetime.now().astimezone().isoformat(timespec='seconds')}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # also releases the lock
