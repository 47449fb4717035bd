"""Affinity labels of PSA (Ahn and Kwak, CVPR18, section 3.2) from CAMs.

The background score ``(1 - max_c M_c)^alpha`` is stacked on the CAMs of the
present classes and each stack is refined by a dense CRF. As the base is below
1, a low power (alpha = 4) gives a strong background that leaves foreground
only where the CAMs are high, and a high power (alpha = 32) a weak background
that stays only where the CAMs are near zero. Confident foreground comes from
the low-alpha map, confident background from the high-alpha map, and the rest
is neutral (255), in the format of IRN's relation labels.

The powers are thresholds in disguise: without a CRF the arg-max over the
background and the CAMs is background exactly where ``max_c M_c < t`` with
``(1 - t)^alpha = t`` (:func:`alpha_from_threshold`). PSA's 4 / 16 / 32 are
t = 0.28 / 0.12 / 0.08, set around VOC CAMs whose mIoU peaks near t = 0.15;
CAMs that peak elsewhere need the powers of their own thresholds.
"""
import math
from typing import Optional

import numpy as np

from .crf import crf_inference
from .relations import IGNORE_INDEX, keyed_cams

# PSA's CRF kernels (its `crf_inference`, scale 1).
PSA_CRF_CFG = dict(
    num_iters=10, pos_xy_std=3., pos_w=3., bi_xy_std=80., bi_rgb_std=13.,
    bi_w=10.)


def alpha_from_threshold(thr: float) -> float:
    """The background power whose score equals the max CAM at ``thr``.

    ``(1 - thr)^alpha = thr``, i.e. ``alpha = ln(thr) / ln(1 - thr)``: with
    it the arg-max over ``(1 - max_c M_c)^alpha`` and the CAMs is background
    exactly where ``max_c M_c < thr`` (a lower power moves it up).

    Args:
        thr (float): Background threshold of the max CAM, in (0, 1).

    Returns:
        float: The power alpha (16 for thr = 0.123, 1 for 0.5, 0.557 for 0.6).
    """
    if not 0 < thr < 1:
        raise ValueError(f'the threshold must be in (0, 1), got {thr}')
    return math.log(thr) / math.log1p(-thr)


def bg_scores(cams: np.ndarray, alpha: float) -> np.ndarray:
    """Stack PSA's background score on the class CAMs.

    Args:
        cams (np.ndarray): (K, H, W) CAMs in [0, 1].
        alpha (float): Power of the background score.

    Returns:
        np.ndarray: (K + 1, H, W) float32, channel 0 ``(1 - max_k M_k)^alpha``
        (1 when K = 0), then the CAMs.
    """
    cams = np.asarray(cams, dtype=np.float32)
    peak = cams.max(0) if len(cams) else np.zeros(cams.shape[1:], np.float32)
    bg = np.power(np.clip(1 - peak, 0, 1), alpha)[None]
    return np.concatenate([bg, cams]).astype(np.float32)


def mine_affinity_labels(img: np.ndarray,
                         keys: np.ndarray,
                         cams: np.ndarray,
                         alpha_low: float = 4.,
                         alpha_high: float = 32.,
                         crf_cfg: Optional[dict] = None) -> np.ndarray:
    """Affinity labels of one image.

    Args:
        img (np.ndarray): (H, W, 3) uint8 RGB image.
        keys (np.ndarray): (K, ) foreground class indices of the CAM channels.
        cams (np.ndarray): (K, H, W) full-resolution CAMs in [0, 1].
        alpha_low (float): Background power of the foreground map.
            Defaults to 4.
        alpha_high (float): Background power of the background map.
            Defaults to 32.
        crf_cfg (dict, optional): Arguments of
            :func:`~mmirn.pseudo.crf.crf_inference`; ``dict(enabled=False)``
            takes the arg-max of the scores without a CRF. Defaults to None
            (PSA's CRF, :data:`PSA_CRF_CFG`).

    Returns:
        np.ndarray: (H, W) uint8: 0 confident background, c + 1 confident
        foreground class c, 255 neutral.
    """
    keys, cams, lut = keyed_cams(keys, cams)
    assert alpha_low <= alpha_high, 'alpha_low must not exceed alpha_high'
    crf_cfg = dict(PSA_CRF_CFG if crf_cfg is None else crf_cfg)
    use_crf = crf_cfg.pop('enabled', True)

    def label_map(alpha):
        scores = bg_scores(cams, alpha)
        if use_crf and len(keys):
            scores = crf_inference(img, scores, **crf_cfg)
        return lut[scores.argmax(0)]

    fg_map = label_map(alpha_low)
    bg_map = label_map(alpha_high)
    label = np.where(fg_map > 0, fg_map, IGNORE_INDEX).astype(np.uint8)
    label[bg_map == 0] = 0
    return label
