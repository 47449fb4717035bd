"""AffinityLoss on crafted pixel pairs."""
import math

import torch

from mmirn.models.losses import AffinityLoss
from mmirn.ops import search_directions


def _pair_affinity(radius, h, w, values):
    """Affinity (1, D, h, w) that is ``values[(p, d)]`` on chosen pairs, 0.5 elsewhere."""
    dirs = search_directions(radius).tolist()
    aff = torch.full((1, len(dirs), h, w), 0.5)
    for (y, x, dy, dx), v in values.items():
        aff[0, dirs.index([dy, dx]), y, x] = v
    return aff


def test_loss_on_crafted_pairs():
    # radius 2: directions (0, 1), (1, -1), (1, 0), (1, 1); one row of 3 pixels
    # labels: bg, bg, class 0 -> one bg pair (0-1), one negative pair (1-2),
    # and pixels 0-2 are farther apart than the radius.
    labels = torch.tensor([[[0, 0, 1]]])
    aff = _pair_affinity(2, 1, 3, {(0, 0, 0, 1): 0.8, (0, 1, 0, 1): 0.3})
    loss = AffinityLoss(radius=2, eps=0.)(aff, labels)
    assert math.isclose(loss['loss_bg'].item(), -math.log(0.8) / 4, rel_tol=1e-5)
    assert loss['loss_fg'].item() == 0  # no foreground pair: 0, not NaN
    assert math.isclose(loss['loss_neg'].item(), -math.log(0.7) / 2, rel_tol=1e-5)
    assert math.isclose(loss['aff_pos'].item(), 0.8, rel_tol=1e-5)
    assert math.isclose(loss['aff_neg'].item(), 0.3, rel_tol=1e-5)


def test_loss_means_over_counts_and_ignores_neutral():
    # 2 x 2 block of class 1 (label 2) next to neutral pixels
    labels = torch.tensor([[[2, 2, 255], [2, 2, 255]]])
    aff = torch.rand(1, len(search_directions(2)), 2, 3) * 0.9 + 0.05
    loss = AffinityLoss(radius=2, eps=0.)(aff, labels)
    # the fg pairs inside the block: (0,0)-(0,1), (1,0)-(1,1) by (0, 1);
    # (0,0)-(1,0), (0,1)-(1,1) by (1, 0); (0,0)-(1,1) by (1, 1); (0,1)-(1,0) by (1, -1)
    dirs = search_directions(2).tolist()
    pairs = [(0, 0, [0, 1]), (1, 0, [0, 1]), (0, 0, [1, 0]), (0, 1, [1, 0]),
             (0, 0, [1, 1]), (0, 1, [1, -1])]
    vals = torch.stack([aff[0, dirs.index(d), y, x] for y, x, d in pairs])
    expected = -torch.log(vals).mean() / 4
    torch.testing.assert_close(loss['loss_fg'], expected)
    assert loss['loss_bg'].item() == 0 and loss['loss_neg'].item() == 0


def test_empty_labels_give_zero_with_gradient():
    aff = torch.rand(2, len(search_directions(5)), 6, 6, requires_grad=True)
    loss = AffinityLoss()(aff, torch.full((2, 6, 6), 255))
    total = loss['loss_bg'] + loss['loss_fg'] + loss['loss_neg']
    assert total.item() == 0 and not torch.isnan(total)
    total.backward()
    assert aff.grad is not None and (aff.grad == 0).all()


def test_gradient_signs():
    labels = torch.tensor([[[0, 0, 1]]])
    aff = torch.full((1, len(search_directions(2)), 1, 3), 0.5, requires_grad=True)
    loss = AffinityLoss(radius=2)(aff, labels)
    sum(v for k, v in loss.items() if 'loss' in k).backward()
    d = search_directions(2).tolist().index([0, 1])
    assert aff.grad[0, d, 0, 0] < 0  # positive pair: raise the affinity
    assert aff.grad[0, d, 0, 1] > 0  # negative pair: lower it
