"""Inter-pixel relation labels from CAMs (IRN, CVPR19, section 4.2).

Confident foreground is where the max CAM exceeds ``fg_thr`` (0.30), confident background
where it stays below ``bg_thr`` (0.05); each of the two label maps is refined by a dense
CRF. The relation label map takes the foreground classes of the first, the background of
the second, and ignores (255) the pixels in neither.
"""
from typing import Optional

import numpy as np
from PIL import Image

from .cam_io import atomic_write
from .crf import crf_inference_label

IGNORE_INDEX = 255


def keyed_cams(keys: np.ndarray, cams: np.ndarray):
    """Check an image's CAMs against their keys; the labels of their channels.

    Args:
        keys (np.ndarray): (K, ) foreground class indices of the CAM channels.
        cams (np.ndarray): (K, H, W) CAMs.

    Returns:
        tuple[np.ndarray, np.ndarray, np.ndarray]: ``keys`` as int64 (K, ),
        ``cams`` as float32 (K, H, W) and the int64 (K + 1, ) label of each
        channel of a background-first score stack: 0 background, c + 1
        foreground class c.
    """
    keys = np.asarray(keys, dtype=np.int64).reshape(-1)
    cams = np.asarray(cams, dtype=np.float32)
    assert cams.ndim == 3 and cams.shape[0] == keys.shape[0], \
        f'{keys.shape[0]} keys but CAMs of shape {cams.shape}'
    return keys, cams, np.concatenate([[0], keys + 1]).astype(np.int64)


def threshold_cams(cams: np.ndarray, thr: float) -> np.ndarray:
    """Label each pixel with its top CAM channel, or 0 where all CAMs are below thr.

    Args:
        cams (np.ndarray): (K, H, W) CAMs in [0, 1].
        thr (float): Score of the background.

    Returns:
        np.ndarray: (H, W) int64 labels, 0 background, k + 1 for channel k.
    """
    bg = np.full((1, ) + cams.shape[1:], thr, dtype=np.float32)
    return np.concatenate([bg, cams.astype(np.float32)]).argmax(0)


def mine_relation_labels(img: np.ndarray,
                         keys: np.ndarray,
                         cams: np.ndarray,
                         fg_thr: float = 0.30,
                         bg_thr: float = 0.05,
                         crf_cfg: Optional[dict] = None) -> np.ndarray:
    """Mine a relation label map from an image's CAMs.

    Args:
        img (np.ndarray): (H, W, 3) uint8 RGB image.
        keys (np.ndarray): (K, ) foreground class indices of the CAM channels.
        cams (np.ndarray): (K, H, W) full-resolution CAMs in [0, 1].
        fg_thr (float): Confident foreground threshold. Defaults to 0.30.
        bg_thr (float): Confident background threshold. Defaults to 0.05.
        crf_cfg (dict, optional): Arguments of
            :func:`~mmirn.pseudo.crf.crf_inference_label` (``num_iters``, ``gt_prob``,
            kernel parameters); ``dict(enabled=False)`` skips the CRF. Defaults to None
            (IRN's CRF settings).

    Returns:
        np.ndarray: (H, W) uint8, 0 confident background, c + 1 confident foreground
        class c, 255 ignored.
    """
    keys, cams, lut = keyed_cams(keys, cams)
    assert bg_thr <= fg_thr, 'bg_thr must not exceed fg_thr'
    crf_cfg = dict(crf_cfg or {})
    use_crf = crf_cfg.pop('enabled', True)

    def confident(thr):
        labels = threshold_cams(cams, thr)
        if use_crf:
            labels = crf_inference_label(img, labels, len(lut), **crf_cfg)
        return lut[labels]

    fg_conf = confident(fg_thr)
    bg_conf = confident(bg_thr)
    relation = np.where(fg_conf > 0, fg_conf, IGNORE_INDEX)
    relation[(fg_conf == 0) & (bg_conf == 0)] = 0
    return relation.astype(np.uint8)


def save_label_png(path: str, label: np.ndarray) -> None:
    """Save a uint8 label map as a PNG, atomically.

    Args:
        path (str): Output path.
        label (np.ndarray): (H, W) uint8 label map.
    """
    assert label.ndim == 2
    image = Image.fromarray(label.astype(np.uint8))
    atomic_write(path, lambda f: image.save(f, format='PNG'), suffix='.png')
