"""The VOC IRN configs default to IRN's released code; the toy ones keep the paper's
forms, and configs/pipelines/irn_toy_released.py switches the toy chain over."""
import argparse
from pathlib import Path

from mmengine.config import Config, DictAction

import mmirn  # noqa: F401
from mmirn.registry import MODELS, TASK_UTILS

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
VOC = CONFIGS / 'irn/irn_r50_1xb32-3e_voc12aug-512x512.py'
TOY = CONFIGS / 'irn/irn_r18_1xb8-900i_toyvoc-128x128.py'
RELEASED_LOSS = dict(coord_reduction='mean', loss_weight_fg=0.5,
                     loss_weight_bg=0.5, loss_weight_boundary=0.5)
RELEASED_INS = dict(norm='global', refine_iters=300, refine_clamp='step',
                    unassigned='instance')


def _knobs(cfg):
    loss = MODELS.build(cfg.model.decode_head.loss_decode)
    sem, ins = TASK_UTILS.build(cfg.model.labeler).labelers  # sem, ins in order
    ins = ins.label_cfg
    return (dict(coord_reduction=loss.coord_reduction,
                 loss_weight_fg=loss.loss_weight_fg,
                 loss_weight_bg=loss.loss_weight_bg,
                 loss_weight_boundary=loss.loss_weight_boundary),
            sem.label_cfg['norm'],
            {k: ins.get(k) for k in RELEASED_INS})


def test_voc_config_is_the_released_code():
    loss, sem_norm, ins = _knobs(Config.fromfile(str(VOC)))
    assert loss == RELEASED_LOSS
    assert sem_norm == 'global'
    assert ins == RELEASED_INS


def test_toy_config_keeps_the_paper_forms():
    loss, sem_norm, ins = _knobs(Config.fromfile(str(TOY)))
    assert loss == dict(coord_reduction='sum', loss_weight_fg=1.,
                        loss_weight_bg=1., loss_weight_boundary=1.)
    assert sem_norm == 'per_class'
    assert ins == dict.fromkeys(RELEASED_INS)  # the defaults of instance_labels


def test_toy_released_pipeline_sets_the_voc_knobs():
    base = Config.fromfile(str(CONFIGS / 'pipelines/irn_toy.py'))
    variant = Config.fromfile(str(CONFIGS / 'pipelines/irn_toy_released.py'))
    assert variant.work_dir != base.work_dir
    cfg = Config.fromfile(str(TOY))
    for old, new in zip(base.steps, variant.steps):
        assert old['name'] == new['name']
        assert new['cmd'][:len(old['cmd'])] == old['cmd']
        extra = new['cmd'][len(old['cmd']):]
        if new['name'] not in ('train_irn', 'pseudo_labels'):
            assert not extra
        # the options extend the step's --cfg-options
        assert not extra or '--cfg-options' in old['cmd']
        parsed = argparse.Namespace(opts={})
        DictAction(['--cfg-options'], 'opts')(None, parsed, extra)
        cfg.merge_from_dict(parsed.opts)
    assert _knobs(cfg) == _knobs(Config.fromfile(str(VOC)))
