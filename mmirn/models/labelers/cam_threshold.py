"""CAM-only semantic labels: the CAMs against a constant background score."""
from mmirn.pseudo.semantic import scores_to_label
from mmirn.registry import TASK_UTILS
from .utils import sample_cams, sem_seg


@TASK_UTILS.register_module()
class CAMThresholdLabeler:
    """``pred_sem_seg``: 0 where every CAM is at most ``bg_thr``, else the top class + 1.

    Args:
        bg_thr (float): Background score. Defaults to 0.15.
        cam_field (str): The full-resolution CAMs to label: ``'cams'`` (stored,
            ``LoadCAMs``) or ``'pred_cams'`` (predicted by ``CAMClassifier``).
            Defaults to 'cams'.
    """

    def __init__(self, bg_thr: float = 0.15, cam_field: str = 'cams') -> None:
        self.bg_thr = bg_thr
        self.cam_field = cam_field

    def __call__(self, sample):
        cams, keys = sample_cams(sample, self.cam_field)
        sample.pred_sem_seg = sem_seg(scores_to_label(cams, keys, self.bg_thr))
        return sample
