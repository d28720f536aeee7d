"""Atomic writes: a final path holds either the previous file or the complete new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync'd, then renamed.

    Parameters
    ----------
    path : Path
        Final path; its folder is created if needed.
    data : bytes or str
        Content; text is encoded as UTF-8.

    Returns
    -------
    Path
        ``path``.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_all_atomic(files: dict[Path, bytes | str]) -> list[Path]:
    """Write several files so that either all of them are replaced or none is.

    Every file is first written to a temporary file beside its final path and fsync'd; only when all of them
    are on disk are they renamed into place. A failure while writing (a full disk, a read-only folder) removes
    the temporary files and leaves every final path as it was.

    Parameters
    ----------
    files : dict of Path to bytes or str
        Final path -> content; text is encoded as UTF-8. Folders are created if needed.

    Returns
    -------
    list of Path
        The final paths, in the order given.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp_name, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp_name, 0o666 & ~_umask())
    except BaseException:
        for tmp_name, _ in staged:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    for tmp_name, path in staged:  # renames need no space: once everything is staged, this does not fail
        os.replace(tmp_name, path)
    return list(files)
