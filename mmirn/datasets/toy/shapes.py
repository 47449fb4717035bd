# Copyright (c) mmirn contributors. All rights reserved.
"""Object outlines and masks of the toy benchmarks."""
import numpy as np


def random_shape(rng, diameter):
    """Draw a random star-shaped body and render it in a local patch.

    The body is an ellipse, a rounded polygon or a wobbly blob.

    Args:
        rng (np.random.Generator): Random generator.
        diameter (float): Longest extent of the shape in pixels.

    Returns:
        np.ndarray: Float patch of odd size, centred on the shape centre,
        holding an approximate signed distance to the outline in pixels
        (positive inside).
    """
    n = 720
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    kind = rng.choice(['ellipse', 'polygon', 'blob'])
    if kind == 'ellipse':
        g = np.ones(n)
    elif kind == 'polygon':
        sides = rng.integers(3, 7)
        sector = 2 * np.pi / sides
        poly = np.cos(np.pi / sides) / np.cos(
            (theta + rng.uniform(0, sector)) % sector - np.pi / sides)
        lam = rng.uniform(0.3, 0.6)  # rounds the corners
        g = (1 - lam) * poly + lam * np.cos(np.pi / sides)
    else:
        g = np.ones(n)
        for k in (2, 3, 4, 5):
            g += rng.uniform(0, 0.3 / k) * np.cos(k * theta +
                                                  rng.uniform(0, 2 * np.pi))
    ratio = rng.uniform(0.6, 1.0)
    # Scale so that the longest extent (along the u axis) is `diameter`.
    radius = diameter / 2 / g.max()
    half = int(np.ceil(diameter / 2)) + 2
    ys, xs = np.mgrid[-half:half + 1, -half:half + 1].astype(np.float32)
    rot = rng.uniform(0, np.pi)
    u = xs * np.cos(rot) + ys * np.sin(rot)
    v = (-xs * np.sin(rot) + ys * np.cos(rot)) / ratio
    rho = np.hypot(u, v)
    ang = np.arctan2(v, u) % (2 * np.pi)
    r = radius * g[(ang / (2 * np.pi) * n).astype(int) % n]
    return ((r - rho) * np.hypot(np.cos(ang), ratio * np.sin(ang))).astype(
        np.float32)


def paste(patch, cy, cx, h, w, fill=-1e3):
    """Place a centred patch at (cy, cx) of an (h, w) canvas."""
    half = patch.shape[0] // 2
    out = np.full((h, w), fill, np.float32)
    y0, x0 = cy - half, cx - half
    sy0, sx0 = max(0, -y0), max(0, -x0)
    dy0, dx0 = max(0, y0), max(0, x0)
    dy1 = min(h, y0 + patch.shape[0])
    dx1 = min(w, x0 + patch.shape[1])
    if dy1 > dy0 and dx1 > dx0:
        out[dy0:dy1, dx0:dx1] = patch[sy0:sy0 + dy1 - dy0,
                                      sx0:sx0 + dx1 - dx0]
    return out


def cue_region(rng, mask, fraction):
    """Choose the part of an object that carries its class texture.

    A score is given to every object pixel (closeness to an anchor, a
    half-plane projection or an angle around the centroid) and the top
    ``fraction`` of the pixels is kept, so the region is a disc, a
    half-plane or a sector clipped to the object with an exact area share.
    """
    ys, xs = np.nonzero(mask)
    kind = rng.integers(3)
    if kind == 0:  # disc around a random object pixel
        k = rng.integers(len(ys))
        score = -np.hypot(ys - ys[k], xs - xs[k])
    elif kind == 1:  # half-plane
        a = rng.uniform(0, 2 * np.pi)
        score = ys * np.sin(a) + xs * np.cos(a)
    else:  # sector around the centroid
        a = rng.uniform(-np.pi, np.pi)
        ang = np.arctan2(ys - ys.mean(), xs - xs.mean())
        score = -np.abs((ang - a + np.pi) % (2 * np.pi) - np.pi)
    keep = np.argsort(-score, kind='stable')[:int(round(fraction * len(ys)))]
    region = np.zeros_like(mask)
    region[ys[keep], xs[keep]] = True
    return region


def dilate(mask):
    """Grow a boolean mask by one pixel (4-neighbourhood)."""
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def outline_band(inst, width):
    """Pixels within ``width`` px of a boundary between different ids."""
    edge = np.zeros(inst.shape, bool)
    edge[1:] |= inst[1:] != inst[:-1]
    edge[:, 1:] |= inst[:, 1:] != inst[:, :-1]
    for _ in range(width - 1):
        edge = dilate(edge)
    return edge
