"""Typos in the free-form config dicts of the models are errors naming the key."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.registry import MODELS, TASK_UTILS

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p and osp.join('configs', 'pipelines') not in p)


@pytest.fixture(autouse=True)
def _scope():
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        yield


def _cam(**kwargs):
    return dict(type='CAMClassifier', backbone=dict(type='ResNetV1c', depth=18),
                cam_head=dict(type='CAMHead', in_channels=512, num_classes=3),
                **kwargs)


def _irn(**kwargs):
    return dict(type='IRNet', backbone=dict(type='ResNetWithStem', depth=18),
                decode_head=dict(type='IRNHead', in_channels=(64, 64, 128, 256, 512)),
                **kwargs)


def _affinity(**kwargs):
    return dict(type='AffinityNet', backbone=dict(type='ResNetV1c', depth=18),
                decode_head=dict(type='AffinityHead', in_channels=(128, 256, 512)),
                **kwargs)


@pytest.mark.parametrize('cfg, message', [
    (_cam(test_cfg=dict(scale=(1.0, 0.5), flip=True)),
     "'scale' in CAMClassifier.test_cfg; allowed: flip, output_stride, scales, "
     'score_thr, use_gt_label'),
    (_cam(test_cfg=dict(flipp=True)), "'flipp' in CAMClassifier.test_cfg"),
    (_cam(train_cfg=dict(lr=0.1)), "'lr' in CAMClassifier.train_cfg; allowed: none"),
    (_irn(test_cfg=dict(flipp=False)), "'flipp' in IRNet.test_cfg; allowed: flip"),
    (_irn(train_cfg=dict(x=1)), "'x' in IRNet.train_cfg"),
    (_affinity(test_cfg=dict(strides=8)),
     "'strides' in AffinityNet.test_cfg; allowed: stride"),
])
def test_unknown_model_cfg_keys(cfg, message):
    with torch.device('meta'), pytest.raises(ValueError, match=message.replace(
            '(', r'\(').replace(')', r'\)')):
        MODELS.build(cfg)


@pytest.mark.parametrize('cfg, key', [
    (dict(type='IRNSemanticLabeler', bg_thr=0.3, radious=5), 'radious'),
    (dict(type='IRNInstanceLabeler', cam_bg_thr=0.1, min_aera=0.1), 'min_aera'),
    (dict(type='IRNInstanceLabeler', boundary=None), 'boundary'),
    (dict(type='PSALabeler', bg_thr=0.2, strde=8), 'strde'),
])
def test_unknown_labeler_keys(cfg, key):
    with pytest.raises(ValueError, match=f"'{key}' in {cfg['type']}; allowed: "):
        TASK_UTILS.build(cfg)


def test_known_keys_pass():
    with torch.device('meta'):
        model = MODELS.build(_cam(test_cfg=dict(scales=(1.0, 0.5), flip=True)))
    assert model.test_cfg == dict(scales=(1.0, 0.5), flip=True)
    TASK_UTILS.build(dict(type='IRNInstanceLabeler', mode='cam', extra_modes=['full'],
                          cam_bg_thr=0.1, refine_iters=10, min_area=0.05))
    TASK_UTILS.build(dict(type='PSALabeler', source='boundary', radius=4, stride=4))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_every_config_model_builds(path):
    cfg = Config.fromfile(path)
    with torch.device('meta'):  # no weights allocated
        MODELS.build(cfg.model)
