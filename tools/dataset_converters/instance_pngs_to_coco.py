"""Instance PNGs (VOC ``SegmentationObject`` style) -> a COCO JSON with RLE masks.

Each image has an instance PNG (0 background, k > 0 instance k, 255 ignore)
and a class PNG (VOC ``SegmentationClass`` style, class c at its pixels). Every
instance k becomes one annotation: its mask (``instance == k``) as a COCO RLE,
its box the mask's extent, its category the majority class under the mask.
The 255 pixels belong to no instance; with ``--ignore-as-crowd`` they become
one ``iscrowd=1`` annotation of category ``--ignore-category`` per image so
that mmdet's ``LoadAnnotations`` reads them as an ignore region.

The instance pseudo labels that mmirn writes (``<img_id>.png`` instance maps
beside the semantic pseudo labels) convert the same way, so the GT and the
pseudo-label JSONs of one split are built by the same code.

Example::

    python tools/dataset_converters/instance_pngs_to_coco.py \
        data/VOCdevkit/VOC2012 --split train.txt --out train_gt_ins.json
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import List, Optional, Sequence

import numpy as np
import pycocotools.mask as mask_util
from mmengine.utils import track_iter_progress
from PIL import Image

VOC_FG = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car',
          'cat', 'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike',
          'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor')


def load_png(path: str) -> np.ndarray:
    """The indices of a palette PNG (or the values of a grey one), uint8 (H, W)."""
    return np.asarray(Image.open(path), dtype=np.uint8)


def _rle(mask: np.ndarray) -> dict:
    rle = mask_util.encode(np.asfortranarray(mask.astype(np.uint8)))
    rle['counts'] = rle['counts'].decode('ascii')
    return rle


def image_annotations(instance: np.ndarray,
                      semantic: np.ndarray,
                      ignore_as_crowd: bool = False,
                      ignore_category: int = 1) -> List[dict]:
    """COCO annotations (without ids) of one image's instance / class maps.

    Args:
        instance (np.ndarray): (H, W) uint8, 0 background, 255 ignore.
        semantic (np.ndarray): (H, W) uint8 classes, 0 background, 255 ignore.
        ignore_as_crowd (bool): Add the 255 pixels as one crowd annotation.
        ignore_category (int): Its category id. Defaults to 1.

    Returns:
        list[dict]: ``category_id``, ``segmentation`` (RLE), ``bbox``,
        ``area``, ``iscrowd``.
    """
    if instance.shape != semantic.shape:
        raise ValueError(f'instance {instance.shape} vs class '
                         f'{semantic.shape} maps differ in size')
    anns = []
    for k in np.unique(instance):
        if k in (0, 255):
            continue
        mask = instance == k
        cls = semantic[mask]
        cls = cls[(cls != 0) & (cls != 255)]
        if cls.size == 0:
            continue  # an instance with no class under it is not labelled
        category = int(np.bincount(cls).argmax())
        anns.append(_annotation(mask, category, iscrowd=0))
    ignore = instance == 255
    if ignore_as_crowd and ignore.any():
        anns.append(_annotation(ignore, ignore_category, iscrowd=1))
    return anns


def _annotation(mask: np.ndarray, category: int, iscrowd: int) -> dict:
    rle = _rle(mask)
    return dict(
        category_id=category,
        segmentation=rle,
        area=float(mask_util.area(rle)),
        bbox=[float(v) for v in mask_util.toBbox(rle)],
        iscrowd=iscrowd)


def pngs_to_coco(img_ids: Sequence[str],
                 instance_dir: str,
                 class_dir: str,
                 classes: Sequence[str] = VOC_FG,
                 img_suffix: str = '.jpg',
                 ignore_as_crowd: bool = False,
                 progress: bool = False) -> dict:
    """A COCO dataset dict of the instance / class PNGs of ``img_ids``.

    With ``progress``, a progress bar (with an ETA) goes to stdout.
    """
    images, anns = [], []
    if progress:
        img_ids = track_iter_progress(list(img_ids), file=sys.stdout)
    for i, img_id in enumerate(img_ids):
        inst = load_png(osp.join(instance_dir, f'{img_id}.png'))
        sem = load_png(osp.join(class_dir, f'{img_id}.png'))
        images.append(
            dict(
                id=i + 1,
                file_name=img_id + img_suffix,
                height=int(inst.shape[0]),
                width=int(inst.shape[1])))
        for ann in image_annotations(inst, sem, ignore_as_crowd):
            ann.update(id=len(anns) + 1, image_id=i + 1)
            anns.append(ann)
    categories = [dict(id=c + 1, name=n) for c, n in enumerate(classes)]
    return dict(images=images, annotations=anns, categories=categories)


def parse_args(argv: Optional[Sequence[str]] = None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('root', help='VOC2012 root (JPEGImages, ...)')
    p.add_argument('--split', help='file of image ids (default: all PNGs)')
    p.add_argument('--instance-dir', default='SegmentationObject',
                   help='instance PNG dir, relative to root or absolute')
    p.add_argument('--class-dir', default='SegmentationClass',
                   help='class PNG dir, relative to root or absolute')
    p.add_argument('--classes-file',
                   help='one foreground class name a line (default: VOC)')
    p.add_argument('--img-suffix', default='.jpg')
    p.add_argument('--ignore-as-crowd', action='store_true')
    p.add_argument('--out', required=True, help='output JSON')
    return p.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    import glob
    args = parse_args(argv)
    inst_dir = osp.join(args.root, args.instance_dir)
    cls_dir = osp.join(args.root, args.class_dir)
    if args.split:
        with open(args.split) as f:
            ids = [line.split()[0] for line in f if line.strip()]
    else:
        ids = sorted(
            osp.splitext(osp.basename(p))[0]
            for p in glob.glob(osp.join(inst_dir, '*.png')))
    classes = VOC_FG
    if args.classes_file:
        with open(args.classes_file) as f:
            classes = [line.strip() for line in f if line.strip()]
    coco = pngs_to_coco(ids, inst_dir, cls_dir, classes, args.img_suffix,
                        ignore_as_crowd=args.ignore_as_crowd, progress=True)
    if osp.dirname(args.out):
        os.makedirs(osp.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(coco, f)
    print(f'{len(coco["images"])} images, {len(coco["annotations"])} '
          f'annotations -> {args.out}')


if __name__ == '__main__':
    main()
