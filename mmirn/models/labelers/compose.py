"""Several labellers in a row (e.g. IRN semantic and instance labels)."""
from typing import Dict, Sequence, Union

from mmirn.registry import TASK_UTILS


@TASK_UTILS.register_module()
class ComposeLabelers:
    """Call labellers one after the other on each sample.

    A later one sees what the earlier ones filled: :class:`IRNInstanceLabeler`
    reuses the walk of :class:`IRNSemanticLabeler` (``seg_logits``) for its
    ``'cam_boundary'`` mode; a :class:`PSALabeler` after an IRN one replaces its
    ``pred_sem_seg`` (IRN boundary + PSA background, IRN instances).

    Args:
        labelers (dict | Sequence): Labeller configs (or objects), best by name
            (``dict(sem=dict(type=...), ins=dict(type=...))``, called in that
            order) so that a config or ``--cfg-options`` changes one as
            ``model.labeler.labelers.sem.bg_thr=...``.
    """

    def __init__(self, labelers: Union[Dict[str, dict], Sequence]) -> None:
        if isinstance(labelers, dict):
            labelers = list(labelers.values())
        self.labelers = [
            TASK_UTILS.build(lab) if isinstance(lab, dict) else lab
            for lab in labelers
        ]

    def __call__(self, sample):
        for labeler in self.labelers:
            sample = labeler(sample)
        return sample
