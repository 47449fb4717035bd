"""Per-image label mining from a dataset of images and their saved CAMs.

``tools/mine_labels.py`` builds a config's ``mine_dataloader.dataset`` (images
and CAMs, read by ``LoadImageFromFileChecked`` and ``LoadCAMs``) and its
``miner`` (a ``TASK_UTILS`` component below) and writes one label PNG per image,
sharded over ranks and worker processes. The miners take the results of the
dataset's pipeline, so no CAM file is opened here by image id.
"""
import os.path as osp
from abc import ABCMeta, abstractmethod
from multiprocessing import Pool
from typing import Optional, Tuple

import mmcv
import numpy as np
from mmengine.dist import get_dist_info
from mmengine.utils import ProgressBar

from mmirn.registry import TASK_UTILS
from mmirn.utils.config_keys import check_cfg_keys
from .affinity_labels import (PSA_CRF_CFG, alpha_from_threshold,
                              mine_affinity_labels)
from .relations import mine_relation_labels, save_label_png

# the keys of a miner's crf_cfg: the kernels of crf_from_unary, the iterations
CRF_KEYS = ('enabled', 'num_iters', 'pos_xy_std', 'pos_w', 'bi_xy_std',
            'bi_rgb_std', 'bi_w')


class LabelMiner(metaclass=ABCMeta):
    """Base of the miners: one label map from a pipeline's results.

    The results need ``img`` (uint8 [H, W, 3], in mmcv's BGR order unless
    ``to_rgb`` is False), ``cam_keys`` (int64 [K]) and ``cams`` (float32
    [K, H, W], the full-resolution CAMs), as ``LoadImageFromFileChecked`` and
    ``LoadCAMs`` add them.

    Args:
        to_rgb (bool): Convert the BGR image of mmcv's loaders to the RGB the
            CRF expects. Defaults to True.
    """

    def __init__(self, to_rgb: bool = True) -> None:
        self.to_rgb = to_rgb

    @abstractmethod
    def mine(self, img: np.ndarray, keys: np.ndarray,
             cams: np.ndarray) -> np.ndarray:
        """The uint8 [H, W] label map of an RGB image and its CAMs."""

    def __call__(self, results: dict) -> np.ndarray:
        missing = [k for k in ('img', 'cam_keys', 'cams') if k not in results]
        if missing:
            raise KeyError(
                f'{type(self).__name__} needs {missing} in the results of '
                f'{results.get("img_path", "an image")}: the mining pipeline '
                'must hold LoadImageFromFileChecked and LoadCAMs '
                '(with_high_res=True)')
        img = results['img']
        if self.to_rgb:
            img = mmcv.bgr2rgb(img)
        return self.mine(img, results['cam_keys'], results['cams'])


@TASK_UTILS.register_module()
class RelationMiner(LabelMiner):
    """IRN's inter-pixel relation labels (:func:`mine_relation_labels`).

    Args:
        fg_thr (float): Confident foreground threshold. Defaults to 0.30.
        bg_thr (float): Confident background threshold. Defaults to 0.05.
        crf_cfg (dict, optional): CRF arguments; ``dict(enabled=False)`` skips
            the CRF. Defaults to None (IRN's CRF).
        to_rgb (bool): See :class:`LabelMiner`. Defaults to True.
    """

    def __init__(self,
                 fg_thr: float = 0.30,
                 bg_thr: float = 0.05,
                 crf_cfg: Optional[dict] = None,
                 to_rgb: bool = True) -> None:
        super().__init__(to_rgb)
        if bg_thr > fg_thr:
            raise ValueError(f'bg_thr ({bg_thr}) must not exceed fg_thr '
                             f'({fg_thr})')
        self.fg_thr = fg_thr
        self.bg_thr = bg_thr
        if crf_cfg is not None:
            crf_cfg = check_cfg_keys(crf_cfg, CRF_KEYS + ('gt_prob', ),
                                     'RelationMiner.crf_cfg')
        self.crf_cfg = crf_cfg

    def mine(self, img, keys, cams):
        return mine_relation_labels(
            img, keys, cams, fg_thr=self.fg_thr, bg_thr=self.bg_thr,
            crf_cfg=self.crf_cfg)


@TASK_UTILS.register_module()
class AffinityLabelMiner(LabelMiner):
    """PSA's affinity labels (:func:`mine_affinity_labels`).

    The background powers are ``alpha_low`` / ``alpha_high`` (PSA's 4 / 32), or
    those of thresholds of the max CAM (``fg_thr`` / ``bg_thr``, see
    :func:`alpha_from_threshold`; PSA's are 0.28 / 0.08).

    Args:
        alpha_low (float): Background power of the confident foreground map.
            Defaults to 4.
        alpha_high (float): Background power of the confident background map.
            Defaults to 32.
        fg_thr (float, optional): Confident foreground above this max CAM;
            sets ``alpha_low``. Defaults to None.
        bg_thr (float, optional): Confident background below this max CAM;
            sets ``alpha_high``. Defaults to None.
        crf_cfg (dict, optional): Overrides of PSA's CRF (:data:`PSA_CRF_CFG`);
            ``dict(enabled=False)`` skips it. Defaults to None (PSA's CRF).
        to_rgb (bool): See :class:`LabelMiner`. Defaults to True.
    """

    def __init__(self,
                 alpha_low: float = 4.,
                 alpha_high: float = 32.,
                 fg_thr: Optional[float] = None,
                 bg_thr: Optional[float] = None,
                 crf_cfg: Optional[dict] = None,
                 to_rgb: bool = True) -> None:
        super().__init__(to_rgb)
        if fg_thr is not None:
            alpha_low = alpha_from_threshold(fg_thr)
        if bg_thr is not None:
            alpha_high = alpha_from_threshold(bg_thr)
        if alpha_low > alpha_high:
            raise ValueError(f'alpha_low ({alpha_low:.3g}) must not exceed '
                             f'alpha_high ({alpha_high:.3g}): fg_thr must not '
                             'be below bg_thr')
        self.alpha_low = alpha_low
        self.alpha_high = alpha_high
        self.crf_cfg = dict(
            PSA_CRF_CFG,
            **check_cfg_keys(crf_cfg, CRF_KEYS, 'AffinityLabelMiner.crf_cfg'))

    def mine(self, img, keys, cams):
        return mine_affinity_labels(
            img, keys, cams, alpha_low=self.alpha_low,
            alpha_high=self.alpha_high, crf_cfg=self.crf_cfg)


# what the worker processes mine with (set by _init_worker)
_WORK = {}


def _init_worker(dataset, miner, out_dir: str) -> None:
    _WORK.update(dataset=dataset, miner=miner, out_dir=out_dir)


def mine_one(index: int) -> bool:
    """Mine and save the label PNG of one dataset item; False when already done.

    The output is ``<out_dir>/<img_id>.png``; an existing one is kept and the
    image and its CAMs are not loaded.
    """
    dataset = _WORK['dataset']
    info = dataset.get_data_info(index)
    out_path = osp.join(_WORK['out_dir'], f'{info["img_id"]}.png')
    if osp.exists(out_path):
        return False
    results = dataset.pipeline(info)
    save_label_png(out_path, _WORK['miner'](results))
    return True


def mine_dataset(dataset, miner, out_dir: str,
                 workers: int = 1) -> Tuple[int, int]:
    """Mine this rank's share of a dataset's images, with a progress bar.

    Args:
        dataset (BaseDataset): Images and CAMs; its pipeline gives the results
            ``miner`` takes, and each data info has ``img_id``.
        miner (callable): Results -> uint8 [H, W] label map.
        out_dir (str): Folder of the ``<img_id>.png`` labels.
        workers (int): Processes of this rank. Defaults to 1.

    Returns:
        tuple[int, int]: Images written and images already done, on this rank.
    """
    rank, world_size = get_dist_info()
    indices = list(range(len(dataset)))[rank::world_size]
    progress = ProgressBar(len(indices))
    written = 0
    if workers > 1:
        with Pool(workers, initializer=_init_worker,
                  initargs=(dataset, miner, out_dir)) as pool:
            for done in pool.imap_unordered(mine_one, indices, chunksize=4):
                written += done
                progress.update()
    else:
        _init_worker(dataset, miner, out_dir)
        for index in indices:
            written += mine_one(index)
            progress.update()
    return written, len(indices) - written
