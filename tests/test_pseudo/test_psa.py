"""PSA label synthesis: pooling, the walked background, and the labels."""
import numpy as np
import torch

from mmirn.ops import search_directions
from mmirn.pseudo import pool_to_stride, psa_label, psa_scores
from mmirn.pseudo.psa import psa_labels


def test_pool_to_stride_pads_with_zeros():
    maps = torch.ones(2, 10, 17)
    out = pool_to_stride(maps, 8)
    assert out.shape == (2, 2, 3)
    assert out[0, 0, 0] == 1
    assert torch.isclose(out[0, 1, 0], torch.tensor(2 / 8))  # rows 8, 9 of 16
    assert torch.isclose(out[0, 0, 2], torch.tensor(1 / 8))  # column 16 of 24
    assert pool_to_stride(maps, 1) is maps


def _cams(h=32, w=48):
    cams = np.zeros((1, h, w), np.float32)
    cams[0, 8:24, 8:16] = 1.0  # a seed on the left part of the object
    return cams


def test_no_walk_is_the_argmax_of_bg_and_cams():
    cams = _cams()
    label = psa_label(cams, [2], (32, 48))
    expected = np.zeros((32, 48), np.uint8)
    expected[8:24, 8:16] = 3
    np.testing.assert_array_equal(label, expected)


def test_zero_affinity_keeps_the_pooled_maps():
    cams = _cams()
    aff = torch.zeros(len(search_directions(5)), 4, 6)
    scores = psa_scores(cams, (32, 48), affinity=aff, num_iters=10)
    ref = psa_scores(cams, (32, 48), affinity=aff, num_iters=0)
    torch.testing.assert_close(scores, ref)
    assert scores.shape == (2, 32, 48)


def test_walk_spreads_the_class_inside_its_region():
    # The object spans columns 8-40 (stride-8 cells 1..4) and rows 8-24: high
    # affinity inside it, zero across its border.
    h, w = 32, 48
    cams = np.zeros((1, h, w), np.float32)
    cams[0, 8:24, 8:32] = 1.0  # seed on three quarters of the object
    inside = torch.zeros(4, 6, dtype=torch.bool)
    inside[1:3, 1:5] = True
    dirs = search_directions(5).tolist()
    aff = torch.zeros(len(dirs), 4, 6)
    for d, (dy, dx) in enumerate(dirs):
        for y in range(4):
            for x in range(6):
                y2, x2 = y + dy, x + dx
                if 0 <= y2 < 4 and 0 <= x2 < 6:
                    aff[d, y, x] = float(inside[y, x] == inside[y2, x2])
    walked = psa_label(cams, [2], (h, w), affinity=aff, beta=8, num_iters=64)
    plain = psa_label(cams, [2], (h, w))
    assert (walked[12:20, 33:38] == 3).all()  # reached the rest of it
    assert (plain[12:20, 33:38] == 0).all()
    assert (walked[:4] == 0).all() and (walked[:, -6:] == 0).all()


def test_boundary_source_walks_at_stride_4():
    h, w = 32, 48
    cams = _cams(h, w)
    boundary = torch.zeros(8, 12)
    scores = psa_scores(cams, (h, w), boundary=boundary, stride=4,
                        beta=10, num_iters=32)
    assert scores.shape == (2, h, w)
    # without any boundary the walk blurs the seed beyond its box
    assert scores[1, 16, 20] > 0
    # a wall of boundary keeps the class on its side
    wall = torch.zeros(8, 12)
    wall[:, 4] = 1
    blocked = psa_scores(cams, (h, w), boundary=wall, stride=4, beta=10,
                         num_iters=32)
    assert blocked[1, 16, 30] < 1e-3 < scores[1, 16, 30]


def test_affinity_of_the_wrong_size_raises():
    import pytest
    with pytest.raises(ValueError, match='affinity of size'):
        psa_scores(_cams(), (32, 48), affinity=torch.zeros(34, 3, 6))


def test_one_walk_for_many_powers_equals_one_walk_each():
    torch.manual_seed(0)
    h, w = 30, 45
    cams = torch.rand(2, h, w).numpy()
    walks = [
        dict(affinity=torch.rand(len(search_directions(5)), 4, 6)),
        dict(boundary=torch.rand(8, 12), stride=4, beta=10),
    ]
    alphas = (0.5, 1, 16)
    for walk in walks:
        labels = psa_labels(cams, [1, 4], (h, w), alphas, num_iters=20, **walk)
        assert len(labels) == 3
        for alpha, label in zip(alphas, labels):
            ref = psa_label(cams, [1, 4], (h, w), alpha=alpha, num_iters=20,
                            **walk)
            np.testing.assert_array_equal(label, ref)
        # a weaker background power leaves more background
        assert (labels[0] == 0).sum() > (labels[2] == 0).sum()


def test_labels_without_classes_are_background():
    (label, ) = psa_labels(np.zeros((0, 16, 24), np.float32), [], (16, 24),
                           [0.5], affinity=torch.rand(34, 2, 3))
    assert label.shape == (16, 24) and (label == 0).all()
