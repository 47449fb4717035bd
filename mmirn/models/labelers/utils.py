"""Reading labeller inputs from, and writing labels into, a data sample."""
from typing import Dict, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.structures import InstanceData, PixelData
from torch import Tensor


def sample_cams(sample, field: str = 'cams') -> Tuple[Tensor, np.ndarray]:
    """CAMs (float32 CPU [K, H, W]) and their foreground class keys (int64 [K])."""
    if field not in sample:
        raise KeyError(f'the labeller needs `{field}` in the data sample (stored CAMs: '
                       'add LoadCAMs to the test pipeline and set '
                       'data_prefix.cam_path)')
    cams = sample.get(field)
    keys = cams.metainfo['cam_keys']
    return cams.data.float().cpu(), np.asarray(torch.as_tensor(keys).cpu(), np.int64)


def sample_map(sample, field: str, size: Sequence[int]) -> Tensor:
    """A predicted map (float32 CPU [C, h, w]) of a sample, resized to ``size``."""
    if field not in sample:
        raise KeyError(f'the labeller needs `{field}` in the data sample (predicted '
                       'by the segmentor)')
    data = sample.get(field).data.float().cpu()
    if tuple(data.shape[-2:]) != tuple(size):
        data = F.interpolate(
            data[None], size=tuple(size), mode='bilinear', align_corners=False)[0]
    return data


def image_shape(sample) -> Tuple[int, int]:
    """(H, W) of the original image: the size of every label."""
    return tuple(sample.metainfo['ori_shape'][:2])


def sem_seg(label: np.ndarray) -> PixelData:
    """A (H, W) label map as mmseg's ``pred_sem_seg`` (int64 [1, H, W])."""
    return PixelData(data=torch.from_numpy(np.asarray(label, np.int64))[None])


def instances(dets: Dict[str, np.ndarray]) -> InstanceData:
    """Detections (``masks``, ``labels``, ``scores``) as ``InstanceData``."""
    return InstanceData(
        masks=torch.from_numpy(np.asarray(dets['masks'], dtype=bool)),
        labels=torch.from_numpy(np.asarray(dets['labels'], np.int64)),
        scores=torch.from_numpy(np.asarray(dets['scores'], np.float32)))
