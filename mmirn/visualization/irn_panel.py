"""IRN's Figure 9 panels: image, CAM, displacement field, boundary map, labels."""
from typing import List, Optional, Sequence

import cv2
import numpy as np

from mmirn.pseudo.instance import displacement_to_rgb
from mmirn.pseudo.semantic import voc_palette
from .cam_panel import _captioned, colorize_label, label_palette, overlay_cam

IRN_COLUMNS = ('image', 'CAM', 'displacement', 'boundary', 'instances',
               'classes')
_DISP_COLUMN = IRN_COLUMNS.index('displacement')


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


def _upsample_stride4(x: np.ndarray, shape: Sequence[int],
                      interpolation: int) -> np.ndarray:
    """Scale a stride-4 map (h, w[, 3]) by 4 and crop it to ``shape``."""
    h, w = shape[:2]
    x = cv2.resize(x, (x.shape[1] * 4, x.shape[0] * 4),
                   interpolation=interpolation)
    return x[:h, :w]


def irn_tiles(img: np.ndarray,
              cams: np.ndarray,
              displacement: np.ndarray,
              boundary: np.ndarray,
              ins_label: np.ndarray,
              sem_label: np.ndarray,
              max_norm: Optional[float] = None,
              alpha: float = 0.6) -> List[np.ndarray]:
    """The six pictures of one image, in the order of ``IRN_COLUMNS``.

    Args:
        img (np.ndarray): (H, W, 3) uint8 RGB image.
        cams (np.ndarray): (K, H, W) or (H, W) CAMs in [0, 1]; the picture
            shows their maximum over the K present classes.
        displacement (np.ndarray): (2, h, w) stride-4 field, (dy, dx).
        boundary (np.ndarray): (h, w) or (1, h, w) stride-4 boundary
            probabilities.
        ins_label (np.ndarray): (H, W) instance map, 0 background.
        sem_label (np.ndarray): (H, W) class map, 0 background, 255 ignored.
        max_norm (float, optional): Displacement length of full colour, in
            stride-4 pixels. Defaults to None: a quarter of the field's shorter
            side, one scale for images of one size, so that a flat, near-zero
            field shows near white instead of saturated.
        alpha (float): Weight of the instance colours over the image.
            Defaults to 0.6.

    Returns:
        list[np.ndarray]: Six (H, W, 3) uint8 RGB pictures.
    """
    h, w = img.shape[:2]
    cams = np.asarray(cams, dtype=np.float32)
    if cams.ndim == 3:
        cams = cams.max(axis=0) if len(cams) else np.zeros((h, w), np.float32)
    displacement = np.asarray(displacement, dtype=np.float32)
    if max_norm is None:
        max_norm = min(displacement.shape[-2:]) / 4
    disp_rgb = displacement_to_rgb(displacement, max_norm=max_norm)
    disp_rgb = _upsample_stride4(disp_rgb, (h, w), cv2.INTER_NEAREST)
    bound = np.asarray(boundary, dtype=np.float32).reshape(
        np.shape(boundary)[-2:])
    bound = _upsample_stride4(bound, (h, w), cv2.INTER_LINEAR)
    # dark boundaries on white, as in the paper
    bound = np.repeat((255 * (1 - np.clip(bound, 0, 1)))[..., None], 3, 2)
    ins_label = np.asarray(ins_label)
    ins = img.copy()
    fg = (ins_label > 0) & (ins_label < 255)
    colours = colorize_label(ins_label, label_palette())
    ins[fg] = (img[fg] * (1 - alpha) + colours[fg] * alpha).astype(np.uint8)
    return [
        img,
        overlay_cam(img, cams),
        disp_rgb,
        bound.round().astype(np.uint8),
        ins,
        colorize_label(sem_label, voc_palette()),
    ]


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
                  gap: int = 2) -> np.ndarray:
    """Rows of :func:`irn_tiles` under one line of column titles.

    The title of the displacement column carries a small colour-wheel legend.

    Args:
        rows (Sequence[Sequence[np.ndarray]]): Per image, its six tiles.
        tile_size (int, optional): Fit every tile into a square of this side
            (rows of differently sized images). Defaults to None (tiles kept
            as they are; they must all have one size).
        gap (int): White pixels between tiles. Defaults to 2.

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB figure.
    """
    assert len(rows) > 0, 'no rows to draw'
    assert all(len(r) == len(IRN_COLUMNS) for r in rows), \
        f'each row needs {len(IRN_COLUMNS)} tiles: {IRN_COLUMNS}'
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
              for name in IRN_COLUMNS]
    wheel_h = titles[0].shape[0] - 2
    titles[_DISP_COLUMN][1:1 + wheel_h, w - wheel_h - 1:w - 1] = \
        colour_wheel(wheel_h)
    return join([join(titles, 1)] + [join(list(r), 1) for r in rows], 0)


def draw_irn_panel(img: np.ndarray,
                   cams: np.ndarray,
                   displacement: np.ndarray,
                   boundary: np.ndarray,
                   ins_label: np.ndarray,
                   sem_label: np.ndarray,
                   max_norm: Optional[float] = None) -> np.ndarray:
    """One image's row of IRN Figure 9, with column titles.

    Args:
        img (np.ndarray): (H, W, 3) uint8 RGB image.
        cams (np.ndarray): (K, H, W) or (H, W) CAMs in [0, 1].
        displacement (np.ndarray): (2, h, w) stride-4 field, (dy, dx).
        boundary (np.ndarray): (h, w) or (1, h, w) stride-4 boundary map.
        ins_label (np.ndarray): (H, W) instance map, 0 background.
        sem_label (np.ndarray): (H, W) class map (VOC palette colours).
        max_norm (float, optional): Displacement length of full colour.
            Defaults to None (see :func:`irn_tiles`).

    Returns:
        np.ndarray: (caption + H, 6 W + gaps, 3) uint8 RGB panel.
    """
    return draw_irn_grid([
        irn_tiles(img, cams, displacement, boundary, ins_label, sem_label,
                  max_norm)
    ])
