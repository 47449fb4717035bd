"""IRN's pseudo labels: CAMs walked on the predicted class boundaries (IRN 5.2)."""
import inspect
from typing import Sequence

from mmengine.structures import PixelData

from mmirn.pseudo.instance import (INSTANCE_MODES, instance_labels,
                                   score_detections)
from mmirn.pseudo.semantic import class_scores, scores_to_label
from mmirn.registry import TASK_UTILS
from mmirn.utils.config_keys import check_cfg_keys
from .utils import image_shape, instances, sample_cams, sample_map, sem_seg

_WALK_KEYS = ('radius', 'beta', 'num_iters', 'norm')
_INSTANCE_DEFAULTS = {
    k: p.default
    for k, p in inspect.signature(instance_labels).parameters.items()
    if p.default is not inspect.Parameter.empty
}


# the options a config may give (the rest are inputs the labellers pass)
_SEMANTIC_KEYS = ['bg_thr'] + [
    k for k in inspect.signature(class_scores).parameters
    if k not in ('cams', 'boundary', 'img_shape')]
_INSTANCE_KEYS = ['mode', 'extra_modes'] + [
    k for k in _INSTANCE_DEFAULTS
    if k not in ('boundary', 'displacement', 'high_res', 'mode')]


def _walk(cfg: dict) -> dict:
    """The options that decide the walked class scores (shared if equal)."""
    return {k: cfg[k] for k in _WALK_KEYS if k in cfg}


@TASK_UTILS.register_module()
class IRNSemanticLabeler:
    """IRN's semantic labels (:func:`mmirn.pseudo.semantic_label`).

    The stride-4 stored CAMs (``cams_strided``) are walked on ``pred_boundary``,
    upsampled to the image and arg-maxed against ``bg_thr``. Fills
    ``pred_sem_seg`` and ``seg_logits`` (the walked scores of the classes
    ``cam_keys``, which :class:`IRNInstanceLabeler` reuses for its
    ``'cam_boundary'`` mode instead of walking again).

    Args:
        bg_thr (float): Background score. Defaults to 0.25.
        radius (int): Random-walk radius. Defaults to 5.
        beta (float): Affinity exponent. Defaults to 10.
        num_iters (int): Walk steps. Defaults to 256.
        norm (str): ``'per_class'`` divides each walked class score by its own
            maximum, ``'global'`` all of them by their common maximum (IRN's
            released code). Defaults to 'per_class'.
        **label_cfg: Further options of the synthesis
            (:func:`mmirn.pseudo.semantic.class_scores`); an unknown key is an
            error.
    """

    def __init__(self,
                 bg_thr: float = 0.25,
                 radius: int = 5,
                 beta: float = 10.,
                 num_iters: int = 256,
                 norm: str = 'per_class',
                 **label_cfg) -> None:
        check_cfg_keys(label_cfg, _SEMANTIC_KEYS, 'IRNSemanticLabeler')
        self.bg_thr = bg_thr
        self.label_cfg = dict(
            radius=radius, beta=beta, num_iters=num_iters, norm=norm,
            **label_cfg)

    def __call__(self, sample):
        cams, keys = sample_cams(sample, 'cams_strided')
        boundary = sample_map(sample, 'pred_boundary', cams.shape[-2:])
        scores = class_scores(cams, boundary, image_shape(sample),
                              **self.label_cfg)
        sample.seg_logits = PixelData(
            data=scores, metainfo=dict(cam_keys=keys, walk=_walk(self.label_cfg)))
        sample.pred_sem_seg = sem_seg(scores_to_label(scores, keys, self.bg_thr))
        return sample


@TASK_UTILS.register_module()
class IRNInstanceLabeler:
    """IRN's instance labels (:func:`mmirn.pseudo.instance_labels`) as
    ``pred_instances``.

    Modes (IRN Table 1): ``'full'`` (displacement clustering, instance-wise CAMs
    walked on the boundaries), ``'cam_boundary'`` (walked CAMs, connected
    components), ``'cam'`` (CAMs only). Each ``extra_modes`` entry fills
    ``pred_instances_<mode>`` as well (the ablation in the same test loop). The
    ``'cam_boundary'`` walk is that of the semantic labels when an
    :class:`IRNSemanticLabeler` with the same walk ran before (``seg_logits``),
    else it is run here, once.

    Args:
        mode (str): The mode of ``pred_instances``. Defaults to 'full'.
        extra_modes (Sequence[str]): Further modes. Defaults to ().
        **label_cfg: Options of ``instance_labels`` (``bg_thr``, ``cam_bg_thr``,
            ``radius``, ``refine_iters``, ``norm``, ``refine_clamp``,
            ``unassigned``, ...); an unknown key is an error.
    """

    def __init__(self,
                 mode: str = 'full',
                 extra_modes: Sequence[str] = (),
                 **label_cfg) -> None:
        modes = [mode] + [m for m in extra_modes if m != mode]
        for m in modes:
            if m not in INSTANCE_MODES:
                raise ValueError(f'mode must be one of {INSTANCE_MODES}, got {m}')
        self.mode = mode
        self.modes = modes
        self.label_cfg = check_cfg_keys(label_cfg, _INSTANCE_KEYS,
                                        'IRNInstanceLabeler')

    @staticmethod
    def field(mode: str, main: str) -> str:
        """The data-sample field of a mode's instances."""
        return 'pred_instances' if mode == main else f'pred_instances_{mode}'

    def _shared_scores(self, sample, keys):
        """The semantic labeller's walked scores, if they are this mode's."""
        if 'seg_logits' not in sample:
            return None
        logits = sample.seg_logits
        cfg = dict(_INSTANCE_DEFAULTS, **self.label_cfg)
        if logits.metainfo.get('walk') != _walk(cfg) or \
                list(logits.metainfo.get('cam_keys', [])) != list(keys):
            return None
        return logits.data

    def detections(self, sample, mode: str) -> dict:
        """Detections (``masks``, ``labels``, ``scores``) of one mode."""
        cams, keys = sample_cams(sample, 'cams_strided')
        size = cams.shape[-2:]
        if mode == 'cam_boundary':
            scores = self._shared_scores(sample, keys)
            if scores is not None:
                cfg = dict(_INSTANCE_DEFAULTS, **self.label_cfg)
                return score_detections(scores, keys, cfg['bg_thr'],
                                        cfg['min_area'])
        inputs = dict()
        if mode != 'cam':
            inputs['boundary'] = sample_map(sample, 'pred_boundary', size)[0]
        if mode == 'full':
            inputs['displacement'] = sample_map(sample, 'pred_displacement', size)
        if 'cams' in sample:
            inputs['high_res'] = sample_cams(sample, 'cams')[0]
        return instance_labels(
            cams, keys, image_shape(sample), mode=mode, **inputs,
            **self.label_cfg)

    def __call__(self, sample):
        for mode in self.modes:
            sample.set_field(
                instances(self.detections(sample, mode)),
                self.field(mode, self.mode))
        return sample
