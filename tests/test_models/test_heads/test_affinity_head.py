"""AffinityHead: feature map, affinities (against a naive loop) and loss."""
import torch
from mmengine.structures import PixelData

from mmirn.models.heads import AffinityHead
from mmirn.ops import feature_affinity, search_directions
from mmirn.structures import WSSSDataSample


def naive_affinity(feat, radius):
    """exp(-mean |f_i - f_j|) pair by pair, 0 outside the image."""
    n, _, h, w = feat.shape
    dirs = search_directions(radius).tolist()
    out = torch.zeros(n, len(dirs), h, w, dtype=feat.dtype)
    for b in range(n):
        for d, (dy, dx) in enumerate(dirs):
            for y in range(h):
                for x in range(w):
                    if 0 <= y + dy < h and 0 <= x + dx < w:
                        diff = feat[b, :, y, x] - feat[b, :, y + dy, x + dx]
                        out[b, d, y, x] = torch.exp(-diff.abs().mean())
    return out


def test_feature_affinity_matches_naive_loop():
    torch.manual_seed(0)
    feat = torch.randn(2, 3, 7, 9, dtype=torch.float64)
    for radius in (2, 5):
        torch.testing.assert_close(
            feature_affinity(feat, radius), naive_affinity(feat, radius))


def _head():
    return AffinityHead(
        in_channels=(8, 16, 32), reduce_channels=(4, 4, 8), channels=12,
        radius=3)


def _levels():
    return [torch.randn(2, 8, 8, 10), torch.randn(2, 16, 8, 10),
            torch.randn(2, 32, 4, 5)]


def test_forward_shapes_and_no_classifier():
    head = _head()
    assert not hasattr(head, 'conv_seg')
    feat = head(_levels())
    assert feat.shape == (2, 12, 8, 10)
    aff = head.predict_by_feat(feat, [{}, {}])
    assert aff.shape == (2, len(search_directions(3)), 8, 10)
    assert (aff >= 0).all() and (aff <= 1).all()


def test_loss_reads_downsampled_relation_labels():
    torch.manual_seed(0)
    head = _head()
    samples = []
    for _ in range(2):
        s = WSSSDataSample()
        label = torch.zeros(1, 64, 80, dtype=torch.long)
        label[:, :, 40:] = 2
        label[:, :8] = 255
        s.gt_relation = PixelData(data=label)
        samples.append(s)
    losses = head.loss(_levels(), samples, None)
    assert set(losses) == {'loss_bg', 'loss_fg', 'loss_neg', 'aff_pos', 'aff_neg'}
    assert all(v > 0 for k, v in losses.items() if k.startswith('loss'))
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert head.fuse_conv.conv.weight.grad.abs().sum() > 0
    assert head.reduce_convs[2].conv.weight.grad.abs().sum() > 0
