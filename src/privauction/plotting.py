"""One figure style for every report and command, and the helpers they share.

Every figure the package draws (the validation report, the scenarios' plot hooks, the
disclosure frontier, the audit) is made inside :func:`style`, a :func:`matplotlib.rc_context`:
nothing changes matplotlib's global ``rcParams`` at import. The style is sized for print: a
figure is at most :data:`WIDTH` inches wide (a journal's text width), text is at least 8 pt at
that width, layouts are constrained (no label cut off) and math is rendered by mathtext.

Helpers: :func:`subplots` (a figure in the style, sizes in inches), :func:`save_figure` (a file
in png, pdf or svg), :func:`figure_to_data_uri` (a PNG for an HTML page),
:func:`figure_html` (a ``<figure>`` with a caption, shown at its print size),
:func:`plain_text` (reStructuredText markup removed from a claim's text) and :func:`slug` (a
file name from a label).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from privauction import plotting
>>> with plotting.style():
...     fig, ax = plotting.subplots(height=2.0)
...     _ = ax.plot([1, 2], [0.5, 0.25])
...     _ = ax.set_xlabel("number of bidders $n$")
>>> plotting.figure_to_data_uri(fig).startswith("data:image/png;base64,")
True
>>> plain_text("the loss of ``SecondPrice()`` is :math:`1 - H`")
'the loss of SecondPrice() is 1 - H'
>>> slug("Prop. 3: SPA against n")
'prop-3-spa-against-n'
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import re
from pathlib import Path

__all__ = ["WIDTH", "DPI", "FORMATS", "RC", "style", "subplots", "save_figure",
           "figure_to_data_uri", "figure_html", "plain_text", "math_to_text", "slug",
           "mechanism_label", "PASS",
           "FAIL"]

#: Width in inches of a full-width figure (a journal's text width); panels share it.
WIDTH = 7.0
#: Default resolution of raster output (PNG files and the PNGs embedded in reports).
DPI = 150
#: File formats ``--figures`` writes.
FORMATS = ("png", "pdf", "svg")
#: Colours of a check that passes and one that does not (the reports' green and red).
PASS, FAIL = "#1a7f37", "#c62828"

#: The style's rcParams: text >= 8 pt at print size, constrained layout, mathtext in the
#: body font, a light grid, no top/right spines.
RC = {
    "font.size": 9.0,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "legend.title_fontsize": 8.0,
    "figure.titlesize": 10.0,
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.dpi": DPI,
    "savefig.bbox": "standard",
    "mathtext.fontset": "dejavusans",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "lines.markersize": 4.5,
    "errorbar.capsize": 2.5,
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
}


@contextlib.contextmanager
def style():
    """Context manager: matplotlib's rcParams set to :data:`RC` inside, restored after.

    Create and draw figures inside it (font sizes and the layout engine are fixed when an
    artist or figure is made); saving may happen outside.
    """
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


def subplots(nrows: int = 1, ncols: int = 1, *, width: float = WIDTH, height: float = 3.2,
             **kwargs):
    """``matplotlib.pyplot.subplots`` at ``width`` x ``height`` inches in the style's layout.

    Call it inside :func:`style` for the style's fonts; the layout is constrained either way.
    """
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def save_figure(fig, path, *, format: str | None = None, dpi: int = DPI, close: bool = True
                ) -> Path:
    """Write ``fig`` to ``path`` in ``format`` (png, pdf or svg; default: the suffix).

    ``dpi`` applies to PNG (and to images inside a PDF or SVG). Returns the path.
    """
    import matplotlib.pyplot as plt

    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "png").lower()
    if fmt not in FORMATS:
        raise ValueError(f"`format` must be one of {', '.join(FORMATS)}; got {fmt!r}")
    fig.savefig(path, format=fmt, dpi=dpi, metadata={"Software": None} if fmt == "png"
                else None)
    if close:
        plt.close(fig)
    return path


def figure_to_data_uri(fig, *, dpi: int = DPI, close: bool = True) -> str:
    """PNG of a matplotlib figure as a ``data:image/png;base64,...`` URI (closes it by default)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    if close:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure_html(fig, caption: str, *, dpi: int = DPI, close: bool = True) -> str:
    """A ``<figure>``: the PNG shown at its print width (not stretched), and its caption.

    The image's CSS width is the figure's width in inches at 96 px an inch (the CSS inch) times
    1.25, so 8 pt text shows at about 13 px on screen; a narrow window scales it down.
    """
    width_in = float(fig.get_size_inches()[0])
    uri = figure_to_data_uri(fig, dpi=dpi, close=close)
    return (f'<figure><img src="{uri}" style="width: {round(width_in * 120)}px" '
            f'alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}</figcaption>'
            "</figure>")


_ROLE = re.compile(r":(?:math|class|func|meth|attr|data|mod|obj|ref|eq):`~?([^`]*)`")


def plain_text(text: str) -> str:
    """``text`` without reStructuredText markup: roles (``:math:`x```) and literals
    (````x````) keep their content, single backticks are dropped."""
    text = _ROLE.sub(r"\1", str(text))
    return text.replace("``", "").replace("`", "")


_MATH = {r"\{": "\x00", r"\}": "\x01", r"\kappa": "κ", r"\gamma": "γ", r"\infty": "∞",
         r"\log": "log", r"\cosh": "cosh", r"\mathrm": "", r"\,": " "}


def math_to_text(text: str) -> str:
    """A label's mathtext as plain text, for HTML captions: ``$\\kappa$`` -> ``κ``."""
    text = str(text)
    for tex, plain in _MATH.items():
        text = text.replace(tex, plain)
    text = text.replace("$", "").replace("{", "").replace("}", "")
    return text.replace("\x00", "{").replace("\x01", "}")


def slug(text: str) -> str:
    """A file-name stem from a label: lower case, words joined by ``-``."""
    text = plain_text(text).lower().replace("κ", "kappa").replace("γ", "gamma")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "figure"


def mechanism_label(mechanism, prior=None) -> str:
    """A mechanism's label for a title, with the reserve actually used.

    ``repr`` except for a mechanism whose reserve is chosen from the prior
    (``ReservePrice()``, Myerson's optimal reserve): its label names the reserve,
    ``ReservePrice(reserve=0.5, Myerson's)``.
    """
    reserve_for = getattr(mechanism, "reserve_for", None)
    if getattr(mechanism, "reserve", 0) is None and reserve_for is not None and prior is not None:
        return f"{type(mechanism).__name__}(reserve={reserve_for(prior):.3g}, Myerson's)"
    return repr(mechanism)
