"""Epoch-wise K-means of RCA's memory bank."""
import torch
from mmengine.dist import broadcast, get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmirn.registry import HOOKS


def rca_head_of(model):
    """The :class:`~mmirn.models.RCAHead` of a (wrapped) CAM classifier."""
    if is_model_wrapper(model):
        model = model.module
    return model.cam_head


@HOOKS.register_module()
class RCAHook(Hook):
    """Before each training epoch: tell the RCA head the epoch (the contrast
    starts at its ``contrast_start_epoch``) and recompute the per-class K-means
    centroids of its bank (eq. 7). Rank 0 clusters; the centroids are
    broadcast, so every rank aggregates with the same ones.

    Args:
        seed (int): K-means seed. Defaults to 0.
    """

    priority = 'NORMAL'

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def before_train_epoch(self, runner) -> None:
        head = rca_head_of(runner.model)
        head.epoch = runner.epoch
        self.recompute(head)

    def recompute(self, head) -> None:
        """Cluster the bank on rank 0 and broadcast the centroids."""
        agg = head.aggregation
        if get_rank() == 0:
            agg.recompute(head.memory, seed=self.seed)
        broadcast(agg.centroids, 0)
        valid = agg.centroid_valid.to(torch.uint8)  # gloo has no bool
        broadcast(valid, 0)
        agg.centroid_valid.copy_(valid.bool())
