"""RCA's released label rule: background from a saliency map, classes from the CAMs."""
from typing import Optional

import mmcv
import numpy as np

from mmirn.datasets.transforms.loading import read_saliency
from mmirn.pseudo.crf import crf_inference
from mmirn.registry import TASK_UTILS
from .utils import image_shape, sample_cams, sem_seg


@TASK_UTILS.register_module()
class SaliencyCAMLabeler:
    """``pred_sem_seg`` from an off-the-shelf saliency map and the image's CAMs.

    The rule of RCA's released labels (``gen_labels.py`` of maeve07/RCA, read for
    its behaviour), with ``s`` the saliency (0-255) and ``M`` the CAMs:

    1. optionally, a dense CRF (:func:`mmirn.pseudo.crf.crf_inference`) refines
       the CAMs against the background score ``(1 - max M)^crf_alpha`` and the
       refined class channels replace ``M`` (released: before the rule, alpha 4,
       10 iterations);
    2. not salient (``s < sal_thr``): background 0;
    3. salient: the arg-max class of ``M`` (``c + 1``) where its CAM exceeds the
       threshold, which is ``1 - s / 255`` when ``cam_thr`` is None (released: the
       arg-max over ``[1 - s / 255, M]``) or the constant ``cam_thr``;
    4. conflicts are ``ignore_index``: salient without a CAM above the threshold;
       not salient but a CAM above ``conf_thr`` (released 0.8); two classes above
       ``overlap_thr`` (released 0.9);
    5. an image with less than ``min_fg_ratio`` foreground is ignored entirely.

    Departures: a non-salient pixel whose CAM beats ``1 - s / 255`` (> 0.875 at
    the released threshold 32) keeps its class in the released code and is a
    conflict here; the released code min-max normalises each CAM, here the CAMs
    are taken as stored (``LoadCAMs``: max-normalised, in [0, 1]); the CRF gets
    the image in RGB (released: BGR, which its isotropic colour kernel does not
    tell apart).

    The saliency map is the sample's ``saliency`` field when packed, else read
    (:func:`~mmirn.datasets.transforms.loading.read_saliency`) from
    ``saliency_path`` in the metainfo (``data_prefix.saliency_path`` and
    ``'saliency_path'`` in ``PackWSSSInputs.meta_keys``); the CRF reads the image
    from ``img_path``.

    Args:
        sal_thr (int): Saliency (0-255) from which a pixel is salient.
            Defaults to 32.
        cam_thr (float, optional): CAM a salient pixel needs for a class; None
            compares with ``1 - s / 255``. Defaults to None.
        conf_thr (float): CAM that conflicts with a non-salient pixel.
            Defaults to 0.8.
        overlap_thr (float, optional): Two classes above it conflict; None
            turns the test off. Defaults to 0.9.
        min_fg_ratio (float): Minimum foreground fraction of a kept image.
            Defaults to 0.01.
        crf (bool): Refine the CAMs with a dense CRF first. Defaults to True.
        crf_alpha (float): Background power of the CRF's input. Defaults to 4.
        crf_iters (int): Mean-field iterations. Defaults to 10.
        cam_field (str): ``'cams'`` (stored) or ``'pred_cams'``.
            Defaults to 'cams'.
        ignore_index (int): Label of the conflicts. Defaults to 255.
    """

    def __init__(self,
                 sal_thr: int = 32,
                 cam_thr: Optional[float] = None,
                 conf_thr: float = 0.8,
                 overlap_thr: Optional[float] = 0.9,
                 min_fg_ratio: float = 0.01,
                 crf: bool = True,
                 crf_alpha: float = 4.,
                 crf_iters: int = 10,
                 cam_field: str = 'cams',
                 ignore_index: int = 255) -> None:
        if not 0 <= sal_thr <= 255:
            raise ValueError(f'sal_thr is a saliency level 0-255, got {sal_thr}')
        self.sal_thr = sal_thr
        self.cam_thr = cam_thr
        self.conf_thr = conf_thr
        self.overlap_thr = overlap_thr
        self.min_fg_ratio = min_fg_ratio
        self.crf = crf
        self.crf_alpha = crf_alpha
        self.crf_iters = crf_iters
        self.cam_field = cam_field
        self.ignore_index = ignore_index

    @staticmethod
    def saliency(sample) -> np.ndarray:
        """The sample's saliency map, uint8 [H, W]."""
        shape = image_shape(sample)
        if 'saliency' in sample:
            sal = sample.saliency.data.cpu().numpy().reshape(shape)
            return sal.astype(np.uint8)
        if 'saliency_path' in sample.metainfo:
            return read_saliency(sample.saliency_path, shape)
        raise KeyError('SaliencyCAMLabeler needs a saliency map: set '
                       'data_prefix.saliency_path (and keep saliency_path in '
                       'PackWSSSInputs.meta_keys, or add LoadSaliency)')

    def refine(self, img: np.ndarray, cams: np.ndarray) -> np.ndarray:
        """The CRF-refined class channels of ``[(1 - max M)^alpha, M]``."""
        bg = (1 - cams.max(0, keepdims=True))**self.crf_alpha
        probs = crf_inference(img, np.concatenate([bg, cams]), self.crf_iters)
        return probs[1:]

    def label(self, cams: np.ndarray, keys: np.ndarray, sal: np.ndarray,
              img: Optional[np.ndarray] = None) -> np.ndarray:
        """The label map (H, W) uint8 of CAMs (K, H, W) of classes ``keys``."""
        cams = np.clip(np.asarray(cams, np.float32), 0, 1)
        if self.crf and len(keys):
            cams = self.refine(img, cams)
        out = np.zeros(sal.shape, np.uint8)
        if len(keys) == 0:
            out[sal >= self.sal_thr] = self.ignore_index
            return out
        top, arg = cams.max(0), cams.argmax(0)
        thr = 1 - sal / 255. if self.cam_thr is None else self.cam_thr
        salient = sal >= self.sal_thr
        lut = (np.asarray(keys, np.int64) + 1).astype(np.uint8)
        out[salient] = np.where(top > thr, lut[arg], self.ignore_index)[salient]
        out[~salient & (top > self.conf_thr)] = self.ignore_index
        if self.overlap_thr is not None:
            out[(cams > self.overlap_thr).sum(0) > 1] = self.ignore_index
        fg = (out > 0) & (out != self.ignore_index)
        if fg.mean() < self.min_fg_ratio:
            out[:] = self.ignore_index
        return out

    def __call__(self, sample):
        cams, keys = sample_cams(sample, self.cam_field)
        sal = self.saliency(sample)
        img = None
        if self.crf:
            img = mmcv.imread(sample.img_path, channel_order='rgb')
        sample.pred_sem_seg = sem_seg(self.label(cams.numpy(), keys, sal, img))
        return sample
