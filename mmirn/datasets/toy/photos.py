# Copyright (c) mmirn contributors. All rights reserved.
"""Background photos of the toy benchmarks: crops of photos that scikit-image
or scikit-learn ship."""
import importlib.util
import os.path as osp

import numpy as np
from PIL import Image

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

_PHOTOS = None


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
