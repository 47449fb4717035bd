"""PSA's semantic pseudo labels: CAMs and a background walked on affinities.

PSA (Ahn and Kwak, CVPR18, section 3.4) stacks the background score
``(1 - max_c M_c)^alpha`` (alpha = 16) on the CAMs, average-pools the stack to
the stride of AffinityNet's map (8), propagates it with the random walk
``T^t`` (``T = S^-1 A^beta``, beta = 8, t = 256), upsamples it to the image
and takes the arg-max: no background threshold. The same synthesis also runs
on IRN's boundary affinities (a mixed variant), where the stack is walked like
IRN's CAMs (:func:`mmirn.ops.propagate`, stride 4).
"""
from typing import Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from mmirn.ops import propagate, random_walk
from .affinity_labels import bg_scores


def pool_to_stride(maps: Tensor, stride: int) -> Tensor:
    """Average-pool (C, H, W) maps by ``stride``, zero-padding bottom and right.

    Returns:
        Tensor: (C, ceil(H / stride), ceil(W / stride)).
    """
    if stride == 1:
        return maps
    h, w = maps.shape[-2:]
    pad_h, pad_w = -h % stride, -w % stride
    maps = F.pad(maps[None], (0, pad_w, 0, pad_h))
    return F.avg_pool2d(maps, stride, stride)[0]


def psa_scores(cams: Tensor,
               img_shape: Sequence[int],
               affinity: Optional[Tensor] = None,
               boundary: Optional[Tensor] = None,
               alpha: float = 16.,
               radius: int = 5,
               beta: float = 8.,
               num_iters: int = 256,
               stride: int = 8) -> Tensor:
    """Walked background + class scores of one image at full resolution.

    Args:
        cams (Tensor): (K, H, W) full-resolution CAMs in [0, 1].
        img_shape (Sequence[int]): (H, W) of the image.
        affinity (Tensor, optional): (D, ceil(H / stride), ceil(W / stride))
            affinities (AffinityNet's ``pred_affinity``) of ``radius``.
        boundary (Tensor, optional): (h, w) or (1, h, w) boundary
            probabilities at ``stride`` (IRNet's ``pred_boundary``); used when
            ``affinity`` is None. With neither, nothing is walked.
        alpha (float): Power of the background score. Defaults to 16.
        radius (int): Affinity radius. Defaults to 5.
        beta (float): Affinity power of the walk. Defaults to 8.
        num_iters (int): Walk steps t. Defaults to 256.
        stride (int): Stride of the affinity (or boundary) map. Defaults to 8.

    Returns:
        Tensor: (K + 1, H, W) scores, channel 0 the background.
    """
    h, w = img_shape[:2]
    cams = torch.as_tensor(np.asarray(cams, dtype=np.float32))
    scores = torch.from_numpy(bg_scores(cams.numpy(), alpha))
    small = pool_to_stride(scores, stride)
    size = tuple(small.shape[-2:])
    if affinity is not None:
        affinity = torch.as_tensor(affinity).float()
        if tuple(affinity.shape[-2:]) != size:
            raise ValueError(f'affinity of size {tuple(affinity.shape[-2:])} '
                             f'for maps of size {size} (stride {stride})')
        small = random_walk(small[None].contiguous(),
                            affinity[None].contiguous(), radius, beta,
                            num_iters)[0]
    elif boundary is not None:
        boundary = torch.as_tensor(boundary).float().reshape(1, 1, *size)
        small = propagate(small[None].contiguous(), boundary.contiguous(),
                          radius, beta, num_iters)[0]
    else:
        return scores
    up = F.interpolate(
        small[None], scale_factor=stride, mode='bilinear',
        align_corners=False)[0]
    return up[:, :h, :w]


def psa_label(cams: Tensor, keys: Sequence[int], img_shape: Sequence[int],
              **kwargs) -> np.ndarray:
    """PSA's semantic pseudo label of one image.

    Args:
        cams (Tensor): (K, H, W) full-resolution CAMs in [0, 1].
        keys (Sequence[int]): (K,) foreground class indices of the channels.
        img_shape (Sequence[int]): (H, W) of the image.
        **kwargs: ``affinity`` or ``boundary`` and the options of
            :func:`psa_scores`.

    Returns:
        np.ndarray: (H, W) uint8, 0 background, c + 1 for class c.
    """
    scores = psa_scores(cams, img_shape, **kwargs)
    lut = np.concatenate([[0], np.asarray(keys, np.int64) + 1]).astype(
        np.uint8)
    return lut[scores.argmax(0).numpy()]
