import math

import pytest
import torch

from mmirn.models.losses.irn_loss import (IRNLoss, boundary_loss,
                                          displacement_losses, relation_pairs)
from mmirn.ops import search_directions


def test_relation_pairs_counts():
    # One row: fg class 1, fg class 1, background, ignored.
    labels = torch.tensor([[[1, 1, 0, 255]]])
    dirs = search_directions(3)  # (0,1), (0,2) within the single row
    pos_fg, pos_bg, neg = relation_pairs(labels, dirs)
    assert pos_fg.sum() == 1  # (0,0)-(0,1)
    assert pos_bg.sum() == 0
    assert neg.sum() == 2  # (0,0)-(0,2), (0,1)-(0,2); the ignored pixel pairs with none
    # Pairs are anchored at their first pixel with the direction's index.
    d01 = dirs.tolist().index([0, 1])
    assert pos_fg[0, d01, 0, 0]


def test_displacement_losses_known_values():
    labels = torch.ones(1, 1, 3, dtype=torch.long)  # one instance in a row
    dirs = search_directions(2)
    pos_fg, pos_bg, _ = relation_pairs(labels, dirs)
    assert pos_fg.sum() == 2
    # Zero field: every fg pair misses its offset (0, 1) by L1 norm 1.
    zero = torch.zeros(1, 2, 1, 3, requires_grad=True)
    loss_fg, loss_bg = displacement_losses(zero, dirs, pos_fg, pos_bg)
    assert loss_fg.item() == pytest.approx(1.)
    assert loss_bg.item() == 0.  # no background pairs
    # A field pointing to the common centroid (x = 1): D(x) = c - x, loss 0.
    xs = torch.arange(3.)
    to_centroid = torch.stack([torch.zeros(3), 1 - xs]).view(1, 2, 1, 3)
    loss_fg, _ = displacement_losses(to_centroid, dirs, pos_fg, pos_bg)
    assert loss_fg.item() == pytest.approx(0.)
    # Background pairs want equal displacements: |delta|_1 = 3 for each pair.
    bg = torch.zeros(1, 1, 2, dtype=torch.long)
    pos_fg, pos_bg, _ = relation_pairs(bg, dirs)
    field = torch.tensor([[[[0., 1.]], [[0., 2.]]]])  # dy 0,1; dx 0,2
    _, loss_bg = displacement_losses(field, dirs, pos_fg, pos_bg)
    assert loss_bg.item() == pytest.approx(3.)


def test_boundary_loss_known_values():
    labels = torch.tensor([[[1, 1, 0, 0, 2]]])
    dirs = search_directions(2)  # only (0, 1) is inside a single row
    pos_fg, pos_bg, neg = relation_pairs(labels, dirs)
    assert (pos_fg.sum(), pos_bg.sum(), neg.sum()) == (1, 1, 2)
    aff = torch.full(pos_fg.shape, 0.5)
    loss = boundary_loss(aff, pos_fg, pos_bg, neg, eps=0.)
    # -log(.5)/2 (fg) - log(.5)/2 (bg) - log(1 - .5) (neg)
    assert loss.item() == pytest.approx(2 * math.log(2))
    # Affinities from a boundary map: B = 0.25 everywhere -> a = 0.75.
    boundary = torch.full((1, 1, 1, 5), 0.25)
    out = IRNLoss(radius=2)(boundary, torch.zeros(1, 2, 1, 5), labels[:, :, :])
    expected = -math.log(0.75 + 1e-5) - math.log(1 + 1e-5 - 0.75)
    assert out['loss_boundary'].item() == pytest.approx(expected, rel=1e-4)


def test_empty_pair_sets_give_zero_not_nan():
    loss = IRNLoss(radius=10)
    boundary = torch.rand(2, 1, 16, 16, requires_grad=True)
    disp = torch.randn(2, 2, 16, 16, requires_grad=True)
    labels = torch.full((2, 16, 16), 255, dtype=torch.long)
    out = loss(boundary, disp, labels)
    assert set(out) == {'loss_fg', 'loss_bg', 'loss_boundary'}
    total = sum(out.values())
    assert total.item() == 0.
    total.backward()
    assert torch.isfinite(boundary.grad).all()
    assert torch.isfinite(disp.grad).all()
    # Only background: L_fg and the fg/negative parts stay 0, L_bg is finite.
    out = loss(boundary, disp, torch.zeros(2, 16, 16, dtype=torch.long))
    assert out['loss_fg'].item() == 0.
    assert out['loss_bg'].item() > 0
    assert all(torch.isfinite(v) for v in out.values())


def test_irn_loss_gradients_move_the_right_way():
    torch.manual_seed(0)
    labels = torch.zeros(1, 12, 12, dtype=torch.long)
    labels[:, :, 6:] = 1
    boundary = (0.45 + 0.1 * torch.rand(1, 1, 12, 12)).requires_grad_()
    disp = torch.zeros(1, 2, 12, 12, requires_grad=True)
    out = IRNLoss(radius=5)(boundary, disp, labels)
    sum(out.values()).backward()
    # Descent raises the boundary on the class border and lowers it elsewhere.
    grad = boundary.grad[0, 0]
    assert grad[:, 5:7].sum() < 0
    assert (grad[:, :2] >= 0).all() and (grad[:, 10:] >= 0).all()
    assert grad[:, :2].sum() > 0


def test_released_code_weighting():
    # One row: fg, fg, bg, bg. Radius 2 pairs only (p, p + (0, 1)) inside the row:
    # one P+_fg pair (0, 1), one P- pair (1, 2), one P+_bg pair (2, 3).
    labels = torch.tensor([[[1, 1, 0, 0]]])
    boundary = torch.full((1, 1, 1, 4), 0.25)  # every affinity 0.75
    disp = torch.zeros(1, 2, 1, 4)
    disp[0, 0, 0, 0] = 0.5  # dy of pixel 0: fg error (0.5, 1) against (0, 1)
    disp[0, 1, 0, 3] = 2.  # dx of pixel 3: bg error (0, 2)
    pos_aff = -math.log(0.75 + 1e-5)  # fg and bg pairs alike
    neg_aff = -math.log(1 + 1e-5 - 0.75)
    # train_irn: (pos_aff + neg_aff) / 2 + (dp_fg + dp_bg) / 2, the displacement
    # errors averaged over (dy, dx)
    released = (pos_aff + neg_aff) / 2 + ((0.5 + 1) / 2 + (0 + 2) / 2) / 2
    loss = IRNLoss(radius=2, coord_reduction='mean', loss_weight_fg=0.5,
                   loss_weight_bg=0.5, loss_weight_boundary=0.5)
    out = loss(boundary, disp, labels)
    assert out['loss_fg'].item() == pytest.approx(0.75 / 2)
    assert out['loss_bg'].item() == pytest.approx(1. / 2)
    assert sum(out.values()).item() == pytest.approx(released, rel=1e-5)
    # The paper's plain sum: L1 norms, weights 1.
    paper = IRNLoss(radius=2)(boundary, disp, labels)
    assert sum(paper.values()).item() == pytest.approx(
        pos_aff + neg_aff + 1.5 + 2, rel=1e-5)
    with pytest.raises(ValueError, match='coord_reduction'):
        IRNLoss(coord_reduction='max')
