"""Progress bars for long work: shown on a terminal, silent otherwise.

Every long loop of the library (the simulator's chunks, the subsampling of
:func:`privauction.estimate_privacy_loss`, the audit's bootstrap, frontier cells, sweeps) takes
``progress=None | True | False``: ``None`` (the default) shows a bar when standard error is a
terminal and the work is at least the caller's threshold; ``True`` always; ``False`` never. A
bar appears only after half a second, so quick calls print nothing even on a terminal.

Examples
--------
>>> bar = progress_bar(10, progress=False, desc="demo")
>>> for _ in range(10):
...     bar.update(1)
>>> bar.close()
"""

from __future__ import annotations

import sys

__all__ = ["progress_bar", "show_progress"]


def show_progress(progress, size: float = 1.0, threshold: float = 0.0) -> bool:
    """Whether to show a bar: ``progress`` if it is a bool, else (``None``) whether standard
    error is a terminal and ``size >= threshold``."""
    if progress is None:
        isatty = getattr(sys.stderr, "isatty", None)
        return bool(isatty and isatty()) and size >= threshold
    if progress not in (True, False):   # 0 and 1 pass, as bool(0) and bool(1)
        raise TypeError(f"`progress` must be None, True or False; got {progress!r}")
    return bool(progress)


def progress_bar(total: float, *, progress=None, size: float | None = None,
                 threshold: float = 0.0, desc: str = "", unit: str = "it"):
    """A ``tqdm`` bar of ``total`` steps on standard error, disabled unless
    :func:`show_progress` says so for the work's ``size`` (default ``total``)."""
    from tqdm.auto import tqdm

    shown = show_progress(progress, total if size is None else size, threshold)
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, delay=0.5,
                disable=not shown, dynamic_ncols=True)
