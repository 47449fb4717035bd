import pytest
import torch

from mmirn.ops import feature_affinity, search_directions


def test_matches_loop():
    feat = torch.randn(2, 3, 5, 7, dtype=torch.float64)
    out = feature_affinity(feat, 4)
    dirs = search_directions(4).tolist()
    assert out.shape == (2, len(dirs), 5, 7)
    expected = torch.zeros_like(out)
    for d, (dy, dx) in enumerate(dirs):
        for y in range(5):
            for x in range(7):
                if 0 <= y + dy < 5 and 0 <= x + dx < 7:
                    diff = (feat[:, :, y, x] - feat[:, :, y + dy, x + dx]).abs().mean(1)
                    expected[:, d, y, x] = torch.exp(-diff)
    torch.testing.assert_close(out, expected)


def test_gradient_and_constant_features():
    feat = torch.randn(1, 4, 6, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda f: feature_affinity(f, 3), (feat, ))
    same = feature_affinity(torch.ones(1, 2, 3, 3), 5)
    assert set(same.unique().tolist()) == {0., 1.}
    with pytest.raises(ValueError):
        feature_affinity(torch.ones(2, 3, 3), 5)
