"""Instance pseudo labels from displacements and boundaries (IRN 5.1, 5.2, A.1)."""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage
from torch import Tensor

from .semantic import (NORMS, argmax_with_bg, class_scores, norm_groups,
                       normalize_max, upsample_stride4, walk_cams)

INSTANCE_MODES = ('cam', 'cam_boundary', 'full')


CLAMP_MODES = ('end', 'step')
UNASSIGNED_MODES = ('drop', 'instance')


def refine_displacement(displacement: Tensor,
                        num_iters: int = 101,
                        clamp: str = 'end') -> Tensor:
    """Move every pixel along the field: ``p_{u+1} = p_u + D(p_u)``, ``p_0 = x``.

    ``D`` is sampled bilinearly; ``p_u - x`` is the paper's refined field
    ``D_{u-1}`` (``D_{u+1}(x) = D_u(x) + D(x + D_u(x))``, ``D_0 = D``).

    Args:
        displacement (Tensor): (2, h, w) field, (dy, dx) in pixels.
        num_iters (int): Moves u. Defaults to 101 (the paper's 100 refinement
            steps; IRN's released code makes 300).
        clamp (str): ``'step'`` clamps the positions to the map after every
            move (IRN's released code); ``'end'`` lets them leave it (the field
            is read at its border) and leaves the clipping to the caller.
            Defaults to 'end'.

    Returns:
        Tensor: (2, h, w) refined field; ``x + D`` is the centroid reached from x.
    """
    if clamp not in CLAMP_MODES:
        raise ValueError(f'clamp must be one of {CLAMP_MODES}, got {clamp!r}')
    disp = displacement.float()
    h, w = disp.shape[-2:]
    ys, xs = torch.meshgrid(
        torch.arange(h, dtype=disp.dtype), torch.arange(w, dtype=disp.dtype),
        indexing='ij')
    start = torch.stack([ys, xs])
    scale = disp.new_tensor([max(w - 1, 1), max(h - 1, 1)]) / 2
    lower, upper = -start, disp.new_tensor([h - 1, w - 1]).view(2, 1, 1) - start
    refined = torch.zeros_like(disp)
    for u in range(num_iters):
        if u == 0:  # at the pixels themselves: D, exactly
            step = disp
        else:
            pos = torch.stack([xs + refined[1], ys + refined[0]], dim=-1)
            step = F.grid_sample(
                disp[None], (pos / scale - 1)[None], mode='bilinear',
                padding_mode='border', align_corners=True)[0]
        refined = refined + step
        if clamp == 'step':  # keep x + refined inside the map
            refined = torch.maximum(torch.minimum(refined, upper), lower)
    return refined


def find_centroids(displacement: Tensor, threshold: float = 2.5) -> np.ndarray:
    """Candidate centroids ``||D(x)|| < threshold``, one per 4-connected component.

    Returns:
        np.ndarray: (h, w) int32 map, 0 no centroid, k for component k (1-based).
    """
    norm = displacement.float().norm(dim=0).cpu().numpy()
    components, _ = ndimage.label(norm < threshold)
    return components.astype(np.int32)


def instance_map(displacement: Tensor,
                 num_iters: int = 101,
                 centroid_thr: float = 2.5,
                 clamp: str = 'end',
                 unassigned: str = 'drop') -> np.ndarray:
    """Cluster pixels by the centroid component their refined displacement reaches.

    Args:
        displacement (Tensor): (2, h, w) centred displacement field.
        num_iters (int): Refinement moves (:func:`refine_displacement`).
            Defaults to 101.
        centroid_thr (float): Centroid candidate threshold. Defaults to 2.5.
        clamp (str): Clamping of the moving positions, see
            :func:`refine_displacement`. Defaults to 'end'.
        unassigned (str): Pixels whose refined centroid lands in no candidate
            component: ``'drop'`` leaves them at 0 (no instance), ``'instance'``
            makes them one more instance together (IRN's released code).
            Defaults to 'drop'.

    Returns:
        np.ndarray: (h, w) int32 instance map, 0 where no instance is reached.
    """
    if unassigned not in UNASSIGNED_MODES:
        raise ValueError(
            f'unassigned must be one of {UNASSIGNED_MODES}, got {unassigned!r}')
    centroids = find_centroids(displacement, centroid_thr)
    refined = refine_displacement(displacement, num_iters, clamp).cpu().numpy()
    h, w = centroids.shape
    ys, xs = np.mgrid[:h, :w]
    end_y = np.clip(np.round(ys + refined[0]), 0, h - 1).astype(np.int64)
    end_x = np.clip(np.round(xs + refined[1]), 0, w - 1).astype(np.int64)
    ins = centroids[end_y, end_x]
    if unassigned == 'instance':
        ins = np.where(ins == 0, centroids.max() + 1, ins).astype(np.int32)
    return ins


def _detections(label_map: np.ndarray, scores: np.ndarray,
                labels: np.ndarray, min_area: float) -> Dict[str, np.ndarray]:
    """Connected components of each segment id of ``label_map`` as detections.

    ``label_map`` holds segment ids (0 none); segment s has class ``labels[s-1]``
    and score map ``scores[s-1]``. A component scores the max of its score map
    inside it, or 0 when it covers less than ``min_area`` of the image.
    """
    h, w = label_map.shape
    masks, out_labels, out_scores = [], [], []
    for seg in np.unique(label_map):
        if seg == 0:
            continue
        components, num = ndimage.label(label_map == seg)
        for k in range(1, num + 1):
            mask = components == k
            score = float(scores[seg - 1][mask].max())
            if mask.sum() < min_area * h * w:
                score = 0.
            masks.append(mask)
            out_labels.append(labels[seg - 1])
            out_scores.append(score)
    order = np.argsort(-np.asarray(out_scores, dtype=np.float64), kind='stable')
    return dict(
        masks=np.asarray(masks, dtype=bool).reshape(-1, h, w)[order],
        labels=np.asarray(out_labels, dtype=np.int64)[order],
        scores=np.asarray(out_scores, dtype=np.float32)[order])


def instance_labels(cams: Tensor,
                    keys: Sequence[int],
                    img_shape: Sequence[int],
                    boundary: Optional[Tensor] = None,
                    displacement: Optional[Tensor] = None,
                    high_res: Optional[Tensor] = None,
                    mode: str = 'full',
                    radius: int = 5,
                    beta: float = 10.,
                    num_iters: int = 256,
                    bg_thr: float = 0.25,
                    cam_bg_thr: float = 0.15,
                    refine_iters: int = 101,
                    centroid_thr: float = 2.5,
                    min_area: float = 0.01,
                    min_cam: float = 0.02,
                    norm: str = 'per_class',
                    refine_clamp: str = 'end',
                    unassigned: str = 'drop') -> Dict[str, np.ndarray]:
    """Instance pseudo labels of one image.

    Modes (IRN Table 1):

    - ``'cam'``: CAMs thresholded at ``cam_bg_thr``; every connected component
      of a class is an instance scored by its max CAM.
    - ``'cam_boundary'``: the same on CAMs walked on the boundary map with
      background score ``bg_thr``.
    - ``'full'``: displacement clustering into an instance map, instance-wise
      CAMs ``M_c * [I = k]`` walked on the boundary map, normalised by the
      maximum over the instances of each class (``norm='per_class'``) or over
      all of them (``'global'``), per-pixel arg-max over (class, instance)
      against ``bg_thr``; detections are the connected components of each
      (class, instance) mask scored by their max walked score.

    In all modes components below ``min_area`` of the image score 0.

    Args:
        cams (Tensor): (K, h, w) stride-4 CAMs of the classes ``keys``.
        keys (Sequence[int]): (K,) foreground class indices.
        img_shape (Sequence[int]): (H, W).
        boundary (Tensor, optional): (h, w) boundary map; for the modes with it.
        displacement (Tensor, optional): (2, h, w) centred displacement field;
            for ``'full'``.
        high_res (Tensor, optional): (K, H, W) full-resolution CAMs for ``'cam'``
            (else the stride-4 CAMs are upsampled).
        mode (str): One of ``INSTANCE_MODES``. Defaults to 'full'.
        radius, beta, num_iters: The random walk. Defaults to 5, 10, 256.
        bg_thr (float): Background score after the walk. Defaults to 0.25.
        cam_bg_thr (float): Background score of the CAM-only mode.
            Defaults to 0.15.
        refine_iters (int): Displacement refinement moves
            (:func:`refine_displacement`). Defaults to 101.
        centroid_thr (float): Centroid threshold. Defaults to 2.5.
        min_area (float): Fragment area (fraction of the image) below which a
            detection scores 0. Defaults to 0.01.
        min_cam (float): Instance-wise CAMs whose maximum is at most this are
            dropped before the walk (saves time). Defaults to 0.02.
        norm (str): Normalisation of the walked scores (``'cam_boundary'``,
            ``'full'``): ``'per_class'`` or ``'global'`` (IRN's released
            ``make_ins_seg_labels``). The ``'cam'`` mode keeps each class's CAM
            as it is. Defaults to 'per_class'.
        refine_clamp (str): ``'end'`` or ``'step'`` (released code), see
            :func:`refine_displacement`. Defaults to 'end'.
        unassigned (str): ``'drop'`` or ``'instance'`` (released code), see
            :func:`instance_map`. Defaults to 'drop'.

    Returns:
        dict: ``masks`` bool (N, H, W), ``labels`` int64 (N,), ``scores``
        float32 (N,), sorted by score, and ``instance_map`` uint8 (H, W) with
        detection i + 1 at its pixels (0 background).
    """
    assert mode in INSTANCE_MODES, f'mode must be one of {INSTANCE_MODES}'
    if norm not in NORMS:
        raise ValueError(f'norm must be one of {NORMS}, got {norm!r}')
    keys = np.asarray(keys, dtype=np.int64)
    cams = torch.as_tensor(cams).float()
    h, w = img_shape[:2]
    if len(keys) == 0:
        dets = _detections(np.zeros((h, w), np.int64), [], keys, min_area)
    elif mode in ('cam', 'cam_boundary'):
        if mode == 'cam':
            if high_res is not None:
                scores = normalize_max(torch.as_tensor(high_res).float())
                scores = scores[:, :h, :w]
            else:
                scores = class_scores(cams, None, img_shape)
            thr = cam_bg_thr
        else:
            scores = class_scores(cams, boundary, img_shape, radius, beta,
                                  num_iters, norm)
            thr = bg_thr
        label = argmax_with_bg(scores, thr)
        dets = _detections(label, scores.cpu().numpy(), keys, min_area)
    else:
        ins = torch.from_numpy(
            instance_map(displacement, refine_iters, centroid_thr,
                         refine_clamp, unassigned)).long()
        num_ins = int(ins.max())
        # Instance-wise CAMs (class-major): channel c * num_ins + k - 1.
        onehot = F.one_hot(ins, num_ins + 1)[..., 1:].permute(2, 0, 1).float()
        ins_cams = (cams[:, None] * onehot[None]).flatten(0, 1)
        groups = torch.arange(len(keys)).repeat_interleave(num_ins)
        # Skip (class, instance) pairs without CAM mass: the walk averages, so
        # they cannot pass bg_thr (under 'global' unless the largest walked
        # score is below min_cam / bg_thr).
        keep = ins_cams.flatten(1).max(1).values > min_cam
        ins_cams, groups = ins_cams[keep], groups[keep]
        walked = walk_cams(ins_cams, torch.as_tensor(boundary), radius, beta,
                           num_iters)
        scores = normalize_max(
            upsample_stride4(walked, img_shape),
            norm_groups(len(groups), norm, groups))
        label = argmax_with_bg(scores, bg_thr)
        dets = _detections(label, scores.cpu().numpy(),
                           keys[groups.numpy()], min_area)
    ins_png = np.zeros((h, w), dtype=np.uint8)
    for i in range(min(len(dets['masks']), 254) - 1, -1, -1):
        ins_png[dets['masks'][i]] = i + 1
    dets['instance_map'] = ins_png
    return dets


def displacement_to_rgb(displacement: Tensor,
                        max_norm: Optional[float] = None) -> np.ndarray:
    """Colour-wheel picture of a displacement field (IRN Figure 9).

    Hue is the direction, saturation the length (relative to ``max_norm``),
    so zero displacement (centroids, background) is white.

    Args:
        displacement (Tensor): (2, h, w) field, (dy, dx).
        max_norm (float, optional): Length of full saturation. Defaults to the
            largest length in the field.

    Returns:
        np.ndarray: (h, w, 3) uint8 RGB image.
    """
    import matplotlib.colors as mcolors
    disp = torch.as_tensor(displacement).float().cpu().numpy()
    norm = np.hypot(disp[0], disp[1])
    max_norm = float(norm.max()) if max_norm is None else max_norm
    hue = (np.arctan2(-disp[0], -disp[1]) / (2 * np.pi)) % 1.
    sat = np.clip(norm / max(max_norm, 1e-5), 0, 1)
    hsv = np.stack([hue, sat, np.ones_like(hue)], axis=-1)
    return (mcolors.hsv_to_rgb(hsv) * 255).round().astype(np.uint8)


def score_detections(scores: Tensor, keys: Sequence[int], bg_thr: float,
                     min_area: float = 0.01) -> Dict[str, np.ndarray]:
    """Detections of per-class scores (K, H, W) against a background score.

    The ``'cam'`` / ``'cam_boundary'`` modes of :func:`instance_labels` on scores
    computed elsewhere (e.g. the walk the semantic labels already ran): every
    connected component of a class's arg-max region, scored by its max score.
    """
    keys = np.asarray(keys, dtype=np.int64)
    label = argmax_with_bg(scores, bg_thr)
    return _detections(label, scores.detach().float().cpu().numpy(), keys,
                       min_area)
