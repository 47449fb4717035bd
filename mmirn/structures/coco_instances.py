"""Instance masks in COCO's terms: RLEs and annotation records."""
from typing import List, Optional

import numpy as np
import pycocotools.mask as mask_util


def encode_masks(masks: np.ndarray) -> List[dict]:
    """COCO RLEs (``counts`` as str, so they serialise to JSON) of (N, H, W) masks."""
    rles = []
    for m in masks:
        rle = mask_util.encode(np.asfortranarray(m.astype(np.uint8)))
        rle['counts'] = rle['counts'].decode('ascii')
        rles.append(rle)
    return rles


def coco_annotation(ann_id: int,
                    image_id: int,
                    label: int,
                    rle: dict,
                    score: Optional[float] = None) -> dict:
    """A COCO annotation of one instance mask (not crowd).

    Args:
        ann_id (int): Annotation id.
        image_id (int): Id of its image.
        label (int): Foreground class index; the category id is ``label + 1``.
        rle (dict): The mask as a COCO RLE (:func:`encode_masks`).
        score (float, optional): Detection score, kept as ``score``.
            Defaults to None (left out).

    Returns:
        dict: ``id``, ``image_id``, ``category_id``, ``segmentation`` (the RLE),
        ``area``, ``bbox`` ([x, y, w, h] floats), ``iscrowd`` (0) and
        ``score`` when given.
    """
    ann = dict(
        id=int(ann_id),
        image_id=int(image_id),
        category_id=int(label) + 1,
        segmentation=rle,
        area=float(mask_util.area(rle)),
        bbox=[float(v) for v in mask_util.toBbox(rle)],
        iscrowd=0)
    if score is not None:
        ann['score'] = float(score)
    return ann
