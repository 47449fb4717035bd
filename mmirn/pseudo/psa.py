"""PSA's semantic pseudo labels: CAMs and a background walked on affinities.

PSA (Ahn and Kwak, CVPR18, section 3.4) stacks the background score
``(1 - max_c M_c)^alpha`` (alpha = 16) on the CAMs, average-pools the stack to
the stride of AffinityNet's map (8), propagates it with the random walk
``T^t`` (``T = S^-1 A^beta``, beta = 8, t = 256), upsamples it to the image
and takes the arg-max: no background threshold. The same synthesis also runs
on IRN's boundary affinities (a mixed variant), where the stack is walked like
IRN's CAMs (:func:`mmirn.ops.propagate`, stride 4).
"""
from typing import List, Optional, Sequence

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


def walk_maps(maps: Tensor,
              img_shape: Sequence[int],
              affinity: Optional[Tensor] = None,
              boundary: Optional[Tensor] = None,
              radius: int = 5,
              beta: float = 8.,
              num_iters: int = 256,
              stride: int = 8) -> Tensor:
    """Pool full-resolution maps to ``stride``, walk them, and upsample back.

    The walk acts on each channel alone (a linear map shared by all
    channels), so maps walked together equal maps walked one by one.

    Args:
        maps (Tensor): (C, H, W) full-resolution maps.
        img_shape (Sequence[int]): (H, W) of the image.
        affinity (Tensor, optional): (D, ceil(H / stride), ceil(W / stride))
            affinities (AffinityNet's ``pred_affinity``) of ``radius``.
        boundary (Tensor, optional): (h, w) or (1, h, w) boundary
            probabilities at ``stride`` (IRNet's ``pred_boundary``); used when
            ``affinity`` is None. With neither, nothing is walked.
        radius (int): Affinity radius. Defaults to 5.
        beta (float): Affinity power of the walk. Defaults to 8.
        num_iters (int): Walk steps t. Defaults to 256.
        stride (int): Stride of the affinity (or boundary) map. Defaults to 8.

    Returns:
        Tensor: (C, H, W) walked maps (``maps`` itself without a walk).
    """
    if affinity is None and boundary is None:
        return maps
    h, w = img_shape[:2]
    small = pool_to_stride(maps, stride)
    size = tuple(small.shape[-2:])
    if affinity is not None:
        affinity = torch.as_tensor(affinity).float()
        if tuple(affinity.shape[-2:]) != size:
            raise ValueError(f'affinity of size {tuple(affinity.shape[-2:])} '
                             f'for maps of size {size} (stride {stride})')
        small = random_walk(small[None].contiguous(),
                            affinity[None].contiguous(), radius, beta,
                            num_iters)[0]
    else:
        boundary = torch.as_tensor(boundary).float().reshape(1, 1, *size)
        small = propagate(small[None].contiguous(), boundary.contiguous(),
                          radius, beta, num_iters)[0]
    up = F.interpolate(
        small[None], scale_factor=stride, mode='bilinear',
        align_corners=False)[0]
    return up[:, :h, :w]


def psa_scores(cams: Tensor,
               img_shape: Sequence[int],
               alpha: float = 16.,
               **kwargs) -> Tensor:
    """Walked background + class scores of one image at full resolution.

    Args:
        cams (Tensor): (K, H, W) full-resolution CAMs in [0, 1].
        img_shape (Sequence[int]): (H, W) of the image.
        alpha (float): Power of the background score. Defaults to 16.
        **kwargs: ``affinity`` or ``boundary`` and the walk options of
            :func:`walk_maps`.

    Returns:
        Tensor: (K + 1, H, W) scores, channel 0 the background.
    """
    cams = np.asarray(cams, dtype=np.float32)
    scores = torch.from_numpy(bg_scores(cams, alpha))
    return walk_maps(scores, img_shape, **kwargs)


def psa_labels(cams: Tensor, keys: Sequence[int], img_shape: Sequence[int],
               alphas: Sequence[float], **kwargs) -> List[np.ndarray]:
    """PSA's semantic pseudo labels of one image for several background powers.

    The background maps of every power are walked with the CAMs in one walk
    (see :func:`walk_maps`), so a sweep costs little more than one label.

    Args:
        cams (Tensor): (K, H, W) full-resolution CAMs in [0, 1].
        keys (Sequence[int]): (K,) foreground class indices of the channels.
        img_shape (Sequence[int]): (H, W) of the image.
        alphas (Sequence[float]): Background powers.
        **kwargs: ``affinity`` or ``boundary`` and the walk options of
            :func:`walk_maps`.

    Returns:
        list[np.ndarray]: One (H, W) uint8 label per power, 0 background,
        c + 1 for class c.
    """
    cams = np.asarray(cams, dtype=np.float32)
    bgs = [bg_scores(cams, alpha)[:1] for alpha in alphas]
    stack = torch.from_numpy(np.concatenate([*bgs, cams]))
    walked = walk_maps(stack, img_shape, **kwargs)
    num = len(bgs)
    lut = np.concatenate([[0], np.asarray(keys, np.int64) + 1]).astype(
        np.uint8)
    return [
        lut[torch.cat([walked[i:i + 1], walked[num:]]).argmax(0).numpy()]
        for i in range(num)
    ]


def psa_label(cams: Tensor, keys: Sequence[int], img_shape: Sequence[int],
              alpha: float = 16., **kwargs) -> np.ndarray:
    """PSA's semantic pseudo label of one image.

    Args:
        cams (Tensor): (K, H, W) full-resolution CAMs in [0, 1].
        keys (Sequence[int]): (K,) foreground class indices of the channels.
        img_shape (Sequence[int]): (H, W) of the image.
        alpha (float): Power of the background score. Defaults to 16.
        **kwargs: ``affinity`` or ``boundary`` and the walk options of
            :func:`walk_maps`.

    Returns:
        np.ndarray: (H, W) uint8, 0 background, c + 1 for class c.
    """
    return psa_labels(cams, keys, img_shape, [alpha], **kwargs)[0]
