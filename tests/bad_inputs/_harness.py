"""The bad-input harness: run one call in a forked child with a time limit and classify it.

A case is a :class:`BadInput`: a public entry point, a label saying what is wrong, a
zero-argument callable that makes the call, and the parameter name(s) a clear refusal must
name. :func:`run_case` forks (the child inherits the imported package, so a case costs
milliseconds), runs the call there and reports one of four outcomes:

``clear``
    ``TypeError`` or ``ValueError`` (subclasses included) whose message names one of the
    parameters in backticks (```n_auctions```); for a CLI case, exit status 2 with the flag
    or parameter named on stderr.
``obscure``
    Any other exception, or a refusal that names none of the parameters.
``silent``
    The call returned (or the CLI exited with a status other than 2) without refusing.
``hang``
    Still running after ``timeout`` seconds; the child is killed.

The child, not the test process, pays for a hang or an out-of-memory, so one bad case cannot
take the suite down.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

OUTCOMES = ("clear", "obscure", "silent", "hang")

#: Seconds a case may run before it counts as a hang. A refusal happens before any work, so
#: a clear case takes milliseconds; 20 s leaves room for a loaded 2-core CI machine.
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True)
class BadInput:
    """One bad input to a public entry point.

    Parameters
    ----------
    entry : str
        The entry point, as a user would name it (``"simulate"``, ``"cli validate"``).
    label : str
        What is wrong with the input, short (``"n_auctions=10**30"``).
    call : callable
        Makes the call; takes no arguments. For a CLI case it returns the exit status (or
        raises ``SystemExit``).
    names : tuple of str
        Parameter names (or CLI flags) a clear refusal may name; one is enough.
    kind : str
        The family of bad input: ``"type"``, ``"nan"``, ``"empty"``, ``"mismatch"``,
        ``"negative"``, ``"zero"``, ``"huge"``, ``"support"`` or ``"other"``.
    cli : bool
        Whether ``call`` runs a CLI command.
    """

    entry: str
    label: str
    call: Callable[[], object] = field(repr=False)
    names: tuple[str, ...]
    kind: str = "other"
    cli: bool = False

    @property
    def id(self) -> str:
        return f"{self.entry}: {self.label}"


@dataclass(frozen=True)
class Result:
    case: BadInput
    outcome: str
    detail: str
    seconds: float


def _names_in(message: str, case: BadInput) -> bool:
    for name in case.names:
        if f"`{name}`" in message:
            return True
        if case.cli and (name in message):
            return True
    return False


def _classify_in_child(case: BadInput) -> tuple[str, str]:
    stderr = io.StringIO()
    stdout = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stdout):
            value = case.call()
    except SystemExit as exc:
        value = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if not case.cli:
            return "obscure", f"SystemExit({exc.code!r}) from a library call"
    except (TypeError, ValueError) as exc:
        message = f"{type(exc).__name__}: {exc}"
        if _names_in(str(exc), case):
            return "clear", message
        return "obscure", message
    except BaseException as exc:  # noqa: BLE001 - every other failure is what we classify
        return "obscure", f"{type(exc).__name__}: {exc}"
    if case.cli:
        text = stderr.getvalue().strip()
        if value == 2 and _names_in(text, case):
            return "clear", f"exit 2: {text.splitlines()[-1] if text else ''}"
        if value == 2:
            return "obscure", f"exit 2 without naming {case.names}: {text[-300:]}"
        return "silent", f"exit {value}: {text[-300:]}"
    return "silent", f"returned {type(value).__name__}: {repr(value)[:200]}"


def run_case(case: BadInput, *, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Run ``case`` in a forked child and classify it (see the module docstring)."""
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        try:
            outcome, detail = _classify_in_child(case)
        except BaseException as exc:  # noqa: BLE001
            outcome, detail = "obscure", f"harness: {type(exc).__name__}: {exc}"
        with os.fdopen(write_fd, "w") as pipe:
            json.dump({"outcome": outcome, "detail": detail[:2000]}, pipe)
        os._exit(0)
    os.close(write_fd)
    deadline = start + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_fd)
            return Result(case, "hang", f"still running after {timeout:g} s", timeout)
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    with os.fdopen(read_fd) as pipe:
        text = pipe.read()
    if not text:
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
        return Result(case, "obscure", f"child died without a report (status {code})", seconds)
    report = json.loads(text)
    return Result(case, report["outcome"], report["detail"], seconds)
