"""PSA's semantic labels: a background score walked with the CAMs (PSA 3.4)."""
import inspect
from typing import Optional, Sequence

import numpy as np
import torch
from mmengine.structures import PixelData

from mmirn.pseudo.affinity_labels import alpha_from_threshold
from mmirn.pseudo.psa import psa_labels, walk_maps
from mmirn.registry import TASK_UTILS
from mmirn.utils.config_keys import check_cfg_keys
from .utils import image_shape, sample_cams, sample_map, sem_seg

SOURCES = ('affinity', 'boundary', 'none')
# the options a config may give: this class's and the walk's (not its inputs)
_KEYS = ['source', 'alpha', 'bg_thr', 'sweep_alphas'] + [
    k for k in inspect.signature(walk_maps).parameters
    if k not in ('maps', 'img_shape', 'affinity', 'boundary')]


@TASK_UTILS.register_module()
class PSALabeler:
    """PSA's semantic labels (:func:`mmirn.pseudo.psa_labels`) as ``pred_sem_seg``.

    The background ``(1 - max M)^alpha`` is walked with the full-resolution stored
    CAMs (``cams``) and the arg-max decides, without a threshold. The walk runs on

    - ``source='affinity'``: AffinityNet's ``pred_affinity`` (PSA),
    - ``source='boundary'``: IRNet's ``pred_boundary`` through boundary affinities
      (IRN's boundaries with PSA's background),
    - ``source='none'``: no walk (the CAMs with PSA's background).

    The stride (and the affinity radius) come from the field's metainfo. With
    ``sweep_alphas`` the labels of those powers come from the same walk, as
    ``pred_sem_seg_sweep`` (``data`` [A, H, W], ``sweep_name='alpha'``,
    ``sweep_values`` and the ``value`` of ``pred_sem_seg`` in the metainfo),
    which :class:`~mmirn.evaluation.SweepIoUMetric` scores.

    Args:
        source (str): 'affinity', 'boundary' or 'none'. Defaults to 'affinity'.
        alpha (float, optional): Background power. Defaults to None (16, PSA's,
            unless ``bg_thr`` is given).
        bg_thr (float, optional): A threshold of the max CAM that sets ``alpha``
            instead (:func:`~mmirn.pseudo.affinity_labels.alpha_from_threshold`).
            Defaults to None.
        beta (float): Affinity power of the walk. Defaults to 8.
        num_iters (int): Walk steps. Defaults to 256.
        sweep_alphas (Sequence[float]): Also label with these powers.
            Defaults to ().
        **label_cfg: Further options of ``psa_labels`` (e.g. ``radius``,
            ``stride`` to override the metainfo's); an unknown key is an error.
    """

    def __init__(self,
                 source: str = 'affinity',
                 alpha: Optional[float] = None,
                 bg_thr: Optional[float] = None,
                 beta: float = 8.,
                 num_iters: int = 256,
                 sweep_alphas: Sequence[float] = (),
                 **label_cfg) -> None:
        check_cfg_keys(label_cfg, _KEYS, 'PSALabeler')
        if source not in SOURCES:
            raise ValueError(f'source must be one of {SOURCES}, got {source}')
        if alpha is not None and bg_thr is not None:
            raise ValueError('give alpha or bg_thr, not both')
        if bg_thr is not None:
            alpha = alpha_from_threshold(bg_thr)
        self.source = source
        self.alpha = 16. if alpha is None else float(alpha)
        self.sweep_alphas = [float(a) for a in sweep_alphas]
        self.label_cfg = dict(beta=beta, num_iters=num_iters, **label_cfg)

    def _walk_inputs(self, sample, shape) -> dict:
        cfg = dict(self.label_cfg)
        if self.source == 'none':
            return cfg
        field = 'pred_affinity' if self.source == 'affinity' else 'pred_boundary'
        if field not in sample:
            raise KeyError(f'PSALabeler(source={self.source!r}) needs `{field}`')
        meta = sample.get(field).metainfo
        cfg.setdefault('stride', meta.get('stride', 8))
        if 'radius' in meta:
            cfg.setdefault('radius', meta['radius'])
        size = (-(-shape[0] // cfg['stride']), -(-shape[1] // cfg['stride']))
        if self.source == 'affinity':
            cfg['affinity'] = sample.pred_affinity.data.float().cpu()
        else:
            cfg['boundary'] = sample_map(sample, field, size)
        return cfg

    def __call__(self, sample):
        cams, keys = sample_cams(sample, 'cams')
        shape = image_shape(sample)
        alphas = [self.alpha] + self.sweep_alphas
        labels = psa_labels(cams.numpy(), keys, shape, alphas,
                            **self._walk_inputs(sample, shape))
        sample.pred_sem_seg = sem_seg(labels[0])
        if self.sweep_alphas:
            sample.set_field(
                PixelData(
                    data=torch.from_numpy(np.stack(labels[1:]).astype(np.int64)),
                    metainfo=dict(
                        sweep_name='alpha',
                        sweep_values=self.sweep_alphas,
                        value=self.alpha)), 'pred_sem_seg_sweep')
        return sample
