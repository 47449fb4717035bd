"""The layout of IRN's Figure 9: tiles in rows under column titles, a colour wheel."""
from typing import Optional, Sequence

import cv2
import numpy as np

from mmirn.pseudo.instance import displacement_to_rgb
from .cam_panel import _captioned

IRN_COLUMNS = ('image', 'CAM', 'displacement', 'boundary', 'instances',
               'classes')
# the RCA panel (:meth:`WSSSVisualizer.rca_tiles`)
RCA_COLUMNS = ('image', 'CAM', 'RCA CAM', 'centroid attention', 'labels')


def colour_wheel(size: int = 64) -> np.ndarray:
    """The legend of :func:`displacement_to_rgb`: a disc, white outside.

    The pixel at offset (dy, dx) from the centre has the colour of a
    displacement (dy, dx), so a vector pointing right is coloured as the
    right edge of the wheel.

    Args:
        size (int): Side of the square image. Defaults to 64.

    Returns:
        np.ndarray: (size, size, 3) uint8 RGB.
    """
    radius = (size - 1) / 2
    dy, dx = np.mgrid[:size, :size].astype(np.float32) - radius
    wheel = displacement_to_rgb(np.stack([dy, dx]), max_norm=radius)
    wheel[np.hypot(dy, dx) > radius] = 255
    return wheel


def _frame(tile: np.ndarray) -> np.ndarray:
    """A copy with a 1-pixel grey border (white tiles stay visible)."""
    tile = tile.copy()
    tile[[0, -1]] = tile[:, [0, -1]] = 190
    return tile


def _fit(tile: np.ndarray, size: int) -> np.ndarray:
    """Scale a tile into a ``size`` square, keeping its aspect; pad white."""
    h, w = tile.shape[:2]
    scale = size / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    tile = cv2.resize(tile, (new_w, new_h), interpolation=cv2.INTER_AREA)
    out = np.full((size, size, 3), 255, dtype=np.uint8)
    top, left = (size - new_h) // 2, (size - new_w) // 2
    out[top:top + new_h, left:left + new_w] = _frame(tile)
    return out


def draw_irn_grid(rows: Sequence[Sequence[np.ndarray]],
                  tile_size: Optional[int] = None,
                  gap: int = 2,
                  columns: Sequence[str] = IRN_COLUMNS) -> np.ndarray:
    """Rows of :meth:`WSSSVisualizer.irn_tiles` under one line of column titles.

    The title of a displacement column carries a small colour-wheel legend.

    Args:
        rows (Sequence[Sequence[np.ndarray]]): Per image, one tile a column.
        tile_size (int, optional): Fit every tile into a square of this side
            (rows of differently sized images). Defaults to None (tiles kept
            as they are; they must all have one size).
        gap (int): White pixels between tiles. Defaults to 2.
        columns (Sequence[str]): The column titles. Defaults to
            ``IRN_COLUMNS`` (IRN's Figure 9).

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB figure.
    """
    assert len(rows) > 0, 'no rows to draw'
    assert all(len(r) == len(columns) for r in rows), \
        f'each row needs {len(columns)} tiles: {tuple(columns)}'
    if tile_size is not None:
        rows = [[_fit(t, tile_size) for t in r] for r in rows]
    else:
        rows = [[_frame(t) for t in r] for r in rows]
    h, w = rows[0][0].shape[:2]
    assert all(t.shape[:2] == (h, w) for r in rows for t in r), \
        'tiles differ in size; pass tile_size'

    def join(tiles, axis):
        shape = list(tiles[0].shape)
        shape[axis] = gap
        spacer = np.full(shape, 255, dtype=np.uint8)
        out = [tiles[0]]
        for t in tiles[1:]:
            out += [spacer, t]
        return np.concatenate(out, axis=axis)

    titles = [_captioned(np.zeros((0, w, 3), np.uint8), name)
              for name in columns]
    wheel_h = titles[0].shape[0] - 2
    for title, name in zip(titles, columns):
        if name == 'displacement':
            title[1:1 + wheel_h, w - wheel_h - 1:w - 1] = colour_wheel(wheel_h)
    return join([join(titles, 1)] + [join(list(r), 1) for r in rows], 0)
