"""Screenshots of the reports' figures with headless Chromium, saved small (< 300 KB PNG each).

Usage (after the reports exist; see validation/results/screenshots/README.txt for the
commands that made them)::

    python validation/take_screenshots.py NAME=path/to/report.html[#anchor] ...

Each page is rendered at 1400 x 2000 CSS pixels by ``chromium --headless --screenshot`` into
``validation/results/screenshots/NAME.png``; a full-colour PNG of 300 KB or more is re-encoded
with an adaptive palette (256 colours or fewer; the pages are flat colours and text) until it
is under 300 KB. With an ``#anchor`` the page is cut to start at that element (its head and
style kept), because headless Chromium does not reliably paint a page scrolled to an anchor.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

OUT = Path(__file__).resolve().parent / "results" / "screenshots"
LIMIT = 300_000


def shoot(name: str, target: str, size=(1400, 2000)) -> Path:
    path, _, anchor = target.partition("#")
    url = Path(path).resolve().as_uri()
    if anchor:   # headless Chromium does not paint a page scrolled to an anchor reliably:
        page = Path(path).read_text(encoding="utf-8")   # shoot the page from that element on
        head, _, body = page.partition("<body>")
        start = body.find(f'id="{anchor}"')
        if start < 0:
            raise SystemExit(f"{path}: no element with id {anchor!r}")
        start = body.rfind("<", 0, start)
        part = Path(tempfile.mkdtemp()) / "part.html"
        part.write_text(f"{head}<body>{body[start:]}", encoding="utf-8")
        url = part.as_uri()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found: apt-get install -y chromium")
    OUT.mkdir(parents=True, exist_ok=True)
    raw = Path(tempfile.mkdtemp()) / "raw.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                        "--hide-scrollbars", "--virtual-time-budget=15000",
                        f"--screenshot={raw}",
                        f"--window-size={size[0]},{size[1]}", url],
                       check=True, capture_output=True, timeout=120)
    image = Image.open(raw).convert("RGB")
    out = OUT / f"{name}.png"
    image.save(out, optimize=True)              # full colour when it is small enough
    colours = 256
    while os.path.getsize(out) >= LIMIT:
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
        if os.path.getsize(out) < LIMIT or colours <= 16:
            break
        colours //= 2
    print(f"{out}: {os.path.getsize(out) / 1000:.0f} KB")
    return out


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        name, _, target = arg.partition("=")
        shoot(name, target)
