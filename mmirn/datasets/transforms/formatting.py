"""Pack the results of a pipeline into a :class:`WSSSDataSample`."""
import warnings
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform, to_tensor
from mmengine.structures import InstanceData, PixelData

from mmirn.registry import TRANSFORMS
from mmirn.structures import WSSSDataSample


def _pixel_data(seg: np.ndarray) -> PixelData:
    if seg.ndim != 2:
        warnings.warn(f'Expected a 2-D map, got shape {seg.shape}')
        return PixelData(data=to_tensor(seg.astype(np.int64)))
    return PixelData(data=to_tensor(seg[None].astype(np.int64)))


@TRANSFORMS.register_module()
class PackWSSSInputs(BaseTransform):
    """Like mmseg's ``PackSegInputs``, but builds a :class:`WSSSDataSample`.

    Packed fields, each only when its key is in the results:

    - ``img`` -> ``inputs`` (Tensor [C, H, W]).
    - ``gt_label`` -> ``gt_label`` (float Tensor, multi-hot over foreground classes).
    - ``gt_seg_map`` -> ``gt_sem_seg`` (``PixelData``, int64 [1, H, W]).
    - ``gt_relation`` -> ``gt_relation`` (``PixelData``, int64 [1, H, W]).
    - ``cams`` / ``cams_strided`` (from ``LoadCAMs``) -> ``cams`` / ``cams_strided``
      (``PixelData`` float32 [K, H, W] / [K, h, w], with ``cam_keys`` and
      ``stride`` in their metainfo).
    - ``saliency`` (from ``LoadSaliency``) -> ``saliency`` (``PixelData``, uint8
      [1, H, W]).
    - ``gt_masks`` / ``gt_ins_labels`` -> ``gt_instances`` (``InstanceData`` with
      ``masks`` bool [K, H, W] and ``labels`` int64 [K]).

    Args:
        meta_keys (Sequence[str]): Keys of the results copied into the metainfo
            when present. Defaults to ``('img_path', 'seg_map_path',
            'relation_path', 'cam_path', 'saliency_path', 'img_id', 'ori_shape',
            'img_shape', 'pad_shape', 'scale_factor', 'flip', 'flip_direction',
            'reduce_zero_label', 'label_ids')``.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = (
                     'img_path', 'seg_map_path', 'relation_path', 'cam_path',
                     'saliency_path', 'img_id', 'ori_shape', 'img_shape',
                     'pad_shape', 'scale_factor',
                     'flip', 'flip_direction', 'reduce_zero_label',
                     'label_ids')) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        packed = dict()
        if 'img' in results:
            img = results['img']
            if img.ndim < 3:
                img = img[..., None]
            packed['inputs'] = to_tensor(
                np.ascontiguousarray(img.transpose(2, 0, 1)))
        sample = WSSSDataSample()
        if 'gt_label' in results:
            sample.gt_label = torch.as_tensor(
                np.asarray(results['gt_label']), dtype=torch.float32)
        if 'gt_seg_map' in results:
            sample.gt_sem_seg = _pixel_data(results['gt_seg_map'])
        if 'gt_relation' in results:
            sample.gt_relation = _pixel_data(results['gt_relation'])
        if 'cam_keys' in results:
            keys = torch.from_numpy(np.asarray(results['cam_keys'], np.int64))
            if 'cams' in results:
                sample.cams = PixelData(
                    data=torch.from_numpy(np.ascontiguousarray(results['cams'])),
                    metainfo=dict(cam_keys=keys, stride=1))
            sample.cams_strided = PixelData(
                data=torch.from_numpy(
                    np.ascontiguousarray(results['cams_strided'])),
                metainfo=dict(cam_keys=keys, stride=results['cam_stride']))
        if 'saliency' in results:
            sal = np.asarray(results['saliency'], dtype=np.uint8)
            sample.saliency = PixelData(
                data=torch.from_numpy(np.ascontiguousarray(sal[None])))
        if 'gt_masks' in results:
            masks = results['gt_masks']
            if hasattr(masks, 'to_ndarray'):  # mmdet BitmapMasks
                masks = masks.to_ndarray()
            sample.gt_instances = InstanceData(
                masks=torch.from_numpy(np.ascontiguousarray(masks, dtype=bool)),
                labels=torch.as_tensor(
                    np.asarray(results['gt_ins_labels']), dtype=torch.long))
        sample.set_metainfo(
            {k: results[k]
             for k in self.meta_keys if k in results})
        packed['data_samples'] = sample
        return packed

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
