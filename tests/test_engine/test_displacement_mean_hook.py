import signal
from types import SimpleNamespace

import torch
from mmengine.logging import MMLogger
from torch import nn

from mmirn.engine.hooks import DisplacementMeanHook


class FakeHead(nn.Module):

    def __init__(self):
        super().__init__()
        self.register_buffer('disp_mean', torch.zeros(2))


class FakeIRNet(nn.Module):
    """Predicts a constant displacement (dy, dx) = (x mean, -1)."""

    def __init__(self):
        super().__init__()
        self.decode_head = FakeHead()
        self.data_preprocessor = lambda data, training: data

    def forward_raw(self, inputs):
        n, _, h, w = inputs.shape
        dy = inputs.mean(dim=(1, 2, 3)).view(n, 1, 1, 1).expand(n, 1, h, w)
        return None, torch.cat([dy, -torch.ones(n, 1, h, w)], dim=1)


def test_displacement_mean_hook_stores_the_mean():
    model = FakeIRNet()
    loader = [
        dict(inputs=torch.full((2, 3, 4, 4), 1.)),
        dict(inputs=torch.full((1, 3, 4, 4), 4.)),
    ]
    runner = SimpleNamespace(
        model=model,
        train_dataloader=loader,
        logger=MMLogger.get_instance('test_disp_mean'),
        iter=9,
        max_iters=10,
        train_loop=SimpleNamespace(max_iters=10))
    hook = DisplacementMeanHook()
    hook.after_train_iter(runner, 0)
    assert torch.allclose(model.decode_head.disp_mean,
                          torch.tensor([2., -1.]))
    assert 'disp_mean' in model.state_dict() or \
        'decode_head.disp_mean' in model.state_dict()
    # Not at the last iteration: nothing changes.
    model.decode_head.disp_mean.zero_()
    runner.iter = 3
    hook.after_train_iter(runner, 0)
    assert model.decode_head.disp_mean.abs().sum() == 0
    # max_batches limits the pass.
    runner.iter = 9
    DisplacementMeanHook(max_batches=1).after_train_iter(runner, 0)
    assert torch.allclose(model.decode_head.disp_mean,
                          torch.tensor([1., -1.]))


def test_displacement_mean_hook_with_an_infinite_loader():
    """The training loader of IRN configs never ends (InfiniteSampler)."""
    from mmengine.dataset import InfiniteSampler, pseudo_collate

    class Images(torch.utils.data.Dataset):

        def __len__(self):
            return 5

        def __getitem__(self, i):
            return torch.full((3, 4, 4), float(i))

    def collate(batch):
        return dict(inputs=torch.stack(pseudo_collate(batch)))

    dataset = Images()
    loader = torch.utils.data.DataLoader(
        dataset,
        batch_size=2,
        sampler=InfiniteSampler(dataset, shuffle=True),
        collate_fn=collate)
    model = FakeIRNet()
    runner = SimpleNamespace(
        model=model,
        train_dataloader=loader,
        logger=MMLogger.get_instance('test_disp_mean_infinite'),
        iter=9,
        max_iters=10)
    # fail, not hang, if the hook iterated the infinite loader itself
    def too_long(signum, frame):
        raise TimeoutError('the hook did not stop after one pass')

    old = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(30)
    try:
        DisplacementMeanHook().after_train_iter(runner, 0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    # every image once: mean of 0..4
    assert torch.allclose(model.decode_head.disp_mean,
                          torch.tensor([2., -1.]))
