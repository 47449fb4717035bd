# Copyright (c) mmirn contributors. All rights reserved.
"""Class textures (the cues) of the toy benchmarks."""
import numpy as np

# Ink colour of each texture, drawn on a dark backing. Texture and colour
# together make the cue learnable by a small network trained from scratch on CPU.
CUE_COLOURS = dict(
    stripes=(1.0, 0.2, 0.15),
    checks=(0.2, 0.95, 0.2),
    dots=(0.25, 0.55, 1.0),
    rings=(1.0, 0.9, 0.1),
    zigzag=(0.95, 0.25, 1.0))
CUE_BACKING = (0.06, 0.06, 0.06)


def _band(s):
    """Anti-aliased square wave: 1 on half of each unit period of ``s``."""
    return np.abs((s % 1.0) - 0.5) * 2  # triangle wave in [0, 1]


def cue_texture(cls_name, rng, ys, xs, period):
    """Render a class texture in [0, 1] at pixel coords relative to origin.

    Args:
        cls_name (str): A texture name, a key of :data:`CUE_COLOURS`.
        rng (np.random.Generator): Random generator (orientation).
        ys, xs (np.ndarray): Pixel coordinates relative to the texture
            origin.
        period (float): Texture period in pixels.

    Returns:
        np.ndarray: Ink coverage per pixel, 1 = ink.
    """
    # Checks stay near axis-aligned so that they read as squares, not as
    # a diamond lattice that looks like dots.
    a = rng.uniform(-0.25, 0.25) if cls_name == 'checks' else rng.uniform(
        0, np.pi)
    u = xs * np.cos(a) + ys * np.sin(a)
    v = -xs * np.sin(a) + ys * np.cos(a)
    if cls_name != 'rings':  # rings stay centred on the origin
        u = u + rng.uniform(0, period)
        v = v + rng.uniform(0, period)

    def stripe(s):  # signed distance (px) to the edge of a half-period band
        return (0.5 - _band(s / period)) * period / 2

    if cls_name == 'stripes':
        d = stripe(u)
    elif cls_name == 'checks':
        su, sv = stripe(u), stripe(v)
        d = np.sign(su * sv) * np.minimum(np.abs(su), np.abs(sv))
    elif cls_name == 'dots':
        du = (u / period + 0.5) % 1.0 - 0.5
        dv = (v / period + 0.5) % 1.0 - 0.5
        d = 0.3 * period - np.hypot(du, dv) * period
    elif cls_name == 'rings':
        d = stripe(np.hypot(u, v))
    elif cls_name == 'zigzag':
        wave = 1.5 * period
        d = stripe(u + 0.7 * period * (2 * _band(v / wave) - 1)) * 0.7
    else:
        raise ValueError(f'unknown class {cls_name}')
    return np.clip(d + 0.5, 0, 1)
