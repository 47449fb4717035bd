import os
import socket

import pytest
import torch
import torch.multiprocessing as mp
import torch.nn.functional as F

from mmirn.engine.hooks import RCAHook
from mmirn.registry import MODELS
from mmirn.structures import WSSSDataSample


def _samples(labels):
    samples = []
    for label in labels:
        sample = WSSSDataSample()
        sample.gt_label = torch.as_tensor(label, dtype=torch.float32)
        samples.append(sample)
    return samples


def _head(**kw):
    torch.manual_seed(0)
    # the empty-bank, softmax form unless a test asks for the released one
    cfg = dict(type='RCAHead', in_channels=6, num_classes=3, queue_len=4,
               score_thr=0.0, num_centroids=2, bank_init='zeros',
               aggregation_mode='softmax')
    cfg.update(kw)
    head = MODELS.build(cfg)
    head.init_weights()
    return head


def _batch(n, seed=0):
    g = torch.Generator().manual_seed(seed)
    feats = torch.randn(n, 6, 5, 5, generator=g)
    labels = (torch.rand(n, 3, generator=g) > 0.5).float()
    labels[:, 0] = 1
    return feats, labels


class _Runner:

    def __init__(self, model, epoch):
        self.model = model
        self.epoch = epoch


def test_losses_weights_and_contrast_start():
    head = _head()
    feats, labels = _batch(4)
    losses = head.loss((feats, ), _samples(labels))
    assert {'loss_cls', 'loss_coarse', 'loss_contrast', 'bank_fill',
            'bank_written', 'attn_entropy'} <= set(losses)
    coarse = head.coarse_classifier(feats).mean(dim=(2, 3))
    torch.testing.assert_close(
        losses['loss_coarse'],
        0.4 * F.multilabel_soft_margin_loss(coarse, labels))
    # epoch 0: no centroids yet, so O only sees F; no contrast
    cams = head.classifier(torch.cat([feats, torch.zeros_like(feats)], 1))
    torch.testing.assert_close(
        losses['loss_cls'],
        F.multilabel_soft_margin_loss(cams.mean(dim=(2, 3)), labels))
    assert float(losses['loss_contrast']) == 0.0
    assert int(losses['bank_written']) == int(head.memory.num_filled.sum())
    assert int(losses['bank_written']) > 0
    # second epoch: the hook clusters the bank and switches the contrast on
    RCAHook().before_train_epoch(_Runner(torch.nn.ModuleDict(
        dict(cam_head=head)), 1))
    assert head.epoch == 1 and head.aggregation.centroid_valid.any()
    losses = head.loss((feats, ), _samples(labels))
    assert float(losses['loss_contrast']) > 0
    assert float(losses['attn_entropy']) > 0
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert head.classifier.weight.grad.abs().sum() > 0
    assert head.coarse_classifier.weight.grad.abs().sum() > 0
    out = head.forward_cams((feats, ))
    assert out.shape == (4, 3, 5, 5)
    torch.testing.assert_close(head((feats, )), out.mean(dim=(2, 3)))


def test_released_bank_and_aggregation():
    head = _head(bank_init='randn', aggregation_mode='released')
    # a random bank in use before any region is written
    assert int(head.memory.num_filled.sum()) == 3 * 4
    assert head.memory.bank.abs().mean() > 0.5
    feats, labels = _batch(4)
    RCAHook().before_train_epoch(_Runner(torch.nn.ModuleDict(
        dict(cam_head=head)), 1))
    # K-means of every class's (random) slots: all centroids exist at once
    assert bool(head.aggregation.centroid_valid.all())
    losses = head.loss((feats, ), _samples(labels))
    assert float(losses['loss_contrast']) > 0
    agg, s = head.aggregation(feats)
    # F' is the learned read-out of the centroids, not zero
    assert agg[:, 6:].abs().sum() > 0
    agg_ = head.aggregation
    q = agg_.centroids
    s_ref = torch.einsum('ndhw,kd->nkhw', agg_.query(feats),
                         agg_.key(q)) * (3 / 2)
    torch.testing.assert_close(s, s_ref)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for layer in (agg_.query, agg_.key, agg_.value, agg_.out):
        assert layer.weight.grad.abs().sum() > 0


def test_zero_bank_slots_take_one_percent():
    # why the softmax form cannot learn with an empty bank: a written slot is
    # (1 - gamma) f, so F Q^T is 100x smaller than the features' own scale
    head = _head()
    emb = torch.randn(1, 3, 6)
    head.memory.update(emb, torch.ones(1, 3), torch.ones(1, 3))
    torch.testing.assert_close(head.memory.bank[:, 0], 0.01 * emb[0])


def test_bad_modes():
    with pytest.raises(ValueError, match='init'):
        _head(bank_init='ones')
    with pytest.raises(ValueError, match='mode'):
        _head(aggregation_mode='dot')


def test_score_threshold_blocks_updates():
    head = _head(score_thr=0.999999)
    feats, labels = _batch(2)
    head.loss((feats, ), _samples(labels))
    assert int(head.memory.num_filled.sum()) == 0


def test_in_cam_classifier():
    model = MODELS.build(
        dict(type='CAMClassifier',
             backbone=dict(type='mmseg.ResNetV1c', depth=18, stem_channels=8,
                           base_channels=8, init_cfg=None),
             cam_head=dict(type='RCAHead', in_channels=64, num_classes=3,
                           queue_len=8, score_thr=0.0, num_centroids=2)))
    # the defaults are the released code's
    assert model.cam_head.memory.init == 'randn'
    assert model.cam_head.aggregation.mode == 'released'
    x = torch.randn(2, 3, 32, 32)
    losses = model.loss(x, _samples([[1, 0, 0], [0, 1, 1]]))
    assert torch.isfinite(sum(v for k, v in losses.items() if 'loss' in k))
    model.eval()
    cams = model.encode_decode(x, [{}] * 2)
    assert cams.shape == (2, 3, 32, 32) and (cams >= 0).all()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, world, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    torch.distributed.init_process_group('gloo', rank=rank, world_size=world)
    try:
        head = _head(score_thr=0.5)
        for step in range(3):
            feats, labels = _batch(8, seed=step)
            part = slice(4 * rank, 4 * rank + 4)
            head.loss((feats[part], ), _samples(labels[part]))
        RCAHook().recompute(head)
        torch.save(head.state_dict(), f'{out}{rank}.pth')
    finally:
        torch.distributed.destroy_process_group()


def test_ddp_two_processes_same_bank_as_one(tmp_path):
    head = _head(score_thr=0.5)
    for step in range(3):
        feats, labels = _batch(8, seed=step)
        head.loss((feats, ), _samples(labels))
    RCAHook().recompute(head)
    out = str(tmp_path / 'rank')
    mp.spawn(_worker, args=(2, _free_port(), out), nprocs=2, join=True)
    assert int(head.memory.num_filled.sum()) > 0
    assert head.aggregation.centroid_valid.any()
    for rank in range(2):
        dist_sd = torch.load(f'{out}{rank}.pth')
        for key in ('memory.bank', 'memory.ptr', 'memory.num_filled',
                    'aggregation.centroids', 'aggregation.centroid_valid'):
            torch.testing.assert_close(
                dist_sd[key], head.state_dict()[key], rtol=1e-6, atol=1e-7,
                msg=f'rank {rank} {key}')
