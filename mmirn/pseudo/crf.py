"""Dense CRF refinement (Krähenbühl and Koltun, NeurIPS11) through ``pydensecrf``.

General over the number of labels, so it serves IRN's relation mining (unary from hard
labels) and PSA's affinity labels (unary from class scores).
"""
import numpy as np

_EPS = 1e-8


def _densecrf():
    try:
        import pydensecrf.densecrf as dcrf
    except ImportError as e:  # pragma: no cover
        raise ImportError(
            'Dense CRF needs pydensecrf: pip install -r requirements/optional.txt'
        ) from e
    return dcrf


def _check_img(img: np.ndarray, shape) -> np.ndarray:
    assert img.ndim == 3 and img.shape[2] == 3, \
        f'img must be (H, W, 3) uint8, got {img.shape}'
    assert tuple(img.shape[:2]) == tuple(shape), \
        f'img {img.shape[:2]} and scores {tuple(shape)} differ in size'
    return np.ascontiguousarray(img, dtype=np.uint8)


def crf_from_unary(img: np.ndarray,
                   unary: np.ndarray,
                   num_iters: int = 10,
                   pos_xy_std: float = 3.,
                   pos_w: float = 3.,
                   bi_xy_std: float = 50.,
                   bi_rgb_std: float = 5.,
                   bi_w: float = 10.) -> np.ndarray:
    """Mean-field inference of a dense CRF from a unary energy.

    Args:
        img (np.ndarray): (H, W, 3) uint8 image, the colours of the bilateral kernel.
        unary (np.ndarray): (L, H, W) unary energy (negative log probability).
        num_iters (int): Mean-field iterations. Defaults to 10.
        pos_xy_std (float): Spatial std of the smoothness kernel. Defaults to 3.
        pos_w (float): Weight of the smoothness kernel. Defaults to 3.
        bi_xy_std (float): Spatial std of the appearance kernel. Defaults to 50.
        bi_rgb_std (float): Colour std of the appearance kernel. Defaults to 5.
        bi_w (float): Weight of the appearance kernel. Defaults to 10.

    Returns:
        np.ndarray: (L, H, W) float32 marginal probabilities.
    """
    num_labels, h, w = unary.shape
    img = _check_img(img, (h, w))
    dcrf = _densecrf()
    crf = dcrf.DenseCRF2D(w, h, num_labels)
    crf.setUnaryEnergy(
        np.ascontiguousarray(unary.reshape(num_labels, -1), dtype=np.float32))
    crf.addPairwiseGaussian(sxy=pos_xy_std, compat=pos_w)
    crf.addPairwiseBilateral(
        sxy=bi_xy_std, srgb=bi_rgb_std, rgbim=img, compat=bi_w)
    q = crf.inference(num_iters)
    return np.asarray(q, dtype=np.float32).reshape(num_labels, h, w)


def crf_inference(img: np.ndarray,
                  probs: np.ndarray,
                  num_iters: int = 10,
                  **kwargs) -> np.ndarray:
    """Refine per-label probabilities (or any non-negative scores) with a dense CRF.

    Scores are normalised over the labels at each pixel, then ``-log`` is the unary.

    Args:
        img (np.ndarray): (H, W, 3) uint8 image.
        probs (np.ndarray): (L, H, W) non-negative scores, any number of labels L.
        num_iters (int): Mean-field iterations. Defaults to 10.
        **kwargs: Kernel parameters of :func:`crf_from_unary`.

    Returns:
        np.ndarray: (L, H, W) float32 refined probabilities.
    """
    probs = np.asarray(probs, dtype=np.float32)
    assert probs.ndim == 3, f'probs must be (L, H, W), got {probs.shape}'
    probs = np.maximum(probs, 0)
    probs = probs / np.maximum(probs.sum(0, keepdims=True), _EPS)
    return crf_from_unary(img, -np.log(np.maximum(probs, _EPS)), num_iters,
                          **kwargs)


def crf_inference_label(img: np.ndarray,
                        labels: np.ndarray,
                        num_labels: int,
                        num_iters: int = 10,
                        gt_prob: float = 0.7,
                        **kwargs) -> np.ndarray:
    """Refine a hard label map with a dense CRF (IRN's relation mining).

    Each pixel's label gets probability ``gt_prob``; the others share the rest.

    Args:
        img (np.ndarray): (H, W, 3) uint8 image.
        labels (np.ndarray): (H, W) integer labels in ``[0, num_labels)``.
        num_labels (int): Number of labels.
        num_iters (int): Mean-field iterations. Defaults to 10.
        gt_prob (float): Confidence of the given labels. Defaults to 0.7.
        **kwargs: Kernel parameters of :func:`crf_from_unary`.

    Returns:
        np.ndarray: (H, W) int64 refined labels.
    """
    labels = np.asarray(labels)
    assert labels.ndim == 2, f'labels must be (H, W), got {labels.shape}'
    assert labels.min() >= 0 and labels.max() < num_labels, \
        f'labels must lie in [0, {num_labels})'
    if num_labels == 1:
        return np.zeros(labels.shape, dtype=np.int64)
    probs = np.full((num_labels, ) + labels.shape,
                    (1 - gt_prob) / (num_labels - 1), dtype=np.float32)
    np.put_along_axis(probs, labels[None].astype(np.int64), gt_prob, axis=0)
    q = crf_from_unary(img, -np.log(probs), num_iters, **kwargs)
    return q.argmax(0)
