import numpy as np
import pytest
import torch

from mmirn.models.heads.rca_modules import (RegionMemoryBank,
                                            SemanticAggregation,
                                            attention_entropy,
                                            kmeans_centroids,
                                            region_embeddings)
from mmirn.registry import MODELS


def test_region_embeddings_known_values():
    feats = torch.tensor([[[[1., 2.], [3., 4.]], [[10., 20.], [30., 40.]]]])
    # class 0 dominates the top row, class 1 the bottom row
    cams = torch.tensor([[[[5., 5.], [-5., -5.]], [[0., 0.], [0., 0.]]]])
    emb, valid = region_embeddings(feats, cams)
    assert emb.shape == (1, 2, 2)
    torch.testing.assert_close(emb[0, 0], torch.tensor([1.5, 15.]),
                               atol=1e-4, rtol=0)
    torch.testing.assert_close(emb[0, 1], torch.tensor([3.5, 35.]),
                               atol=1e-4, rtol=0)
    assert valid.all()


def test_region_embeddings_empty_mask():
    feats = torch.randn(1, 3, 4, 4)
    cams = torch.zeros(1, 2, 4, 4)  # flat attention: nothing above its mean
    emb, valid = region_embeddings(feats, cams)
    assert not valid.any()
    assert torch.isfinite(emb).all() and (emb == 0).all()


def test_bank_update_threshold_momentum_wraparound():
    bank = MODELS.build(
        dict(type='RegionMemoryBank', num_classes=2, dim=1, queue_len=2,
             momentum=0.5, score_thr=0.7, init='zeros'))
    labels = torch.tensor([[1., 1.]])
    # class 1 fails the score test, so only class 0 is written
    n = bank.update(torch.tensor([[[4.], [9.]]]), labels,
                    torch.tensor([[0.9, 0.6]]))
    assert n == 1
    assert bank.bank[0, :, 0].tolist() == [2.0, 0.0]
    assert bank.ptr.tolist() == [1, 0]
    assert bank.bank[1].abs().sum() == 0
    # absent class is never written even with a high score
    bank.update(torch.tensor([[[8.], [9.]]]), torch.tensor([[1., 0.]]),
                torch.tensor([[0.9, 0.99]]))
    assert bank.bank[0, :, 0].tolist() == [2.0, 4.0]
    assert bank.ptr.tolist() == [0, 0]  # wrapped around
    bank.update(torch.tensor([[[6.], [0.]]]), torch.tensor([[1., 0.]]),
                torch.tensor([[0.9, 0.]]))
    assert bank.bank[0, :, 0].tolist() == [0.5 * 2 + 0.5 * 6, 4.0]
    assert bank.ptr.tolist() == [1, 0]
    assert bank.num_filled.tolist() == [2, 0]
    torch.testing.assert_close(bank.filling_rate(), torch.tensor([1.0, 0.0]))
    # invalid (empty) regions are skipped
    assert bank.update(torch.ones(1, 2, 1), torch.ones(1, 2),
                       torch.ones(1, 2), torch.tensor([[False, False]])) == 0


def _filled_bank(seed=0):
    g = torch.Generator().manual_seed(seed)
    bank = RegionMemoryBank(num_classes=2, dim=3, queue_len=30, momentum=0.0,
                            init='zeros')
    for _ in range(30):
        emb = torch.stack([torch.randn(3, generator=g) + 5 * torch.eye(3)[0],
                           torch.randn(3, generator=g) - 5 * torch.eye(3)[1]])
        bank.update(emb[None], torch.ones(1, 2), torch.ones(1, 2))
    return bank


def test_aggregation_against_sklearn_and_formula():
    from sklearn.cluster import KMeans
    bank = _filled_bank()
    agg = MODELS.build(dict(type='SemanticAggregation', num_classes=2,
                            dim=3, k=3))
    feats = torch.randn(2, 3, 4, 5)
    out0, s0 = agg(feats)  # no centroids yet: F' = 0
    torch.testing.assert_close(out0[:, :3], feats)
    assert (out0[:, 3:] == 0).all()
    agg.recompute(bank)
    for c in range(2):
        ref = KMeans(n_clusters=3, n_init=3, random_state=0).fit(
            bank.bank[c].double().numpy()).cluster_centers_
        np.testing.assert_allclose(agg.centroids[3 * c:3 * c + 3].numpy(),
                                   ref, rtol=1e-5, atol=1e-5)
    assert agg.centroid_valid.all()
    out, s = agg(feats)
    q = agg.centroids.double()
    f = feats.double().permute(0, 2, 3, 1).reshape(-1, 3)
    s_ref = torch.softmax(f @ q.t(), dim=1)
    agg_ref = s_ref @ q
    torch.testing.assert_close(
        s.double().permute(0, 2, 3, 1).reshape(-1, 6), s_ref,
        rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(
        out[:, 3:].double().permute(0, 2, 3, 1).reshape(-1, 3), agg_ref,
        rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(out[:, :3], feats)
    ent = attention_entropy(s)
    assert 0 <= float(ent) <= np.log(6) + 1e-6


def test_aggregation_few_slots_masks_missing_centroids():
    bank = RegionMemoryBank(num_classes=2, dim=2, queue_len=5, momentum=0.0,
                            init='zeros')
    bank.update(torch.tensor([[[1., 0.], [0., 0.]]]), torch.tensor([[1., 0.]]),
                torch.ones(1, 2))
    agg = SemanticAggregation(num_classes=2, dim=2, k=3)
    agg.recompute(bank)
    assert agg.centroid_valid.tolist() == [True, False, False] + [False] * 3
    out, s = agg(torch.randn(1, 2, 2, 2))
    torch.testing.assert_close(s[:, 0], torch.ones(1, 2, 2))
    assert torch.isfinite(out).all()
    # the single centroid is the single point
    torch.testing.assert_close(out[:, 2:], torch.tensor(
        [1., 0.]).view(1, 2, 1, 1).expand(1, 2, 2, 2))


def test_kmeans_fewer_points_than_k():
    pts = np.array([[0., 0.], [1., 1.]])
    assert kmeans_centroids(pts, 10).shape == (2, 2)


def test_state_dict_restores_bank_and_centroids():
    bank = _filled_bank()
    agg = SemanticAggregation(num_classes=2, dim=3, k=3)
    agg.recompute(bank)
    model = torch.nn.ModuleDict(dict(bank=bank, agg=agg))
    sd = {k: v.clone() for k, v in model.state_dict().items()}
    assert {'bank.bank', 'bank.ptr', 'bank.num_filled', 'agg.centroids',
            'agg.centroid_valid'} <= set(sd)
    fresh = torch.nn.ModuleDict(
        dict(bank=RegionMemoryBank(num_classes=2, dim=3, queue_len=30,
                                   momentum=0.0),
             agg=SemanticAggregation(num_classes=2, dim=3, k=3)))
    fresh.load_state_dict(sd)
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, sd[k]), k
