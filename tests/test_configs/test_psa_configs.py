"""PSA configs: the mixed variants build over the same _base_ parts; the pipelines
name which variant produced which summary row."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

import mmirn  # noqa: F401
from mmirn.registry import METRICS, MODELS, TASK_UTILS

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'
PSA_R38 = CONFIGS / 'psa' / 'psa_r38_1xb8-8e_voc12aug-448x448.py'
AFF_R50 = CONFIGS / 'psa' / 'affinitynet_r50_1xb8-8e_voc12aug-448x448.py'
AFF_TOY = CONFIGS / 'psa' / 'affinitynet_r18_1xb8-600i_toyvoc-128x128.py'
MIX_TOY = CONFIGS / 'psa' / 'irn-psa-bg_r18_1xb8-900i_toyvoc-128x128.py'
MIX_VOC = CONFIGS / 'psa' / 'irn-psa-bg_r50_1xb32-3e_voc12aug-512x512.py'
CAM_R38 = CONFIGS / 'psa' / 'cam_r38_1xb8-15e_voc12aug-448x448.py'


def _build(cfg):
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        return MODELS.build(cfg.model)


def test_exact_psa_and_r50_variant_share_the_recipe():
    r38, r50 = Config.fromfile(str(PSA_R38)), Config.fromfile(str(AFF_R50))
    assert r38.model.backbone.type == 'WideResNet38'
    assert r50.model.backbone.type == 'ResNet' and r50.model.backbone.depth == 50
    # PSA's hyperparameters
    assert r38.train_dataloader.batch_size == 8
    assert r38.train_cfg.max_epochs == 8
    assert r38.optim_wrapper.optimizer.lr == 0.1
    assert r38.optim_wrapper.optimizer.weight_decay == 5e-4
    assert r38.model.data_preprocessor.size == (448, 448)
    assert r38.model.decode_head.radius == 5
    labeler = r38.model.labeler
    assert (labeler.alpha, labeler.beta, labeler.num_iters) == (16, 8, 256)
    assert labeler.source == 'affinity'
    # same recipe apart from the model and the CAMs it reads
    for key in ('train_cfg', 'optim_wrapper', 'param_scheduler'):
        assert r38[key] == r50[key]
    assert r38.train_dataloader.dataset.pipeline == r50.train_dataloader.dataset.pipeline
    assert r50.model.labeler == r38.model.labeler
    assert r50.test_evaluator == r38.test_evaluator


@pytest.mark.parametrize('path', [PSA_R38, AFF_R50, AFF_TOY])
def test_affinitynet_configs_build_at_their_test_stride(path):
    import torch
    cfg = Config.fromfile(str(path))
    if cfg.model.backbone.type == 'WideResNet38':
        # same structure, 1/8 of the width: quick (tests/test_configs/test_configs.py
        # builds every config at full size)
        cfg.model.backbone.widen_factor = 0.125
        cfg.model.decode_head.in_channels = (64, 128, 512)
    stride = cfg.model.test_cfg.stride
    model = _build(cfg)
    model.eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.zeros(1, 3, 64, 64))
    assert feats[0].shape[-2:] == (64 // stride, 64 // stride)
    assert [f.shape[1] for f in feats] == list(cfg.model.decode_head.in_channels)
    # the labels are synthesised at the stride the model predicts at (its
    # pred_affinity's metainfo), which no labeller option overrides
    assert 'stride' not in cfg.model.labeler


def test_toy_affinitynet_predicts_at_stride_4_with_the_toy_alpha():
    import torch
    from mmirn.structures import WSSSDataSample
    cfg = Config.fromfile(str(AFF_TOY))
    cfg.model.backbone.init_cfg = None
    labeler_cfg = cfg.model.pop('labeler')
    model = _build(cfg)
    model.eval()
    with torch.no_grad():
        (out, ) = model.predict(
            torch.zeros(1, 3, 72, 80),
            [WSSSDataSample(metainfo=dict(img_shape=(70, 77)))])
    assert out.pred_affinity.data.shape == (34, 18, 20)  # ceil(70/4), ceil(77/4)
    assert out.pred_affinity.stride == 4 and out.pred_affinity.radius == 5
    labeler = TASK_UTILS.build(labeler_cfg)
    # the toy CAMs peak at a background threshold of 0.60: (1 - 0.6)^alpha = 0.6
    assert abs(labeler.alpha - 0.5575) < 1e-3
    assert any(abs(a - labeler.alpha) < 0.01 for a in labeler.sweep_alphas)


def test_psa_cam_config_builds():
    cfg = Config.fromfile(str(CAM_R38))
    assert cfg.model.cam_head.in_channels == 4096
    cfg.model.backbone.widen_factor = 0.125
    cfg.model.cam_head.in_channels = 512
    model = _build(cfg)
    assert model.backbone.out_channels == [512]
    assert cfg.model.test_cfg.output_stride == 8


@pytest.mark.parametrize('path,alpha', [(MIX_TOY, 0.5575), (MIX_VOC, 16)])
def test_irn_boundary_with_psa_background(path, alpha):
    cfg = Config.fromfile(str(path))
    assert cfg.model.type == 'IRNet'
    (metric, ) = cfg.test_evaluator
    assert metric.type in ('IoUMetric', 'LabelIoUMetric')
    assert METRICS.build(metric).prefix == 'irn_psa_bg'
    assert cfg.model.labeler.type == 'PSALabeler'
    assert cfg.model.labeler.source == 'boundary'
    model = _build(cfg)
    assert abs(model.labeler.alpha - alpha) < 1e-3
    assert list(cfg.default_hooks.writer.out_dirs) == ['sem']


def test_pipelines_name_the_variant_of_each_row():
    psa = Config.fromfile(str(CONFIGS / 'pipelines' / 'psa_toy.py'))
    names = [s['name'] for s in psa.steps]
    assert names[:3] == ['toy_data', 'train_cam', 'cams']
    assert names[3:] == ['affinity_labels', 'train_affinitynet', 'psa_labels']
    assert psa.steps[-1]['summary']['psa_miou'] == 'psa/mIoU'
    assert not psa.ablation_rows
    mix = Config.fromfile(str(CONFIGS / 'pipelines' / 'psa_irn_mix_toy.py'))
    summary = {}
    for step in mix.steps:
        summary.update(step.get('summary', {}))
    assert {'cam_miou', 'sem_miou', 'psa_miou',
            'irn_boundary_psa_bg_miou'} <= set(summary)
    names = [s['name'] for s in mix.steps]
    assert len(names) == len(set(names))
    # every path a step reads is a pipeline var or a file of the repo
    for step in mix.steps:
        script = step['cmd'][0]
        assert (CONFIGS.parent / script).exists(), script
    for key in ('psa_config', 'mix_config'):
        assert (CONFIGS.parent / mix.vars[key]).exists(), mix.vars[key]


def test_toy_pipelines_take_the_irn_thresholds(tmp_path):
    """The toy thresholds keep the VOC ones' ratio of background power to the
    CAM peak's (0.15 on VOC, cam_bg_thr on the toy); the affinity labels take
    IRN's toy confident areas."""
    import importlib.util

    from mmirn.pseudo import alpha_from_threshold as alpha
    spec = importlib.util.spec_from_file_location(
        'run_pipeline', CONFIGS.parent / 'tools' / 'run_pipeline.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    cfg = Config.fromfile(str(CONFIGS / 'pipelines' / 'psa_irn_mix_toy.py'))
    pipe = tool.Pipeline(cfg, str(tmp_path), dry_run=True)
    steps = {s['name']: pipe.fill(s['cmd']) for s in cfg.steps}
    fg, bg, sem, peak, psa = (
        pipe.fill(f'{{{k}}}') for k in ('rel_fg_thr', 'rel_bg_thr', 'sem_bg_thr',
                                         'cam_bg_thr', 'psa_bg_thr'))
    mine = steps['affinity_labels']
    assert f'miner.fg_thr={fg}' in mine and f'miner.bg_thr={bg}' in mine
    assert f'miner.fg_thr={fg}' in steps['relations']
    assert f'miner.bg_thr={bg}' in steps['relations']
    for name in ('psa_labels', 'irn_psa_bg_labels'):
        assert f'model.labeler.bg_thr={psa}' in steps[name]
    assert f'model.labeler.labelers.sem.bg_thr={sem}' in steps['pseudo_labels']
    assert f'model.labeler.labelers.ins.bg_thr={sem}' in steps['pseudo_labels']
    scale = alpha(float(peak)) / alpha(0.15)
    assert alpha(float(sem)) == pytest.approx(alpha(0.25) * scale, rel=0.05)
    assert alpha(float(psa)) == pytest.approx(16 * scale, rel=0.05)
    # each PSA step reruns after the step it reads, not after the IRN report
    needs = {s['name']: s.get('needs') for s in cfg.steps}
    assert needs['affinity_labels'] == ['cams']
    assert needs['irn_psa_bg_labels'] == ['train_irn']


@pytest.mark.parametrize('name,rows,init', [
    ('psa_r38_voc12', ('cam_r38_miou', 'psa_r38_miou'), 'resnet38'),
    ('affinitynet_r50_voc12', ('cam_r50_miou', 'affinitynet_r50_miou'), 'resnet50'),
])
def test_voc_variant_pipelines(name, rows, init):
    cfg = Config.fromfile(str(CONFIGS / 'pipelines' / f'{name}.py'))
    assert cfg.work_dir == f'work_dirs/{name}'
    assert [s['name'] for s in cfg.steps] == [
        'train_cam', 'cams', 'affinity_labels', 'train_affinitynet', 'psa_labels']
    summary = {}
    for step in cfg.steps:
        summary.update(step.get('summary', {}))
    assert set(rows) <= set(summary) and 'psa_miou' not in summary
    assert init in cfg.vars.affinity_init  # ImageNet start as PSA, not the CAM net
    for key in ('psa_config', 'cam_config'):
        assert (CONFIGS.parent / cfg.vars[key]).exists(), cfg.vars[key]
    # no toy threshold reaches the VOC configs: PSA's alpha 4 / 32 and 16 apply
    args = [a for s in cfg.steps for a in s['cmd']]
    assert not [a for a in args if a.startswith(('miner.', 'model.labeler.'))]
    psa = Config.fromfile(str(CONFIGS.parent / cfg.vars.psa_config))
    assert (psa.miner.alpha_low, psa.miner.alpha_high) == (4, 32)
    assert psa.model.labeler.alpha == 16 and 'bg_thr' not in psa.model.labeler
