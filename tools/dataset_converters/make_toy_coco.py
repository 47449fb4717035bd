# Copyright (c) mmirn contributors. All rights reserved.
"""Write the toy benchmark in the COCO 2014 layout, with 15 classes.

The images come from ``make_toy_voc.py``'s renderer; the class set is
widened to 15 classes (5 textures x 3 ink colours), so that the multi-class
code paths (multi-label loss, class keys, many CAM channels) are exercised.
Some images are written without any object (COCO has such images: the
dataset drops and counts them) and on some images one instance is marked
``iscrowd=1`` (ignored when scoring, never a label).

Layout written under ``OUT_DIR``::

    train2014/COCO_train2014_{id:012d}.jpg
    val2014/COCO_val2014_{id:012d}.jpg
    annotations/instances_{train2014,val2014}.json   RLE masks (pycocotools)
    toy_meta.json                                     written last

Output is deterministic (each image is seeded from seed, split and index).

Example::

    python tools/dataset_converters/make_toy_coco.py data/toy_coco \
        --num-train 400 --num-val 100
"""
import argparse
import importlib.util
import json
import os
import os.path as osp
import sys
from io import BytesIO

import numpy as np
from mmengine.utils import track_iter_progress
from PIL import Image


def _load_voc_tool():
    path = osp.join(osp.dirname(osp.abspath(__file__)), 'make_toy_voc.py')
    name = 'make_toy_voc_for_coco'
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_voc = _load_voc_tool()
# The VOC toy's classes are the textures (kept aside: the module is shared, and
# widened below, when this file is loaded twice).
TEXTURES = _voc.__dict__.setdefault('VOC_CLASSES', _voc.CLASSES)
INKS = dict(red=(1.0, 0.2, 0.15), green=(0.2, 0.95, 0.2),
            blue=(0.25, 0.55, 1.0))
CLASSES = tuple(f'{t}_{ink}' for ink in INKS for t in TEXTURES)
SPLITS = ('train2014', 'val2014')
GENERATOR_VERSION = 1
EMPTY_EVERY = 10  # image index % 10 == 9 has no objects
CROWD_EVERY = 6  # image index % 6 == 2: its last instance is a crowd


def _widen_classes():
    """Make the VOC renderer draw the 15 (texture, ink) classes."""
    _voc.CLASSES = CLASSES
    _voc.CUE_COLOURS = {c: INKS[c.rsplit('_', 1)[1]] for c in CLASSES}
    base = _voc.cue_texture.__wrapped__ if hasattr(
        _voc.cue_texture, '__wrapped__') else _voc.cue_texture

    def cue_texture(cls_name, *args, **kwargs):
        return base(cls_name.rsplit('_', 1)[0], *args, **kwargs)

    cue_texture.__wrapped__ = base
    _voc.cue_texture = cue_texture


_widen_classes()


def image_id(split, index):
    """COCO image id: unique over both splits, 1-based."""
    return SPLITS.index(split) * 1000000 + index + 1


def file_name(split, index):
    return f'COCO_{split}_{image_id(split, index):012d}.jpg'


def make_image(seed, split, index, min_size, max_size):
    """Render one image; returns (img, list of (label, mask, iscrowd))."""
    split_id = SPLITS.index(split)
    if index % EMPTY_EVERY == EMPTY_EVERY - 1:
        rng = np.random.default_rng([seed, split_id, index, 7])
        h, w = (int(v) for v in rng.integers(min_size, max_size + 1, 2))
        img = _voc.random_background(rng, _voc.load_photos(), h, w)
        return (img * 255 + 0.5).astype(np.uint8), []
    sample = _voc.make_sample(seed, split_id, index, min_size, max_size)
    inst = sample['inst_seg']
    objects = []
    for k, obj in enumerate(sample['objects'], 1):
        mask = inst == k
        if mask.any():
            objects.append([obj['label'], mask, 0])
    if index % CROWD_EVERY == 2 and len(objects) > 1:
        objects[-1][2] = 1
    return sample['img'], [tuple(o) for o in objects]


def encode(mask):
    from pycocotools import mask as mask_utils
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    area = float(mask_utils.area(rle))
    bbox = [float(v) for v in mask_utils.toBbox(rle)]
    rle['counts'] = rle['counts'].decode('ascii')
    return rle, area, bbox


def generate(out_dir, num_train=400, num_val=100, seed=0, min_size=160,
             max_size=256, verbose=True):
    """Write the dataset; returns the per-split counts."""
    meta = dict(version=GENERATOR_VERSION, num_train=num_train,
                num_val=num_val, seed=seed, min_size=min_size,
                max_size=max_size, classes=list(CLASSES))
    meta_path = osp.join(out_dir, 'toy_meta.json')
    if osp.isfile(meta_path):
        with open(meta_path) as f:
            done = json.load(f)
        if done.get('params') == meta:
            return done['counts']
    os.makedirs(osp.join(out_dir, 'annotations'), exist_ok=True)
    categories = [dict(id=i + 1, name=c, supercategory='toy')
                  for i, c in enumerate(CLASSES)]
    counts = {}
    for split, num in zip(SPLITS, (num_train, num_val)):
        os.makedirs(osp.join(out_dir, split), exist_ok=True)
        images, annotations = [], []
        n_empty = n_crowd = 0
        indices = range(num)
        if verbose:
            indices = track_iter_progress(indices, file=sys.stdout)
        for index in indices:
            img, objects = make_image(seed, split, index, min_size,
                                      max_size)
            h, w = img.shape[:2]
            name = file_name(split, index)
            buf = BytesIO()
            Image.fromarray(img).save(buf, format='JPEG', quality=92)
            _voc._write_atomic(osp.join(out_dir, split, name),
                               buf.getvalue())
            iid = image_id(split, index)
            images.append(dict(id=iid, file_name=name, height=h, width=w))
            n_empty += not objects
            for label, mask, crowd in objects:
                rle, area, bbox = encode(mask)
                n_crowd += crowd
                annotations.append(dict(
                    id=len(annotations) + 1 + iid * 100, image_id=iid,
                    category_id=label + 1, segmentation=rle, area=area,
                    bbox=bbox, iscrowd=crowd))
        data = dict(info=dict(description='mmirn toy COCO'), images=images,
                    annotations=annotations, categories=categories,
                    licenses=[])
        _voc._write_atomic(
            osp.join(out_dir, 'annotations', f'instances_{split}.json'),
            json.dumps(data).encode())
        counts[split] = dict(images=num, empty=n_empty, crowd=n_crowd,
                             annotations=len(annotations))
        if verbose:
            print(f'{split}: {counts[split]}')
    _voc._write_atomic(meta_path, json.dumps(
        dict(params=meta, counts=counts)).encode())
    return counts


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--num-train', type=int, default=400)
    parser.add_argument('--num-val', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--min-size', type=int, default=160)
    parser.add_argument('--max-size', type=int, default=256)
    return parser.parse_args()


def main():
    args = parse_args()
    generate(args.out_dir, args.num_train, args.num_val, args.seed,
             args.min_size, args.max_size)


if __name__ == '__main__':
    main()
