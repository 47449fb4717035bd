"""Semantic pseudo labels: CAMs walked on IRNet's class boundaries (IRN 5.2)."""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from mmirn.ops import propagate
from .cam_io import atomic_write


def voc_palette(num: int = 256) -> np.ndarray:
    """The PASCAL VOC colour map: (num, 3) uint8, 0 black, 255 cream."""
    palette = np.zeros((num, 3), dtype=np.uint8)
    for i in range(num):
        c, r, g, b = i, 0, 0, 0
        for shift in range(7, -1, -1):
            r |= (c & 1) << shift
            g |= ((c >> 1) & 1) << shift
            b |= ((c >> 2) & 1) << shift
            c >>= 3
        palette[i] = (r, g, b)
    return palette


def save_png(label: np.ndarray, path: str,
             palette: Optional[np.ndarray] = None) -> None:
    """Write a uint8 label map as a palette PNG, atomically (temp file + rename).

    Args:
        label (np.ndarray): (H, W) label map with values in [0, 255].
        path (str): Destination file.
        palette (np.ndarray, optional): (256, 3) colours. Defaults to the VOC
            palette.
    """
    palette = voc_palette() if palette is None else palette
    img = Image.fromarray(label.astype(np.uint8))  # 'L', putpalette makes it 'P'
    img.putpalette(palette.reshape(-1).tolist())
    atomic_write(path, lambda f: img.save(f, format='PNG'), suffix='.png')


def load_png(path: str) -> np.ndarray:
    """Read the indices of a palette PNG (or a grey PNG) as uint8 (H, W)."""
    return np.asarray(Image.open(path), dtype=np.uint8)


def upsample_stride4(x: Tensor, img_shape: Sequence[int]) -> Tensor:
    """Bilinear x4 upsampling of (C, h, w) maps, cropped to ``img_shape[:2]``."""
    h, w = img_shape[:2]
    if x.shape[0] == 0:
        return x.new_zeros((0, h, w)).float()
    x = F.interpolate(
        x[None].float(), scale_factor=4, mode='bilinear',
        align_corners=False)[0]
    return x[:, :h, :w]


NORMS = ('per_class', 'global')


def norm_groups(num: int, norm: str,
                classes: Optional[Tensor] = None) -> Optional[Tensor]:
    """The ``groups`` of :func:`normalize_max` for a normalisation mode.

    Args:
        num (int): Number of channels.
        norm (str): ``'per_class'`` (each class by its own maximum; the channels
            of one class share it when ``classes`` is given) or ``'global'``
            (all channels by one maximum, as IRN's released code does).
        classes (Tensor, optional): (num,) class index of each channel.
            Defaults to None (one class per channel).
    """
    if norm not in NORMS:
        raise ValueError(f'norm must be one of {NORMS}, got {norm!r}')
    if norm == 'global':
        return torch.zeros(num, dtype=torch.long)
    return classes


def normalize_max(x: Tensor, groups: Optional[Tensor] = None,
                  eps: float = 1e-5) -> Tensor:
    """Divide each channel of (C, H, W) by its maximum (or by its group's).

    Args:
        x (Tensor): Non-negative maps (C, H, W).
        groups (Tensor, optional): (C,) group index of each channel; channels of a
            group share one maximum. Defaults to None (one group per channel).
        eps (float): Lower bound of the maxima. Defaults to 1e-5.
    """
    peak = x.flatten(1).max(dim=1).values
    if groups is not None:
        groups = torch.as_tensor(groups, device=x.device).long()
        group_peak = peak.new_zeros(int(groups.max()) + 1 if len(groups) else 0)
        group_peak = group_peak.scatter_reduce(0, groups, peak, 'amax')
        peak = group_peak[groups]
    return x / peak.clamp(min=eps)[:, None, None]


def walk_cams(cams: Tensor,
              boundary: Tensor,
              radius: int = 5,
              beta: float = 10.,
              num_iters: int = 256) -> Tensor:
    """Random walk of stride-4 CAMs on the boundary affinities (eq. 12, 13).

    Args:
        cams (Tensor): (K, h, w) stride-4 CAMs.
        boundary (Tensor): (h, w) or (1, h, w) boundary probabilities.
        radius (int): Neighbourhood radius. Defaults to 5.
        beta (float): Affinity exponent. Defaults to 10.
        num_iters (int): Walk steps t. Defaults to 256.

    Returns:
        Tensor: (K, h, w) walked CAMs.
    """
    if cams.shape[0] == 0:
        return cams.float()
    boundary = boundary.reshape(1, 1, *cams.shape[-2:]).float()
    out = propagate(
        cams[None].float().contiguous(), boundary.contiguous(),
        radius=radius, beta=beta, num_iters=num_iters)
    return out[0]


def class_scores(cams: Tensor,
                 boundary: Optional[Tensor],
                 img_shape: Sequence[int],
                 radius: int = 5,
                 beta: float = 10.,
                 num_iters: int = 256,
                 norm: str = 'per_class') -> Tensor:
    """Full-resolution class scores, normalised by their maximum.

    With ``boundary=None`` the CAMs are only upsampled (the CAM-only baseline).
    ``norm`` (one of ``NORMS``): ``'per_class'`` divides each channel by its own
    maximum, ``'global'`` all channels by the maximum over all of them (IRN's
    released ``make_sem_seg_labels``). Defaults to 'per_class'.
    """
    cams = torch.as_tensor(cams).float()
    groups = norm_groups(len(cams), norm)
    if boundary is not None:
        cams = walk_cams(cams, torch.as_tensor(boundary), radius, beta,
                         num_iters)
    return normalize_max(upsample_stride4(cams, img_shape), groups)


def argmax_with_bg(scores: Tensor, bg_thr: float) -> np.ndarray:
    """Arg-max over a constant background channel and ``scores`` (C, H, W).

    Returns:
        np.ndarray: (H, W) int64, 0 background, i + 1 where channel i wins.
    """
    if scores.shape[0] == 0:
        return np.zeros(tuple(scores.shape[-2:]), dtype=np.int64)
    scores = scores.detach().float().cpu().numpy()
    idx = scores.argmax(0)
    peak = np.take_along_axis(scores, idx[None], 0)[0]
    # Ties go to the background, as in an arg-max with background first.
    return np.where(peak > bg_thr, idx + 1, 0)


def scores_to_label(scores: Tensor, keys: Sequence[int],
                    bg_thr: float) -> np.ndarray:
    """Semantic label from class scores against a constant background score.

    Args:
        scores (Tensor): (K, H, W) normalised scores of the classes ``keys``.
        keys (Sequence[int]): Foreground class indices of the channels.
        bg_thr (float): The background score.

    Returns:
        np.ndarray: (H, W) uint8 labels, 0 background, c + 1 for class c.
    """
    keys = np.asarray(keys, dtype=np.int64)
    lut = np.concatenate([[0], keys + 1]).astype(np.uint8)
    return lut[argmax_with_bg(scores, bg_thr)]


def semantic_label(cams: Tensor,
                   keys: Sequence[int],
                   boundary: Optional[Tensor],
                   img_shape: Sequence[int],
                   radius: int = 5,
                   beta: float = 10.,
                   num_iters: int = 256,
                   bg_thr: float = 0.25,
                   norm: str = 'per_class') -> np.ndarray:
    """Semantic pseudo label of one image.

    The stride-4 CAMs are walked on the boundary map (``propagate``), upsampled
    to the image size, normalised by their maximum (per channel or over all
    channels, ``norm``) and arg-maxed against a constant background score
    ``bg_thr``.

    Args:
        cams (Tensor): (K, ceil(H/4), ceil(W/4)) CAMs of the present classes.
        keys (Sequence[int]): (K,) foreground class indices.
        boundary (Tensor, optional): (h, w) boundary probabilities at stride 4.
            None skips the walk (CAM-only labels).
        img_shape (Sequence[int]): (H, W) of the image.
        radius (int): Defaults to 5.
        beta (float): Defaults to 10.
        num_iters (int): Defaults to 256.
        bg_thr (float): Background score. Defaults to 0.25.
        norm (str): ``'per_class'`` or ``'global'`` (see :func:`class_scores`).
            Defaults to 'per_class'.

    Returns:
        np.ndarray: (H, W) uint8, 0 background, c + 1 for class c.
    """
    scores = class_scores(cams, boundary, img_shape, radius, beta, num_iters,
                          norm)
    return scores_to_label(scores, keys, bg_thr)


def confusion_matrix(pred: np.ndarray, gt: np.ndarray, num_classes: int,
                     ignore_index: int = 255) -> np.ndarray:
    """(num_classes, num_classes) int64 counts, rows ground truth, columns prediction."""
    valid = (gt != ignore_index) & (gt < num_classes)
    idx = gt[valid].astype(np.int64) * num_classes + pred[valid].astype(
        np.int64).clip(0, num_classes - 1)
    return np.bincount(idx, minlength=num_classes**2).reshape(
        num_classes, num_classes)


def miou_from_confusion(conf: np.ndarray) -> Tuple[float, np.ndarray]:
    """Mean IoU over the classes present in prediction or ground truth.

    Returns:
        tuple: mIoU in [0, 1] and the per-class IoU (nan for absent classes).
    """
    conf = conf.astype(np.float64)
    inter = np.diag(conf)
    union = conf.sum(0) + conf.sum(1) - inter
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = inter / union
    return float(np.nanmean(iou)) if np.isfinite(iou).any() else 0., iou
