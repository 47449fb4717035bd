"""Every shipped config loads and builds its model; a leaf config inherits and overrides."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

import mmirn  # noqa: F401
from mmirn.registry import MODELS

CONFIG_DIR = Path(__file__).resolve().parents[2] / 'configs'
LEAF_CONFIGS = sorted(p for p in CONFIG_DIR.rglob('*.py') if '_base_' not in p.parts
                      and 'pipelines' not in p.parts)


def test_configs_are_found():
    # guards against a test that silently builds zero configs
    assert len(LEAF_CONFIGS) >= 2, f'no configs found under {CONFIG_DIR}'


@pytest.mark.parametrize('path', LEAF_CONFIGS, ids=lambda p: p.name)
def test_config_builds_model(path):
    cfg = Config.fromfile(str(path))
    # stage 3's stock models (configs/seg, configs/mask_rcnn) inherit mmseg:: / mmdet::
    # bases and build in that scope, with mmirn's modules from custom_imports
    scope = cfg.default_scope
    assert scope in ('mmirn', 'mmseg', 'mmdet')
    registry = MODELS
    if scope != 'mmirn':
        import importlib

        from mmengine.utils import import_modules_from_strings
        pytest.importorskip(scope)
        importlib.import_module(f'{scope}.utils').register_all_modules(False)
        import_modules_from_strings(**cfg.get('custom_imports', dict(imports=[])))
        registry = importlib.import_module(f'{scope}.registry').MODELS
    model_cfg = cfg.model.copy()
    # no download in tests: the loading code stays in the config, it is just not run
    with DefaultScope.overwrite_default_scope(scope):
        init_default_scope(scope)
        model = registry.build(model_cfg)
    assert sum(p.numel() for p in model.parameters()) > 0


def test_leaf_config_inherits_and_overrides(tmp_path):
    base = next(p for p in LEAF_CONFIGS if 'toy' in p.name and p.parent.name == 'cam')
    leaf = tmp_path / 'leaf.py'
    leaf.write_text(f"_base_ = ['{base}']\n"
                    "model = dict(backbone=dict(depth=34))\n"
                    "train_dataloader = dict(batch_size=3)\n")
    cfg = Config.fromfile(str(leaf))
    parent = Config.fromfile(str(base))
    assert cfg.model.backbone.depth == 34 and parent.model.backbone.depth != 34
    assert cfg.train_dataloader.batch_size == 3
    # everything else inherited unchanged
    assert cfg.model.backbone.strides == parent.model.backbone.strides
    assert cfg.train_dataloader.dataset == parent.train_dataloader.dataset
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        model = MODELS.build(cfg.model)
    assert len(model.backbone.layer1) == 3  # ResNet-34: 3 blocks in stage 1
