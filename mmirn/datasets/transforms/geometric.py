"""Geometric transforms that also move instance masks with the image.

mmseg's ``Resize``, ``RandomFlip`` and ``RandomCrop`` (and ``RandomResize``, which
builds mmseg's ``Resize`` under the mmseg / mmirn scopes) transform every key of
``seg_fields``, so ``gt_seg_map`` and ``gt_relation`` stay aligned with the image.
They leave ``gt_masks`` (bool [K, H, W]) untouched; these subclasses move it too.
Use ``RandomResize`` with ``resize_type='WSSSResize'``.
"""
import mmcv
import numpy as np
from mmseg.datasets.transforms import RandomCrop, RandomFlip, Resize

from mmirn.registry import TRANSFORMS


@TRANSFORMS.register_module()
class WSSSResize(Resize):
    """mmseg's ``Resize`` that also resizes ``gt_masks`` (nearest neighbour, to the
    size of the resized image). Arguments are those of mmseg's ``Resize``.
    """

    def _resize_seg(self, results: dict) -> None:
        super()._resize_seg(results)
        masks = results.get('gt_masks')
        if masks is None:
            return
        h, w = results['img'].shape[:2]
        resized = [
            mmcv.imresize(
                m.astype(np.uint8), (w, h),
                interpolation='nearest',
                backend=self.backend) for m in masks
        ]
        results['gt_masks'] = (
            np.stack(resized).astype(bool)
            if resized else np.zeros((0, h, w), dtype=bool))


@TRANSFORMS.register_module()
class WSSSRandomFlip(RandomFlip):
    """mmseg's ``RandomFlip`` that also flips ``gt_masks``. Arguments are those of
    mmseg's ``RandomFlip``.
    """

    def _flip(self, results: dict) -> None:
        super()._flip(results)
        masks = results.get('gt_masks')
        if masks is not None and len(masks):
            axes = dict(horizontal=(2, ), vertical=(1, ), diagonal=(1, 2))
            results['gt_masks'] = np.ascontiguousarray(
                np.flip(masks, axis=axes[results['flip_direction']]))


@TRANSFORMS.register_module()
class WSSSRandomCrop(RandomCrop):
    """mmseg's ``RandomCrop`` that also crops ``gt_masks``.

    Instances left without any pixel are dropped (with their ``gt_ins_labels``).
    Arguments are those of mmseg's ``RandomCrop``.
    """

    def transform(self, results: dict) -> dict:
        crop_bbox = self.crop_bbox(results)
        results['img'] = self.crop(results['img'], crop_bbox)
        for key in results.get('seg_fields', []):
            results[key] = self.crop(results[key], crop_bbox)
        masks = results.get('gt_masks')
        if masks is not None:
            y1, y2, x1, x2 = crop_bbox
            masks = masks[:, y1:y2, x1:x2]
            keep = masks.reshape(len(masks), -1).any(1)
            results['gt_masks'] = np.ascontiguousarray(masks[keep])
            if 'gt_ins_labels' in results:
                results['gt_ins_labels'] = results['gt_ins_labels'][keep]
        results['img_shape'] = results['img'].shape[:2]
        return results
