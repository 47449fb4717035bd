"""The CAM configs: paper settings for VOC, a pretrained-free toy config."""
from pathlib import Path

from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.registry import MODELS

CAM_DIR = Path(__file__).resolve().parents[2] / 'configs' / 'cam'


def _build(cfg):
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        return MODELS.build(cfg.model), build_optim_wrapper(
            MODELS.build(cfg.model), cfg.optim_wrapper)


def test_voc_config_paper_setting():
    cfg = Config.fromfile(str(CAM_DIR / 'cam_r50_1xb16-5e_voc12aug-512x512.py'))
    assert cfg.train_dataloader.batch_size == 16
    assert cfg.train_dataloader.dataset.ann_file.endswith('train_aug.txt')
    assert cfg.test_dataloader.dataset.ann_file.endswith('/train.txt')
    assert cfg.crop_size == (512, 512)
    assert cfg.model.data_preprocessor.size == (512, 512)
    assert cfg.train_cfg.max_epochs == 5
    sched = cfg.param_scheduler[0]
    assert sched.type == 'PolyLR' and sched.power == 0.9
    assert cfg.model.backbone.init_cfg.checkpoint == 'torchvision://resnet50'
    assert cfg.model.test_cfg.scales == (1.0, 0.5, 1.5, 2.0)
    assert cfg.model.test_cfg.flip
    model, optim = _build(cfg)
    assert model.backbone.strides == (1, 2, 2, 1) and model.backbone.norm_eval
    # stem and layer1 frozen, BN frozen
    assert not any(p.requires_grad for p in model.backbone.layer1.parameters())
    assert not model.backbone.bn1.weight.requires_grad
    lrs = {g['lr'] for g in optim.optimizer.param_groups}
    assert lrs == {0.1, 1.0}  # 10x on the classifier head
    assert optim.optimizer.defaults['weight_decay'] == 1e-4
    assert cfg.test_evaluator.type == 'CAMMetric'
    assert cfg.default_hooks.writer.out_dirs.cams.endswith(
        'cam_r50_1xb16-5e_voc12aug-512x512/cams')
    assert 'cam_dir' not in cfg.model.test_cfg


def test_toy_config_without_pretrained_weights():
    cfg = Config.fromfile(str(CAM_DIR / 'cam_r18_1xb8-30e_toyvoc-128x128.py'))
    assert cfg.model.backbone.depth == 18
    assert cfg.model.backbone.init_cfg is None
    assert cfg.model.cam_head.num_classes == 5
    assert cfg.default_hooks.writer.out_dirs == dict(cams=cfg.cam_dir)
    model, _ = _build(cfg)
    assert model.cam_head.in_channels == model.backbone.feat_dim
