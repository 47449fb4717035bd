"""Tiny example modules for tests, registered in mmirn's registries."""
import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.model import BaseModel
from torch import nn

from mmirn.registry import DATASETS, MODELS


@MODELS.register_module(force=True)
class ToyRegressor(BaseModel):
    """y = w x + b, fitted with an L2 loss."""

    def __init__(self, data_preprocessor=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, targets=None, mode='tensor', **kwargs):
        inputs = torch.stack(inputs) if isinstance(inputs, list) else inputs
        pred = self.linear(inputs)
        if mode == 'loss':
            targets = torch.stack(targets) if isinstance(targets, list) else targets
            return dict(loss=((pred - targets)**2).mean())
        return pred


@DATASETS.register_module(force=True)
class ToyRegressionDataset(BaseDataset):
    """Sixteen fixed samples of y = 2 x0 - x1 + 1."""

    def __init__(self, num=16, **kwargs):
        self.num = num
        super().__init__(serialize_data=False, lazy_init=False, **kwargs)

    def load_data_list(self):
        rng = np.random.RandomState(0)
        x = rng.rand(self.num, 2).astype(np.float32)
        y = (2 * x[:, :1] - x[:, 1:] + 1).astype(np.float32)
        return [dict(inputs=torch.from_numpy(a), targets=torch.from_numpy(b))
                for a, b in zip(x, y)]
