import pytest
import torch
import torch.nn.functional as F

from mmirn.models import CAMHead
from mmirn.structures import WSSSDataSample


def _samples(labels):
    samples = []
    for label in labels:
        sample = WSSSDataSample()
        sample.gt_label = torch.tensor(label, dtype=torch.float32)
        samples.append(sample)
    return samples


def test_forward_shapes_and_gap_equivalence():
    head = CAMHead(in_channels=8, num_classes=3)
    head.init_weights()
    assert head.classifier.bias is None
    feats = (torch.randn(2, 4, 5, 6), torch.randn(2, 8, 5, 6))
    logits = head(feats)
    assert logits.shape == (2, 3)
    cams = head.forward_cams(feats)
    assert cams.shape == (2, 3, 5, 6)
    # linear and bias-free: GAP then classify == classify then GAP
    torch.testing.assert_close(logits, cams.mean(dim=(2, 3)))
    assert head.predict(feats, []).shape == (2, 3)
    assert ((head.predict(feats, []) > 0) & (head.predict(feats, []) < 1)).all()


def test_loss_value():
    head = CAMHead(in_channels=4, num_classes=3, loss_weight=2.0)
    with torch.no_grad():
        head.classifier.weight.copy_(torch.eye(3, 4)[:, :, None, None])
    x = torch.zeros(2, 4, 3, 3)
    x[0, 0] = 2.0  # sample 0: class 0 score 2
    x[1, 2] = -1.0  # sample 1: class 2 score -1
    labels = [[1, 0, 0], [0, 1, 0]]
    losses = head.loss((x, ), _samples(labels))
    logits = torch.tensor([[2., 0., 0.], [0., 0., -1.]])
    expected = F.multilabel_soft_margin_loss(logits, torch.tensor(labels).float())
    torch.testing.assert_close(losses['loss_cls'], 2 * expected)
    # presence decisions: logit > 0; sample 0: 3/3 right, sample 1: 2/3
    torch.testing.assert_close(losses['acc_cls'], torch.tensor(500 / 6))
    losses['loss_cls'].backward()
    assert head.classifier.weight.grad.abs().sum() > 0


def test_loss_label_size_mismatch():
    head = CAMHead(in_channels=4, num_classes=3)
    with pytest.raises(AssertionError):
        head.loss((torch.zeros(1, 4, 2, 2), ), _samples([[1, 0]]))
