"""Whether a figure reads at the book's width: its text as displayed, its axis labels, overlaps.

The book's content column is about :data:`COLUMN_PX` wide in a 1280 px browser window. A
chapter's figure is stored as a PNG at the figure's dpi (100), cropped to its tight bounding box,
and scaled down to the column when it is wider, so a font of F pt in a figure W inches wide shows
at about F * 688 / (72 W) px. The book asks for text of at least about 9 pt as displayed
(12 px; :data:`MIN_TEXT_PX` allows for rounding), every axis that shows numbers labelled with
its unit, and no axis label drawn over another axes (a colour bar included).

- :func:`smallest_text_px`  the smallest text of a figure as displayed, in px
- :func:`unlabelled_axes`   the axes that show numbers without a label
- :func:`overlapping_labels`  the axis labels and titles that run into another axes
"""

from __future__ import annotations

import re

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["COLUMN_PX", "MIN_TEXT_PX", "stored_width_px", "text_sizes_px", "smallest_text_px", "unlabelled_axes",
           "overlapping_labels"]

COLUMN_PX = 688      # the book's content column at a 1280 px browser window
MIN_TEXT_PX = 11.5   # about 9 pt as displayed (12 px), less rounding
PAD_INCHES = 0.1     # the padding ``savefig(bbox_inches="tight")`` adds on each side


def _drawn(fig: Figure):
    """A renderer after drawing ``fig`` (text positions and tick labels are set while drawing);
    a bare ``Figure`` gets the Agg canvas that ``savefig`` would give it."""
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def stored_width_px(fig: Figure) -> float:
    """The PNG's width in px: the wider of the figure and its tight bounding box (with the
    padding a notebook's ``bbox_inches="tight"`` adds), so either way of saving is covered."""
    tight = fig.get_tightbbox(_drawn(fig)).width + 2 * PAD_INCHES                 # inches
    return max(fig.get_figwidth(), tight) * fig.dpi


def _shown(text: Text) -> bool:
    """Whether ``text`` is drawn: visible, not empty, and its axes (if any) visible."""
    return text.get_visible() and bool(text.get_text().strip()) and (text.axes is None or text.axes.get_visible())


def text_sizes_px(fig: Figure) -> list[tuple[float, str]]:
    """Every drawn text of ``fig`` as ``(size in px at the book's column, text)``, smallest first."""
    scale = fig.dpi / 72 * min(1.0, COLUMN_PX / stored_width_px(fig))              # px per pt, displayed
    texts = {t for t in fig.findobj(Text) if _shown(t)}
    return sorted((t.get_fontsize() * scale, t.get_text()) for t in texts)


def smallest_text_px(fig: Figure) -> float:
    """The size of ``fig``'s smallest text as the book displays it, in px."""
    return text_sizes_px(fig)[0][0]


def _axes_name(fig: Figure, ax) -> str:
    return f"axes {fig.axes.index(ax)} ({ax.get_title() or ax.get_label() or type(ax).__name__})"


def _numbers(texts: list[Text]) -> bool:
    """Whether ``texts`` (tick labels) are numbers: some are drawn, and none holds a letter once
    mathtext markup (``$\\mathdefault{10^{-1}}$``) is removed; names such as "base" are not."""
    plain = [re.sub(r"\\mathdefault|[${}^]", "", t.get_text()) for t in texts if _shown(t)]
    return bool(plain) and not any(re.search(r"[^\W\d_]", p) for p in plain)


def unlabelled_axes(fig: Figure) -> list[str]:
    """The axes of ``fig`` (2-D, 3-D, colour bars) with an axis that shows numbers (tick labels,
    not names) but has no label, nor a figure-wide ``supxlabel`` / ``supylabel``."""
    _drawn(fig)
    shared = {"x": fig.get_supxlabel().strip(), "y": fig.get_supylabel().strip()}
    missing = []
    for ax in (a for a in fig.axes if a.get_visible()):
        for name in ("x", "y", "z") if hasattr(ax, "zaxis") else ("x", "y"):
            axis = getattr(ax, f"{name}axis")
            if _numbers(axis.get_ticklabels()) and not (_shown(axis.label) or shared.get(name)):
                missing.append(f"{_axes_name(fig, ax)}: no {name} label")
    return missing


def overlapping_labels(fig: Figure) -> list[str]:
    """Axis labels and titles of one axes that run into another axes of ``fig``: into the box of
    a 2-D axes or colour bar with its tick labels and labels, or into a 3-D axes' labels (a 3-D
    axes' box is its whole cell, so it does not count)."""
    renderer = _drawn(fig)
    axes = [a for a in fig.axes if a.get_visible()]

    def labels(ax):
        names = ("x", "y", "z") if hasattr(ax, "zaxis") else ("x", "y")
        texts = [getattr(ax, f"{n}axis").label for n in names] + [ax.title]
        return [(repr(t.get_text()), t.get_window_extent(renderer)) for t in texts if _shown(t)]

    found = []
    for a in axes:
        for b in (b for b in axes if b is not a):
            boxes = labels(b) if hasattr(b, "zaxis") else [("box", b.get_tightbbox(renderer))]
            found += [f"{_axes_name(fig, a)} label {text} runs into {_axes_name(fig, b)} {what}"
                      for text, box in labels(a) for what, other in boxes if box.overlaps(other)]
    return found
