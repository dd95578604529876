"""Time ``privauction audit --data usfs`` at its default sizes (issue 13).

Usage::

    python validation/audit_cli_usfs.py [extra CLI arguments]

Runs the command as a user would (a subprocess), and writes its outputs (audit.csv,
audit_market.csv, report.html) to validation/results/audit_cli_usfs/ and the wall time, the
machine's load average before and after, the printed table and the report's size to
validation/results/audit_cli_usfs.txt. Goal: under 3 minutes on 2 cores.
"""

from __future__ import annotations

import os
import pathlib
import platform
import subprocess
import sys
import time

RESULTS = pathlib.Path(__file__).parent / "results"


def main(argv=None) -> int:
    extra = sys.argv[1:] if argv is None else list(argv)
    out = RESULTS / "audit_cli_usfs"
    command = [sys.executable, "-m", "privauction.cli", "audit", "--data", "usfs", "--out",
               str(out), "--no-progress", *extra]
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    load_after = os.getloadavg()
    report = out / "report.html"
    lines = [
        "# audit_cli_usfs: python validation/audit_cli_usfs.py " + " ".join(extra),
        f"command: privauction audit --data usfs --out {out.name} --no-progress "
        + " ".join(extra),
        f"exit status {proc.returncode}; wall time {wall:.1f} s (goal < 180 s on 2 cores)",
        f"machine: {os.cpu_count()} CPUs, {platform.python_version()}; load average (1, 5, 15 "
        f"min) before {tuple(round(x, 2) for x in load_before)}, after "
        f"{tuple(round(x, 2) for x in load_after)}",
        f"report.html: {report.stat().st_size / 1e6:.2f} MB" if report.exists() else
        "report.html: missing",
        "", "## stdout", proc.stdout, "## stderr", proc.stderr,
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit_cli_usfs.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:5]))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
