# Copyright (c) mmirn contributors. All rights reserved.
"""Write the toy benchmark in the COCO 2014 layout, with 15 classes.

The images are drawn like the VOC toy's (:mod:`.voc_writer`); the class set is
widened to 15 classes (5 textures x 3 ink colours), so that the multi-class
code paths (multi-label loss, class keys, many CAM channels) are exercised.
Some images are written without any object (COCO has such images: the
dataset drops and counts them) and on some images one instance is marked
``iscrowd=1`` (ignored when scoring, never a label).

Layout written under ``out_dir``::

    train2014/COCO_train2014_{id:012d}.jpg
    val2014/COCO_val2014_{id:012d}.jpg
    annotations/instances_{train2014,val2014}.json   RLE masks (pycocotools)
    toy_meta.json                                     written last

Output is deterministic (each image is seeded from seed, split and index).
"""
import os
import os.path as osp
import sys

import numpy as np
from mmengine.utils import track_iter_progress
from pycocotools import mask as mask_utils

from mmirn.structures.coco_instances import encode_masks
from mmirn.utils import remove_temp_files
from . import voc_writer
from .files import META_FILE, read_meta, write_jpeg, write_json
from .photos import load_photos, random_background
from .scene import make_sample

TEXTURES = voc_writer.CLASSES  # the VOC toy's classes are the textures
INKS = dict(red=(1.0, 0.2, 0.15), green=(0.2, 0.95, 0.2),
            blue=(0.25, 0.55, 1.0))
CLASSES = tuple(f'{t}_{ink}' for ink in INKS for t in TEXTURES)
# Class c is drawn with texture CUES[c][0] in ink CUES[c][1].
CUES = tuple((t, INKS[ink]) for ink in INKS for t in TEXTURES)
SPLITS = ('train2014', 'val2014')
GENERATOR_VERSION = 1
EMPTY_EVERY = 10  # image index % 10 == 9 has no objects
CROWD_EVERY = 6  # image index % 6 == 2: its last instance is a crowd


def image_id(split, index):
    """COCO image id: unique over both splits, 1-based."""
    return SPLITS.index(split) * 1000000 + index + 1


def file_name(split, index):
    """Image file name, e.g. ``COCO_train2014_000000000001.jpg``."""
    return f'COCO_{split}_{image_id(split, index):012d}.jpg'


def make_image(seed, split, index, min_size, max_size):
    """Render one image; returns (img, list of (label, mask, iscrowd))."""
    split_id = SPLITS.index(split)
    if index % EMPTY_EVERY == EMPTY_EVERY - 1:
        rng = np.random.default_rng([seed, split_id, index, 7])
        h, w = (int(v) for v in rng.integers(min_size, max_size + 1, 2))
        img = random_background(rng, load_photos(), h, w)
        return (img * 255 + 0.5).astype(np.uint8), []
    sample = make_sample(CUES, seed, split_id, index, min_size, max_size)
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
    """COCO RLE (``counts`` as str), area and ``[x, y, w, h]`` box of a mask."""
    rle = encode_masks(mask[None])[0]
    coded = dict(rle, counts=rle['counts'].encode('ascii'))
    area = float(mask_utils.area(coded))
    bbox = [float(v) for v in mask_utils.toBbox(coded)]
    return rle, area, bbox


def _write_split(out_dir, split, num, categories, opts, verbose):
    """Write one split's images and annotation file; returns its counts."""
    os.makedirs(osp.join(out_dir, split), exist_ok=True)
    remove_temp_files(osp.join(out_dir, split))  # of a killed run
    images, annotations = [], []
    n_empty = n_crowd = 0
    indices = range(num)
    if verbose:
        indices = track_iter_progress(indices, file=sys.stdout)
    for index in indices:
        img, objects = make_image(opts['seed'], split, index,
                                  opts['min_size'], opts['max_size'])
        h, w = img.shape[:2]
        name = file_name(split, index)
        write_jpeg(osp.join(out_dir, split, name), img)
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
                annotations=annotations, categories=categories, licenses=[])
    write_json(osp.join(out_dir, 'annotations', f'instances_{split}.json'),
               data)
    return dict(images=num, empty=n_empty, crowd=n_crowd,
                annotations=len(annotations))


def generate(out_dir, num_train=400, num_val=100, seed=0, min_size=160,
             max_size=256, verbose=True):
    """Write the dataset to ``out_dir`` (skipped if already complete).

    Args:
        out_dir (str): Root to write.
        num_train (int): Number of train2014 images. Defaults to 400.
        num_val (int): Number of val2014 images. Defaults to 100.
        seed (int): Dataset seed. Defaults to 0.
        min_size (int): Smallest image side. Defaults to 160.
        max_size (int): Largest image side. Defaults to 256.
        verbose (bool): Show progress and the counts of each split. Defaults
            to True.

    Returns:
        dict: Per split, the numbers of ``images``, ``empty`` images,
        ``crowd`` annotations and ``annotations``.
    """
    meta = dict(version=GENERATOR_VERSION, num_train=num_train,
                num_val=num_val, seed=seed, min_size=min_size,
                max_size=max_size, classes=list(CLASSES))
    done = read_meta(out_dir)
    if isinstance(done, dict) and done.get('params') == meta:
        return done['counts']
    os.makedirs(osp.join(out_dir, 'annotations'), exist_ok=True)
    categories = [dict(id=i + 1, name=c, supercategory='toy')
                  for i, c in enumerate(CLASSES)]
    opts = dict(seed=seed, min_size=min_size, max_size=max_size)
    counts = {}
    for split, num in zip(SPLITS, (num_train, num_val)):
        counts[split] = _write_split(out_dir, split, num, categories, opts,
                                     verbose)
        if verbose:
            print(f'{split}: {counts[split]}')
    write_json(osp.join(out_dir, META_FILE), dict(params=meta, counts=counts))
    return counts
