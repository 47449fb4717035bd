"""Store IRNet's mean displacement over the training set in the model."""
from typing import Optional

import torch
from mmengine.dist import all_reduce, get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch.utils.data import DataLoader, Subset

from mmirn.registry import HOOKS


@HOOKS.register_module()
class DisplacementMeanHook(Hook):
    """Centre IRNet's displacement field at the end of training.

    After the last training iteration the model predicts the
    displacement of the training set once (this rank's share, with the training
    pipeline, a sequential loader and no workers: the training loader itself
    may be infinite or hold persistent workers) in eval mode and
    stores the mean (dy, dx) in the head's ``disp_mean`` buffer, which is part
    of the state dict and so of the final checkpoint, and is subtracted at
    inference. Runs before ``CheckpointHook`` (priority ``ABOVE_NORMAL``).

    Args:
        max_batches (int, optional): Use at most this many batches.
            Defaults to None (the whole training set).
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, max_batches: Optional[int] = None) -> None:
        self.max_batches = max_batches

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        # The last iteration comes before the checkpoint of the last epoch too.
        if self.is_last_train_iter(runner):
            self.update_mean(runner)

    @staticmethod
    def finite_loader(loader):
        """One pass over this rank's share of the loader's dataset."""
        if not isinstance(loader, DataLoader):
            return loader
        rank, world_size = get_dist_info()
        dataset = loader.dataset
        if world_size > 1:
            dataset = Subset(dataset, range(rank, len(dataset), world_size))
        return DataLoader(
            dataset,
            batch_size=loader.batch_size,
            shuffle=False,
            num_workers=0,
            collate_fn=loader.collate_fn)

    @torch.no_grad()
    def update_mean(self, runner) -> None:
        """Compute the mean displacement over the training dataloader."""
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        head = model.decode_head
        head.disp_mean.zero_()
        total = torch.zeros(2, dtype=torch.float64)
        count = 0
        was_training = model.training
        model.eval()
        for i, data in enumerate(self.finite_loader(runner.train_dataloader)):
            if self.max_batches is not None and i >= self.max_batches:
                break
            # training=True pads the batch to one size like in training
            data = model.data_preprocessor(data, True)
            _, disp = model.forward_raw(data['inputs'])
            for j, d in enumerate(disp):
                h, w = d.shape[-2:]
                samples = data.get('data_samples')
                if samples is not None and 'img_shape' in samples[j]:
                    img_h, img_w = samples[j].img_shape[:2]
                    h, w = min(h, -(-img_h // 4)), min(w, -(-img_w // 4))
                total += d[:, :h, :w].double().sum(dim=(1, 2)).cpu()
                count += h * w
        # Average across ranks so every process stores the same mean.
        stats = torch.cat([total, total.new_tensor([count])])
        all_reduce(stats)
        mean = stats[:2] / stats[2].clamp(min=1)
        head.disp_mean.copy_(mean.to(head.disp_mean))
        model.train(was_training)
        runner.logger.info(
            f'Displacement mean over the training set: {mean.tolist()}')
