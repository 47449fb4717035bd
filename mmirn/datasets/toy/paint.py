# Copyright (c) mmirn contributors. All rights reserved.
"""Painting the objects of a toy scene: body, shading, rim and class cue."""
import numpy as np
from PIL import Image

from .textures import CUE_BACKING, cue_texture

PERIOD_RANGE = (6.0, 12.0)  # texture period in pixels


def _smooth_noise(rng, h, w, cells=4):
    """Low-frequency noise in [-1, 1] by bicubic upsampling of a grid."""
    grid = rng.uniform(-1, 1, size=(cells, cells)).astype(np.float32)
    img = Image.fromarray(grid, mode='F').resize((w, h), Image.BICUBIC)
    return np.asarray(img)


def _body_colour(rng, bg_mean):
    """Random body colour, shared by all classes, that stands out from bg."""
    best, best_d = None, -1.
    for _ in range(8):
        hsv = np.array([[[rng.uniform(0, 1), rng.uniform(0.3, 0.9),
                          rng.uniform(0.35, 0.95)]]])
        rgb = np.asarray(
            Image.fromarray((hsv * 255).astype(np.uint8), 'HSV').convert(
                'RGB'), np.float32)[0, 0] / 255.
        d = np.linalg.norm(rgb - bg_mean)
        if d > best_d:
            best, best_d = rgb, d
        if d > 0.35:
            break
    return best


def paint_object(rng, img, obj, texture_name, ink, yy, xx, h, w):
    """Alpha-composite one object (body, shading, rim and cue) onto img.

    Args:
        rng (np.random.Generator): Random generator.
        img (np.ndarray): Float HxWx3 image in [0, 1], painted in place.
        obj (dict): The placed object: ``field`` (signed distance to its
            outline), ``mask`` and ``cue`` (the cue region).
        texture_name (str): The class's texture (:func:`cue_texture`).
        ink (tuple[float]): The class's ink colour, RGB in [0, 1].
        yy, xx (np.ndarray): Pixel row and column coordinates of the image.
        h, w (int): Image size.
    """
    field, mask, cue = obj['field'], obj['mask'], obj['cue']
    ys, xs = np.nonzero(mask)
    y0, y1, x0, x1 = ys.min(), ys.max() + 2, xs.min(), xs.max() + 2
    win = (slice(max(0, y0 - 1), min(h, y1)), slice(max(0, x0 - 1),
                                                    min(w, x1)))
    f = field[win]
    alpha = np.clip(f + 0.5, 0, 1)[..., None]
    colour = _body_colour(rng, img[mask].mean(axis=0))
    # Shading: a soft light direction plus low-frequency blotches.
    a = rng.uniform(0, 2 * np.pi)
    cy, cx = ys.mean(), xs.mean()
    extent = max(np.ptp(ys), np.ptp(xs)) + 1
    grad = ((yy[win] - cy) * np.sin(a) + (xx[win] - cx) * np.cos(a)) / extent
    shade = 1 + 0.25 * grad + 0.08 * _smooth_noise(rng, *f.shape)
    rim_w = rng.uniform(1.0, 2.0)
    shade = shade * (1 - 0.3 * np.clip(1 - f / rim_w, 0, 1))
    body = colour * shade[..., None]
    # Class cue: the class's ink colour in its texture on a dark backing, on the cue
    # region only (the body keeps its class-agnostic colour elsewhere).
    ink = np.array(ink, np.float32) * rng.uniform(0.85, 1.0)
    cy_c, cx_c = (v.mean() for v in np.nonzero(cue))
    # At least ~2.5 periods across the cue region, so the pattern reads.
    period = min(rng.uniform(*PERIOD_RANGE),
                 max(PERIOD_RANGE[0], np.sqrt(cue.sum()) / 2.5))
    texture = cue_texture(texture_name, rng, yy[win] - cy_c, xx[win] - cx_c,
                          period)
    cue_win = cue[win].astype(np.float32)[..., None]
    backing = np.array(CUE_BACKING, np.float32) * shade[..., None]
    body = body * (1 - cue_win) + backing * cue_win
    texture = texture * cue[win]
    body = body * (1 - texture[..., None]) + ink * texture[..., None]
    img[win] = img[win] * (1 - alpha) + np.clip(body, 0, 1) * alpha
