# Copyright (c) mmirn contributors. All rights reserved.
"""Generate a toy benchmark in the exact PASCAL VOC 2012 layout.

Each image shows 2-5 objects of 1-3 classes on a crop of a real photo that
scikit-image or scikit-learn ships. The object body (shape, colour, shading)
is drawn from one distribution shared by all classes; the class is told only
by a high-contrast texture (the *cue*) that covers 25-45 % of the object. A
classifier's CAM therefore fires on the cue part only, the way CAMs fire on
the most discriminative part of real objects, and propagation has the rest of
the body to recover. Same-class instances often touch each other, which is
what IRN's displacement field has to separate.

Layout written under ``OUT_DIR`` (a ``VOC2012``-like root)::

    JPEGImages/{name}.jpg
    SegmentationClass/{name}.png     palette PNG, 0 bg, class i -> i + 1
    SegmentationObject/{name}.png    palette PNG, instance ids 1..K, 0 bg
    Annotations/{name}.xml           VOC XML, one object per instance
    ImageSets/Segmentation/{train,val,trainval}.txt
    ImageSets/Main/{train,val,trainval}.txt, {class}_{split}.txt
    classes.txt                      one foreground class name per line
    toy_meta.json                    the arguments; written last

The output is deterministic: each image is seeded from (seed, split, index),
so any number of workers gives byte-identical files. Running the command
again with the same arguments on a complete output returns at once.

Example (mmdet's ``VOCDataset`` wants ``VOC2012`` in the path)::

    python tools/dataset_converters/make_toy_voc.py data/toy_voc/VOC2012 \
        --num-train 400 --num-val 100 --grid docs/images/toy_samples.png
"""
import argparse
import importlib.util
import json
import multiprocessing
import os
import os.path as osp
import re
import sys
import time
import xml.etree.ElementTree as ET
from io import BytesIO

import numpy as np
from mmengine.utils import ProgressBar
from PIL import Image, ImageDraw

CLASSES = ('stripes', 'checks', 'dots', 'rings', 'zigzag')
# Bump when the generated content changes, so that old outputs are rebuilt.
GENERATOR_VERSION = 2
SPLITS = ('train', 'val')
# Per-image outputs: folder -> file extension.
IMAGE_DIRS = dict(JPEGImages='jpg', SegmentationClass='png',
                  SegmentationObject='png', Annotations='xml')
# Photos that scikit-image and scikit-learn ship, as (package, file), read
# straight from the installed package (the same pixels as skimage.data.X()
# and sklearn.datasets.load_sample_image, without importing either). Photos
# with stripes, grids, dots or rings of their own (coins, brick, text,
# rocket's lattice towers, hubble_deep_field) are left out on purpose.
PHOTO_FILES = (
    ('skimage', 'data/astronaut.png'),
    ('skimage', 'data/coffee.png'),
    ('skimage', 'data/chelsea.png'),
    ('skimage', 'data/camera.png'),
    ('skimage', 'data/gravel.png'),
    ('skimage', 'data/moon.png'),
    ('skimage', 'data/cell.png'),
    ('skimage', 'data/retina.jpg'),
    ('sklearn', 'datasets/images/china.jpg'),
    ('sklearn', 'datasets/images/flower.jpg'),
)
# Part of a photo that crops may use, (x0, y0, x1, y1) as fractions: no flag
# stripes from astronaut, no tiled pagoda from china, no black surround
# from retina.
PHOTO_WINDOWS = dict(
    astronaut=(0.2, 0., 1., 1.),
    china=(0.45, 0., 1., 1.),
    retina=(0.2, 0.2, 0.8, 0.8))

# Layout parameters, as fractions of the short image side / object area.
EXTENT_RANGE = (0.2, 0.45)  # object diameter
CUE_FRACTION_RANGE = (0.25, 0.45)  # share of the object covered by the cue
PERIOD_RANGE = (6.0, 12.0)  # texture period in pixels
# Ink colour of each class's texture, drawn on a dark backing. Texture and colour
# together make the cue learnable by a small network trained from scratch on CPU.
CUE_COLOURS = dict(
    stripes=(1.0, 0.2, 0.15),
    checks=(0.2, 0.95, 0.2),
    dots=(0.25, 0.55, 1.0),
    rings=(1.0, 0.9, 0.1),
    zigzag=(0.95, 0.25, 1.0))
CUE_BACKING = (0.06, 0.06, 0.06)
MIN_VISIBLE = 0.6  # visible share of an occluded object and of its cue
TOUCH_PROB = 0.6  # chance that a repeated class touches its sibling

_PHOTOS = None


def voc_palette():
    """Return the standard PASCAL VOC colour map as a flat list of 768 ints.

    Index 255 (void) comes out as (224, 224, 192).
    """
    palette = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette += [r, g, b]
    return palette


def photo_paths():
    """Return ``(name, path)`` of the background photos installed here."""
    out = []
    for package, rel in PHOTO_FILES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        path = osp.join(spec.submodule_search_locations[0], rel)
        if osp.isfile(path):
            out.append((osp.splitext(osp.basename(rel))[0], path))
    return out


def load_photos():
    """Load the background photos (cached per process).

    Returns:
        list[tuple[str, np.ndarray]]: (name, uint8 HxWx3 image) pairs in the
        order of :data:`PHOTO_FILES`, restricted to :data:`PHOTO_WINDOWS`.
        Photos of a package that is not installed are skipped.
    """
    global _PHOTOS
    if _PHOTOS is not None:
        return _PHOTOS
    photos = []
    for name, path in photo_paths():
        img = np.asarray(Image.open(path).convert('RGB'))
        x0, y0, x1, y1 = PHOTO_WINDOWS.get(name, (0., 0., 1., 1.))
        h, w = img.shape[:2]
        img = img[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)]
        photos.append((name, np.ascontiguousarray(img)))
    if not photos:
        raise RuntimeError('No background photos: install scikit-image '
                           'and/or scikit-learn.')
    _PHOTOS = photos
    return photos


def random_background(rng, photos, h, w):
    """Random crop of a photo, rescaled to (h, w), flipped and jittered."""
    _, photo = photos[rng.integers(len(photos))]
    ph, pw = photo.shape[:2]
    scale = rng.uniform(0.35, 1.0)
    ch = min(ph, pw * h / w) * scale
    cw = ch * w / h
    y0 = rng.uniform(0, ph - ch)
    x0 = rng.uniform(0, pw - cw)
    box = (int(x0), int(y0), int(x0 + cw), int(y0 + ch))
    img = Image.fromarray(photo).crop(box).resize((w, h), Image.BILINEAR)
    img = np.asarray(img, np.float32) / 255.
    if rng.random() < 0.5:
        img = img[:, ::-1]
    gray = img.mean(axis=2, keepdims=True)
    img = gray + (img - gray) * rng.uniform(0.6, 1.2)  # saturation
    img = img.mean() + (img - img.mean()) * rng.uniform(0.7, 1.1)  # contrast
    img = img * rng.uniform(0.8, 1.2) * rng.uniform(0.9, 1.1, size=3)
    return np.clip(img, 0, 1)


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


def _band(s):
    """Anti-aliased square wave: 1 on half of each unit period of ``s``."""
    return np.abs((s % 1.0) - 0.5) * 2  # triangle wave in [0, 1]


def cue_texture(cls_name, rng, ys, xs, period):
    """Render a class texture in [0, 1] at pixel coords relative to origin.

    Args:
        cls_name (str): One of :data:`CLASSES`.
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


def _choose_classes(rng):
    """Classes of the objects in paint order (2-5 objects, 1-3 classes)."""
    k = rng.choice([1, 2, 3], p=[0.3, 0.4, 0.3])
    n = rng.integers(max(2, k), 6)
    classes = list(rng.choice(len(CLASSES), size=k, replace=False))
    classes += list(rng.choice(classes, size=n - k))
    rng.shuffle(classes)
    return [int(c) for c in classes]


def _layout(rng, h, w):
    """Place the objects; returns the list of placed objects."""
    classes = _choose_classes(rng)
    side = min(h, w)
    shrink = (2. / len(classes))**0.25
    objects = []
    inst = np.zeros((h, w), np.int32)  # painted so far, 1-based, last on top
    for cls in classes:
        diameter = side * max(0.15, rng.uniform(*EXTENT_RANGE) * shrink)
        patch = random_shape(rng, diameter)
        full_area = int((patch > 0).sum())
        siblings = [o for o in objects if o['label'] == cls]
        touch = bool(siblings) and rng.random() < TOUCH_PROB
        placed = None
        for attempt in range(40):
            if touch and attempt < 20:
                sib = siblings[rng.integers(len(siblings))]
                pos = _touching_position(rng, patch, sib, h, w)
                if pos is None:
                    continue
            else:
                margin = patch.shape[0] // 2 // 2
                pos = (int(rng.integers(margin, h - margin)),
                       int(rng.integers(margin, w - margin)))
            field = paste(patch, pos[0], pos[1], h, w)
            mask = field > 0
            if mask.sum() < 0.85 * full_area:
                continue  # keep objects mostly inside the image
            # Keep non-touching objects apart from the others at first.
            if not (touch and attempt < 20) and attempt < 30 and \
                    (inst[mask] > 0).any():
                continue
            if _occludes_too_much(objects, inst, mask):
                continue
            placed = dict(label=cls, field=field, mask=mask,
                          touching=touch and attempt < 20)
            break
        if placed is None:
            continue
        objects.append(placed)
        inst[placed['mask']] = len(objects)
        placed['cue'] = cue_region(rng, placed['mask'],
                                   rng.uniform(*CUE_FRACTION_RANGE))
    return objects, inst


def _touching_position(rng, patch, sibling, h, w):
    """Centre that puts ``patch`` in contact with ``sibling`` (or None).

    A direction is drawn at random and the centre is moved towards the
    sibling until the two outlines meet, then 0-2 px further so the new
    object slightly overlaps (occludes) it.
    """
    ys, xs = np.nonzero(sibling['mask'])
    cy, cx = ys.mean(), xs.mean()
    a = rng.uniform(0, 2 * np.pi)
    dy, dx = np.sin(a), np.cos(a)
    grown = _dilate(sibling['mask'])  # contact = 4-adjacent or overlapping

    def contact(d):
        y, x = int(round(cy + d * dy)), int(round(cx + d * dx))
        return (paste(patch, y, x, h, w) > 0)[grown].any()

    lo, hi = 0., float(patch.shape[0] + max(np.ptp(ys), np.ptp(xs)))
    if contact(hi):
        return None
    while hi - lo > 0.5:  # largest distance that still touches
        mid = (lo + hi) / 2
        if contact(mid):
            lo = mid
        else:
            hi = mid
    d = lo - rng.uniform(0, 2)
    y, x = int(round(cy + d * dy)), int(round(cx + d * dx))
    if not (0 <= y < h and 0 <= x < w):
        return None
    return y, x


def _occludes_too_much(objects, inst, mask):
    """Whether a new top object hides too much of an object or its cue."""
    for k, obj in enumerate(objects, 1):
        visible = inst == k
        if not (visible & mask).any():
            continue
        left = visible & ~mask
        if left.sum() < MIN_VISIBLE * obj['mask'].sum():
            return True
        if (left & obj['cue']).sum() < MIN_VISIBLE * obj['cue'].sum():
            return True
    return False


def make_sample(seed, split_id, index, min_size=160, max_size=256,
                void_border=0):
    """Generate one toy image with its semantic and instance masks.

    Args:
        seed (int): Dataset seed.
        split_id (int): Index of the split in :data:`SPLITS`.
        index (int): Image index within the split.
        min_size (int): Smallest image side. Defaults to 160.
        max_size (int): Largest image side. Defaults to 256.
        void_border (int): Width in pixels of a void (255) band on the
            object outlines of both masks. Defaults to 0.

    Returns:
        dict: ``img`` (uint8 HxWx3), ``sem_seg`` (uint8 HxW, 0 bg, class
        c -> c + 1, 255 void), ``inst_seg`` (uint8 HxW, instances 1..K),
        ``objects`` (list of dicts with ``label``, ``bbox`` as 1-based
        inclusive ``(xmin, ymin, xmax, ymax)``, ``truncated``) and
        ``debug`` (per-instance ``cue_fraction`` of the full body,
        ``visible_cue_fraction`` of the visible body, ``touching`` flags)
        and ``cue_seg`` (uint8 HxW, instance id k on the visible cue of
        instance k, else 0), for analysis; only the masks are written.
    """
    rng = np.random.default_rng([seed, split_id, index])
    h, w = (int(v) for v in rng.integers(min_size, max_size + 1, size=2))
    photos = load_photos()
    img = random_background(rng, photos, h, w)
    for _ in range(10):
        objects, inst = _layout(rng, h, w)
        if len(objects) >= 2:
            break
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    for obj in objects:  # back to front
        _paint_object(rng, img, obj, yy, xx, h, w)
    img = img + rng.normal(0, 0.012, img.shape)  # sensor noise
    img = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)

    sem = np.zeros((h, w), np.uint8)
    cue_seg = np.zeros((h, w), np.uint8)
    for k, obj in enumerate(objects, 1):
        sem[inst == k] = obj['label'] + 1
        cue_seg[obj['cue'] & (inst == k)] = k
    inst = inst.astype(np.uint8)
    if void_border > 0:
        void = _outline_band(inst, void_border)
        sem[void] = 255
        inst[void] = 255

    annos, debug = [], []
    for k, obj in enumerate(objects, 1):
        ys, xs = np.nonzero(inst == k)
        if len(ys) == 0:  # fully covered by the void band
            ys, xs = np.nonzero(obj['mask'])
        annos.append(dict(
            label=obj['label'],
            bbox=(int(xs.min()) + 1, int(ys.min()) + 1, int(xs.max()) + 1,
                  int(ys.max()) + 1),
            truncated=int(xs.min() == 0 or ys.min() == 0
                          or xs.max() == w - 1 or ys.max() == h - 1)))
        visible = inst == k
        debug.append(dict(
            cue_fraction=float(obj['cue'].sum() / obj['mask'].sum()),
            visible_cue_fraction=float(
                (obj['cue'] & visible).sum() / max(1, visible.sum())),
            touching=obj['touching']))
    return dict(img=img, sem_seg=sem, inst_seg=inst, objects=annos,
                debug=debug, cue_seg=cue_seg)


def _paint_object(rng, img, obj, yy, xx, h, w):
    """Alpha-composite one object (body, shading, rim and cue) onto img."""
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
    ink = np.array(CUE_COLOURS[CLASSES[obj['label']]], np.float32) * rng.uniform(
        0.85, 1.0)
    cy_c, cx_c = (v.mean() for v in np.nonzero(cue))
    # At least ~2.5 periods across the cue region, so the pattern reads.
    period = min(rng.uniform(*PERIOD_RANGE),
                 max(PERIOD_RANGE[0], np.sqrt(cue.sum()) / 2.5))
    texture = cue_texture(CLASSES[obj['label']], rng, yy[win] - cy_c,
                          xx[win] - cx_c, period)
    cue_win = cue[win].astype(np.float32)[..., None]
    backing = np.array(CUE_BACKING, np.float32) * shade[..., None]
    body = body * (1 - cue_win) + backing * cue_win
    texture = texture * cue[win]
    body = body * (1 - texture[..., None]) + ink * texture[..., None]
    img[win] = img[win] * (1 - alpha) + np.clip(body, 0, 1) * alpha


def _dilate(mask):
    """Grow a boolean mask by one pixel (4-neighbourhood)."""
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def _outline_band(inst, width):
    """Pixels within ``width`` px of a boundary between different ids."""
    edge = np.zeros(inst.shape, bool)
    edge[1:] |= inst[1:] != inst[:-1]
    edge[:, 1:] |= inst[:, 1:] != inst[:, :-1]
    for _ in range(width - 1):
        edge = _dilate(edge)
    return edge


def voc_xml(name, h, w, objects):
    """Serialise one image's annotation as PASCAL VOC XML bytes."""
    root = ET.Element('annotation')
    ET.SubElement(root, 'folder').text = 'VOC2012'
    ET.SubElement(root, 'filename').text = f'{name}.jpg'
    source = ET.SubElement(root, 'source')
    ET.SubElement(source, 'database').text = 'mmirn toy VOC'
    size = ET.SubElement(root, 'size')
    ET.SubElement(size, 'width').text = str(w)
    ET.SubElement(size, 'height').text = str(h)
    ET.SubElement(size, 'depth').text = '3'
    ET.SubElement(root, 'segmented').text = '1'
    for obj in objects:
        node = ET.SubElement(root, 'object')
        ET.SubElement(node, 'name').text = CLASSES[obj['label']]
        ET.SubElement(node, 'pose').text = 'Unspecified'
        ET.SubElement(node, 'truncated').text = str(obj['truncated'])
        ET.SubElement(node, 'difficult').text = '0'
        box = ET.SubElement(node, 'bndbox')
        for key, val in zip(('xmin', 'ymin', 'xmax', 'ymax'), obj['bbox']):
            ET.SubElement(box, key).text = str(val)
    ET.indent(root, space='\t')
    return ET.tostring(root, encoding='utf-8') + b'\n'


def _write_atomic(path, data):
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, path)


def _png_bytes(arr, palette):
    img = Image.fromarray(arr, mode='P')
    img.putpalette(palette)
    buf = BytesIO()
    img.save(buf, format='PNG', optimize=False)
    return buf.getvalue()


def sample_name(split, index):
    """File stem of image ``index`` of ``split``, e.g. ``train_00012``."""
    return f'{split}_{index:05d}'


def _generate_one(job):
    """Worker: generate and write one image; returns (split, name, labels)."""
    out_dir, split, index, opts = job
    sample = make_sample(opts['seed'], SPLITS.index(split), index,
                         opts['min_size'], opts['max_size'],
                         opts['void_border'])
    name = sample_name(split, index)
    palette = voc_palette()
    h, w = sample['sem_seg'].shape
    buf = BytesIO()
    Image.fromarray(sample['img']).save(buf, format='JPEG', quality=92)
    _write_atomic(osp.join(out_dir, 'JPEGImages', f'{name}.jpg'),
                  buf.getvalue())
    _write_atomic(osp.join(out_dir, 'SegmentationClass', f'{name}.png'),
                  _png_bytes(sample['sem_seg'], palette))
    _write_atomic(osp.join(out_dir, 'SegmentationObject', f'{name}.png'),
                  _png_bytes(sample['inst_seg'], palette))
    _write_atomic(osp.join(out_dir, 'Annotations', f'{name}.xml'),
                  voc_xml(name, h, w, sample['objects']))
    return split, name, sorted({o['label'] for o in sample['objects']})


def _meta(num_train, num_val, seed, min_size, max_size, void_border):
    return dict(
        generator_version=GENERATOR_VERSION, num_train=num_train,
        num_val=num_val, seed=seed, min_size=min_size, max_size=max_size,
        void_border=void_border, classes=list(CLASSES),
        backgrounds=[name for name, _ in photo_paths()])


def is_complete(out_dir, meta):
    """Whether ``out_dir`` holds a full dataset made with ``meta``."""
    meta_file = osp.join(out_dir, 'toy_meta.json')
    if not osp.isfile(meta_file):
        return False
    with open(meta_file) as f:
        try:
            if json.load(f) != meta:
                return False
        except json.JSONDecodeError:
            return False
    for split, num in zip(SPLITS, (meta['num_train'], meta['num_val'])):
        if not osp.isfile(
                osp.join(out_dir, 'ImageSets', 'Segmentation',
                         f'{split}.txt')):
            return False
        for i in range(num):
            name = sample_name(split, i)
            for sub, ext in IMAGE_DIRS.items():
                if not osp.isfile(osp.join(out_dir, sub, f'{name}.{ext}')):
                    return False
    return True


def generate(out_dir, num_train=400, num_val=100, seed=0, min_size=160,
             max_size=256, void_border=0, workers=2, verbose=True):
    """Write the toy dataset to ``out_dir`` (skipped if already complete).

    Args:
        out_dir (str): Root to write (``VOC2012``-like).
        num_train (int): Number of train images. Defaults to 400.
        num_val (int): Number of val images. Defaults to 100.
        seed (int): Dataset seed. Defaults to 0.
        min_size (int): Smallest image side. Defaults to 160.
        max_size (int): Largest image side. Defaults to 256.
        void_border (int): Void band width on outlines. Defaults to 0.
        workers (int): Worker processes; 0 or 1 runs in-process.
            Defaults to 2.
        verbose (bool): Show progress (with an ETA). Defaults to True.

    Returns:
        bool: True if images were generated, False if the output was
        already complete and nothing was written.
    """
    assert 16 <= min_size <= max_size, 'need 16 <= min_size <= max_size'
    meta = _meta(num_train, num_val, seed, min_size, max_size, void_border)
    if is_complete(out_dir, meta):
        if verbose:
            print(f'[make_toy_voc] {out_dir} is complete, skipping')
        return False
    meta_file = osp.join(out_dir, 'toy_meta.json')
    if osp.exists(meta_file):
        os.remove(meta_file)  # incomplete or stale until rewritten at the end
    for sub in (*IMAGE_DIRS, 'ImageSets/Segmentation', 'ImageSets/Main'):
        os.makedirs(osp.join(out_dir, sub), exist_ok=True)
    opts = dict(seed=seed, min_size=min_size, max_size=max_size,
                void_border=void_border)
    jobs = [(out_dir, split, i, opts)
            for split, num in zip(SPLITS, (num_train, num_val))
            for i in range(num)]
    load_photos()  # once here; forked workers inherit them
    results = []
    if workers > 1:
        pool = multiprocessing.get_context().Pool(workers)
        it = pool.imap(_generate_one, jobs, chunksize=4)
    else:
        pool, it = None, map(_generate_one, jobs)
    progress = ProgressBar(len(jobs), file=sys.stdout) if verbose else None
    try:
        for res in it:
            results.append(res)
            if progress is not None:
                progress.update()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if progress is not None:
        print(flush=True)  # end the progress bar's line
    _remove_stale(out_dir, {name for _, name, _ in results})
    _write_lists(out_dir, results)
    _write_atomic(osp.join(out_dir, 'classes.txt'),
                  ''.join(f'{c}\n' for c in CLASSES).encode())
    _write_atomic(meta_file, json.dumps(meta, indent=2).encode())
    return True


def _remove_stale(out_dir, names):
    """Delete our images left by an earlier, larger run (and temp files)."""
    pattern = re.compile(r'^(train|val)_\d{5}\.(jpg|png|xml)(\.tmp\d+)?$')
    for sub in IMAGE_DIRS:
        for fname in os.listdir(osp.join(out_dir, sub)):
            match = pattern.match(fname)
            if match and (match.group(3)
                          or osp.splitext(fname)[0] not in names):
                os.remove(osp.join(out_dir, sub, fname))


def _write_lists(out_dir, results):
    """Write ImageSets/Segmentation and ImageSets/Main split files."""
    names = {split: [n for s, n, _ in results if s == split]
             for split in SPLITS}
    names['trainval'] = names['train'] + names['val']
    labels = {n: lbl for _, n, lbl in results}
    for split, split_names in names.items():
        text = ''.join(f'{n}\n' for n in split_names).encode()
        for sub in ('Segmentation', 'Main'):
            _write_atomic(osp.join(out_dir, 'ImageSets', sub, f'{split}.txt'),
                          text)
        for c, cls in enumerate(CLASSES):
            lines = ''.join(f'{n} {1 if c in labels[n] else -1:2d}\n'
                            for n in split_names)
            _write_atomic(
                osp.join(out_dir, 'ImageSets', 'Main', f'{cls}_{split}.txt'),
                lines.encode())


def make_grid(out_dir, names, out_file, cell=160, cols=2):
    """Save a grid of samples: image | class mask | instance overlay.

    Args:
        out_dir (str): Dataset root.
        names (list[str]): Image stems to show.
        out_file (str): PNG to write.
        cell (int): Panel size in pixels. Defaults to 160.
        cols (int): Samples per row. Defaults to 2.
    """
    palette = np.array(voc_palette(), np.uint8).reshape(256, 3)
    inst_colours = np.array([[0, 0, 0], [230, 25, 75], [60, 180, 75],
                             [255, 225, 25], [0, 130, 200], [245, 130, 48],
                             [145, 30, 180], [70, 240, 240]], np.uint8)
    pad, legend_h = 4, 22
    rows = (len(names) + cols - 1) // cols
    width = cols * (3 * (cell + pad) + 3 * pad)
    canvas = Image.new('RGB', (width, legend_h + rows * (cell + pad) + pad),
                       (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    x = pad
    for c, cls in enumerate(CLASSES):
        draw.rectangle([x, 5, x + 12, 17], fill=tuple(palette[c + 1]))
        draw.text((x + 16, 6), cls, fill=(0, 0, 0))
        x += 22 + 7 * len(cls)
    for i, name in enumerate(names):
        img = np.asarray(
            Image.open(osp.join(out_dir, 'JPEGImages', f'{name}.jpg')))
        sem = np.asarray(
            Image.open(osp.join(out_dir, 'SegmentationClass', f'{name}.png')))
        inst = np.asarray(
            Image.open(osp.join(out_dir, 'SegmentationObject',
                                f'{name}.png')))
        fg = (inst > 0) & (inst < 255)
        overlay = img.astype(np.float32)
        colours = inst_colours[np.where(fg, 1 + (inst - 1) % 7, 0)]
        overlay[fg] = 0.4 * overlay[fg] + 0.6 * colours[fg]
        edge = np.zeros_like(fg)
        edge[1:] |= inst[1:] != inst[:-1]
        edge[:, 1:] |= inst[:, 1:] != inst[:, :-1]
        overlay[edge] = 255
        panels = [img, palette[sem], overlay.astype(np.uint8)]
        r, c = divmod(i, cols)
        y = legend_h + r * (cell + pad)
        x0 = pad + c * (3 * (cell + pad) + 3 * pad)
        for j, panel in enumerate(panels):
            p = Image.fromarray(panel)
            p.thumbnail((cell, cell), Image.NEAREST if j else Image.BILINEAR)
            canvas.paste(p, (x0 + j * (cell + pad), y))
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    buf = BytesIO()
    # A 256-colour palette keeps the PNG small (docs) at little visible cost.
    canvas.quantize(256, method=Image.Quantize.MEDIANCUT).save(
        buf, format='PNG', optimize=True)
    _write_atomic(out_file, buf.getvalue())


def parse_args():
    parser = argparse.ArgumentParser(
        description='Generate a toy PASCAL VOC 2012-like benchmark.')
    parser.add_argument('out_dir', help='dataset root to write')
    parser.add_argument('--num-train', type=int, default=400)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--min-size', type=int, default=160)
    parser.add_argument('--max-size', type=int, default=256)
    parser.add_argument(
        '--void-border', type=int, default=0,
        help='width (px) of a VOC-like void band on outlines; 0 = none')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--grid', help='also save a sample grid PNG here')
    parser.add_argument('--grid-samples', type=int, default=8)
    return parser.parse_args()


def main():
    args = parse_args()
    start = time.time()
    generate(args.out_dir, args.num_train, args.num_val, args.seed,
             args.min_size, args.max_size, args.void_border, args.workers)
    if args.grid:
        names = [sample_name('train', i)
                 for i in range(min(args.grid_samples, args.num_train))]
        make_grid(args.out_dir, names, args.grid)
        print(f'[make_toy_voc] grid saved to {args.grid}')
    print(f'[make_toy_voc] done in {time.time() - start:.1f}s: '
          f'{args.out_dir}')


if __name__ == '__main__':
    main()
