# Copyright (c) mmirn contributors. All rights reserved.
"""Sampling one toy scene: background, object layout, painting and masks."""
import numpy as np

from .paint import paint_object
from .photos import load_photos, random_background
from .shapes import cue_region, dilate, outline_band, paste, random_shape

# Layout parameters, as fractions of the short image side / object area.
EXTENT_RANGE = (0.2, 0.45)  # object diameter
CUE_FRACTION_RANGE = (0.25, 0.45)  # share of the object covered by the cue
MIN_VISIBLE = 0.6  # visible share of an occluded object and of its cue
TOUCH_PROB = 0.6  # chance that a repeated class touches its sibling


def _choose_classes(rng, num_classes):
    """Classes of the objects in paint order (2-5 objects, 1-3 classes)."""
    k = rng.choice([1, 2, 3], p=[0.3, 0.4, 0.3])
    n = rng.integers(max(2, k), 6)
    classes = list(rng.choice(num_classes, size=k, replace=False))
    classes += list(rng.choice(classes, size=n - k))
    rng.shuffle(classes)
    return [int(c) for c in classes]


def _layout(rng, h, w, num_classes):
    """Place the objects; returns the placed objects and their id map."""
    classes = _choose_classes(rng, num_classes)
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
    grown = dilate(sibling['mask'])  # contact = 4-adjacent or overlapping

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


def make_sample(cues, seed, split_id, index, min_size=160, max_size=256,
                void_border=0):
    """Generate one toy image with its semantic and instance masks.

    Args:
        cues (Sequence[tuple[str, tuple]]): Per class (label ``c`` is
            ``cues[c]``), its texture name (:func:`cue_texture`) and ink
            colour (RGB in [0, 1]).
        seed (int): Dataset seed.
        split_id (int): Index of the split (train 0, val 1).
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
        objects, inst = _layout(rng, h, w, len(cues))
        if len(objects) >= 2:
            break
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    for obj in objects:  # back to front
        paint_object(rng, img, obj, *cues[obj['label']], yy, xx, h, w)
    img = img + rng.normal(0, 0.012, img.shape)  # sensor noise
    img = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)

    sem = np.zeros((h, w), np.uint8)
    cue_seg = np.zeros((h, w), np.uint8)
    for k, obj in enumerate(objects, 1):
        sem[inst == k] = obj['label'] + 1
        cue_seg[obj['cue'] & (inst == k)] = k
    inst = inst.astype(np.uint8)
    if void_border > 0:
        void = outline_band(inst, void_border)
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
