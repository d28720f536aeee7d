"""The preview's kept-warm kernel: started once with the package imported, reset to a clean state before every run.

Why a reset and not a new kernel per run: a new kernel costs about 2 s (start and imports) of the 6 s a code edit
may take. Why a reset and not nothing: a cell deleted from the notebook must not leave its variables behind, and a
run must not depend on the one before it. Before every run the kernel gets an empty user namespace with execution
counts from 1 (IPython's ``reset(new_session=True)``, as a fresh kernel has), no open figures, and the matplotlib
settings, working folder, environment variables and ``sys.path`` it had after the warm-up. Modules stay imported:
that is what makes the kernel warm, and why a change to the package's source restarts the kernel instead
(:meth:`WarmKernel.restart`), so the next run imports the edited modules.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import IO, Any

from ...errors import EnvironmentProblem
from .. import kernels
from ..build import KERNEL_NAME

#: Seconds the kernel may take to start, import the package, or reset.
_START_TIMEOUT = 120

#: Run once after the warm-up: remember what a run may change, outside the user namespace.
_SNAPSHOT = """\
import os, sys, types, matplotlib
_mpsc_state = types.ModuleType("_mpsc_preview_state")
_mpsc_state.cwd, _mpsc_state.environ, _mpsc_state.path = os.getcwd(), dict(os.environ), list(sys.path)
_mpsc_state.rc = matplotlib.rcParams.copy()
sys.modules["_mpsc_preview_state"] = _mpsc_state
del os, sys, types, matplotlib, _mpsc_state
"""

#: Run before every run: back to the remembered state with an empty namespace and execution counts from 1.
_RESET = """\
import os, sys, matplotlib, matplotlib.pyplot
_mpsc_state = sys.modules["_mpsc_preview_state"]
matplotlib.pyplot.close("all")
matplotlib.rcParams.update(_mpsc_state.rc)
os.chdir(_mpsc_state.cwd)
os.environ.clear()
os.environ.update(_mpsc_state.environ)
sys.path[:] = _mpsc_state.path
get_ipython().reset(new_session=True)
"""


class WarmKernel:
    """One ``mpsc-report`` kernel kept alive between runs, with the package imported.

    Parameters
    ----------
    cwd : Path
        Working folder of the kernel (the notebook's folder, as in a build).
    log : Path
        File that receives the kernel's own output (warnings, a crash's last words).
    """

    def __init__(self, cwd: Path, log: Path) -> None:
        self.cwd = cwd
        self.log = log
        self._manager: Any = None
        self._control: Any = None
        self._log_file: IO[bytes] | None = None
        self.starts = 0

    @property
    def manager(self):
        """The kernel manager to hand to papermill (``km=``); starts the kernel when none is running."""
        if self._manager is None or not self.alive():
            self.restart()
        return self._manager

    def start(self) -> None:
        """Start the kernel and import the package in it (blocks until done)."""
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.kernelspec import NoSuchKernel
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        class _Manager(AsyncKernelManager):
            """Remembers the clients papermill makes, so their channels can be closed after each run."""

            def client(self, **kwargs):
                made = super().client(**kwargs)
                self.__dict__.setdefault("clients", []).append(made)
                return made

        self._log_file = self.log.open("ab")
        manager = _Manager(kernel_name=KERNEL_NAME)
        try:
            run_sync(manager.start_kernel)(cwd=str(self.cwd), stdout=subprocess.DEVNULL, stderr=self._log_file)
        except NoSuchKernel:
            raise EnvironmentProblem(
                f"Jupyter kernel {KERNEL_NAME!r} is not installed. Run `./make.sh setup` and start the preview again."
            ) from None
        self._manager = manager
        control = BlockingKernelClient()
        control.load_connection_info(manager.get_connection_info())
        control.start_channels(iopub=False, stdin=False, hb=False, control=False)  # requests and replies only
        self._control = control
        self.starts += 1
        self._run(kernels.WARM_UP + "\n" + _SNAPSHOT, "importing the package")

    def reset(self) -> None:
        """Give the next run a clean kernel (see the module docstring); starts one when none is alive."""
        if self._manager is None or not self.alive():
            self.restart()
            return
        try:
            self._run(_RESET, "resetting the kernel")
        except EnvironmentProblem:
            self.restart()

    def restart(self) -> None:
        """Stop the kernel (if any) and start a fresh one, so edited package modules are imported anew."""
        self.close()
        self.start()

    def alive(self) -> bool:
        """Whether the kernel process is running."""
        from jupyter_core.utils import run_sync

        try:
            return self._manager is not None and bool(run_sync(self._manager.is_alive)())
        except Exception:
            return False

    def end_run(self) -> None:
        """Close the channels of the clients papermill opened for the run that just ended."""
        manager = self._manager
        if manager is None:
            return
        for client in manager.__dict__.pop("clients", []):
            try:
                client.stop_channels()
            except Exception:
                pass

    def close(self) -> None:
        """Shut the kernel down now (its process ends) and close the log."""
        manager, control, self._manager, self._control = self._manager, self._control, None, None
        if control is not None:
            try:
                control.stop_channels()
            except Exception:
                pass
        if manager is not None:
            kernels.release(manager)  # closes papermill's clients too, shuts the kernel down, removes its files
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _run(self, code: str, what: str) -> None:
        """Run ``code`` silently (no output, no history) and wait for its reply (queued while the kernel boots)."""
        import queue
        import time

        msg_id = self._control.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            try:
                reply = self._control.get_shell_msg(timeout=1.0)
            except queue.Empty:
                if not self.alive():
                    raise EnvironmentProblem(f"the preview kernel died while {what}; see {self.log}.") from None
                if time.monotonic() > deadline:
                    raise EnvironmentProblem(
                        f"the preview kernel did not finish {what} within {_START_TIMEOUT} s; see {self.log}."
                    ) from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise EnvironmentProblem(
                f"the preview kernel failed {what}: {content.get('ename')}: {content.get('evalue')}; see {self.log}."
            )
