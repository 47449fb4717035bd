import math

import torch

from mmirn.models.losses import RegionContrastLoss, region_nce
from mmirn.registry import MODELS


def _direct_nce(f, c, bank, filled, tau):
    """Eq. 4-5 term by term in float64."""
    f = f.double() / f.double().norm()
    keys = []
    for k in range(bank.shape[0]):
        for j in range(int(filled[k])):
            v = bank[k, j].double()
            keys.append((k, v / v.norm()))
    den = sum(math.exp(float(f @ v) / tau) for _, v in keys)
    pos = [math.log(math.exp(float(f @ v) / tau) / den)
           for k, v in keys if k == c]
    return -sum(pos) / len(pos)


def _bank(seed=0):
    g = torch.Generator().manual_seed(seed)
    bank = torch.randn(3, 4, 5, generator=g)
    filled = torch.tensor([4, 2, 3])
    return bank, filled


def test_region_nce_against_direct_formula():
    bank, filled = _bank()
    q = torch.randn(2, 5, generator=torch.Generator().manual_seed(1))
    tau = 0.5  # a mild temperature keeps the direct formula's exp finite
    out = region_nce(q.double(), bank.double(), filled, tau)
    for i in range(2):
        for c in range(3):
            assert abs(float(out[i, c]) -
                       _direct_nce(q[i], c, bank, filled, tau)) < 1e-9


def test_region_nce_stable_at_low_temperature():
    bank, filled = _bank()
    q = 100 * torch.randn(3, 5)
    out = region_nce(q, bank, filled, 0.001)
    assert torch.isfinite(out).all()


def test_mixup_loss_known_value():
    bank, filled = _bank()
    emb = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(2))
    keep = torch.tensor([[True, False, False], [False, True, False]])
    loss_fn = MODELS.build(dict(type='RegionContrastLoss', tau=0.5,
                                loss_weight=0.01))
    perm = torch.tensor([1, 0])
    lam = torch.tensor([0.3, 0.8])
    loss = loss_fn(emb.double(), keep, bank.double(), filled, perm, lam)
    f = [emb[0, 0], emb[1, 1]]
    cls = [0, 1]
    ref = 0
    for i in range(2):
        j = int(perm[i])
        lm = float(lam[i])
        mixed = lm * f[i] + (1 - lm) * f[j]
        ref += (lm * _direct_nce(mixed, cls[i], bank, filled, 0.5) +
                (1 - lm) * _direct_nce(mixed, cls[j], bank, filled, 0.5))
    assert abs(float(loss) - 0.01 * ref / 2) < 1e-9


def test_no_nan_edge_cases():
    bank, filled = _bank()
    loss_fn = RegionContrastLoss()
    emb = torch.randn(1, 3, 5, requires_grad=True)
    # batch of one, one class: mixed with itself
    loss = loss_fn(emb, torch.tensor([[False, True, False]]), bank, filled)
    assert torch.isfinite(loss) and loss > 0
    loss.backward()
    assert torch.isfinite(emb.grad).all()
    # no region (empty masks): zero loss that still backpropagates
    loss = loss_fn(emb, torch.zeros(1, 3, dtype=torch.bool), bank, filled)
    assert float(loss) == 0.0 and loss.requires_grad
    # empty bank
    loss = loss_fn(emb, torch.ones(1, 3, dtype=torch.bool), bank,
                   torch.zeros(3, dtype=torch.long))
    assert float(loss) == 0.0
    # a class with no slot gives a zero term, not NaN
    loss = loss_fn(emb, torch.ones(1, 3, dtype=torch.bool), bank,
                   torch.tensor([2, 0, 0]))
    assert torch.isfinite(loss)
    # zero embedding (empty mask pooled to 0) stays finite
    loss = loss_fn(torch.zeros(1, 3, 5), torch.ones(1, 3, dtype=torch.bool),
                   bank, filled)
    assert torch.isfinite(loss)
