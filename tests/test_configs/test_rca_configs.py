import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

import mmirn.datasets  # noqa: F401
import mmirn.models  # noqa: F401
from mmirn.registry import MODELS, TASK_UTILS, TRANSFORMS
from mmirn.structures import WSSSDataSample

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _cfg(name):
    path = osp.join(ROOT, 'configs', name)
    assert osp.isfile(path), path
    return Config.fromfile(path)


def _build(cfg):
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        return MODELS.build(cfg)


def test_voc_setting():
    cfg = _cfg('rca/rca_vgg16_1xb8-30e_voc12aug-368x368.py')
    assert cfg.crop_size == (368, 368)
    assert cfg.train_dataloader.batch_size == 8
    assert cfg.train_cfg.max_epochs == 30
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    assert cfg.optim_wrapper.optimizer.weight_decay == 5e-4
    keys = cfg.optim_wrapper.paramwise_cfg.custom_keys
    assert keys['backbone.extra'].lr_mult == 10
    assert keys['backbone.extra.0.bias'].lr_mult == 20
    assert cfg.model.backbone.type == 'WSSSVGG'
    assert cfg.model.cam_head.type == 'RCAHead'
    assert [h.type for h in cfg.custom_hooks] == ['RCAHook']
    cfg.model.backbone.init_cfg = None
    model = _build(cfg.model)
    assert model.cam_head.memory.bank.shape == (20, 500, 512)
    assert model.cam_head.aggregation.centroids.shape == (200, 512)


def test_saliency_labels_variant():
    cfg = _cfg('rca/rca_vgg16_1xb8-30e_voc12aug-368x368_saliency-labels.py')
    base = _cfg('rca/rca_vgg16_1xb8-30e_voc12aug-368x368.py')
    assert 'labeler' not in base.model  # no saliency by default
    assert 'saliency_path' not in base.test_dataloader.dataset.data_prefix
    assert cfg.model.labeler.type == 'SaliencyCAMLabeler'
    assert cfg.test_dataloader.dataset.data_prefix.saliency_path == 'saliency_map'
    pack = cfg.test_dataloader.dataset.pipeline[-1]
    assert pack.type == 'PackWSSSInputs'
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        assert 'saliency_path' in TRANSFORMS.build(pack).meta_keys
    assert set(cfg.default_hooks.writer.out_dirs) == {'cams', 'sem'}
    assert 'saliency-labels' in cfg.default_hooks.writer.out_dirs.cams
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        assert TASK_UTILS.build(cfg.model.labeler).cam_field == 'pred_cams'


def test_toy_model_trains_one_step():
    cfg = _cfg('rca/rca_r18_1xb8-30e_toyvoc-128x128.py')
    plain = _cfg('cam/cam_r18_1xb8-30e_toyvoc-128x128.py')
    # same backbone and schedule as the toy CAM classifier
    assert cfg.model.backbone == plain.model.backbone
    assert cfg.train_cfg == plain.train_cfg
    assert cfg.optim_wrapper == plain.optim_wrapper
    model = _build(cfg.model)
    sample = WSSSDataSample()
    sample.gt_label = torch.tensor([1., 0., 0., 1., 0.])
    losses = model.loss(torch.randn(1, 3, 64, 64), [sample])
    assert torch.isfinite(sum(v for k, v in losses.items() if 'loss' in k))


def test_rca_pipeline_steps():
    cfg = _cfg('pipelines/rca_irn_toy.py')
    names = [s['name'] for s in cfg.steps]
    assert names[:6] == ['toy_data', 'train_cam', 'cams', 'relations',
                         'train_irn', 'pseudo_labels']
    rca = {s['name']: s for s in cfg.steps if s['name'].startswith('rca_')}
    assert set(rca) == {'rca_train_cam', 'rca_bank_plot', 'rca_cams',
                        'rca_relations', 'rca_train_irn', 'rca_pseudo_labels',
                        'rca_report'}
    # the bank figure follows the RCA training; the CAM inference does not wait for it
    assert names.index('rca_bank_plot') == names.index('rca_train_cam') + 1
    plot = rca['rca_bank_plot']
    assert plot['cmd'][:2] == ['tools/analysis_tools/plot_rca_bank.py', '{rca_ckpt}']
    assert plot['outputs'] == ['{work_dir}/rca_report/bank.png']
    assert plot['needs'] == ['rca_train_cam']
    assert rca['rca_cams']['needs'] == ['rca_train_cam']
    assert osp.isfile(osp.join(ROOT, plot['cmd'][0]))
    assert '{rca_config}' in rca['rca_train_cam']['cmd']
    assert rca['rca_cams']['summary']['rca_cam_miou'] == 'cam/mIoU'
    assert rca['rca_pseudo_labels']['summary']['rca_sem_miou'] == 'sem/mIoU'
    # only the panel (plain CAM beside RCA's) reads the plain CAMs
    assert not any('{cams}' in a for n, s in rca.items() for a in s['cmd']
                   if n != 'rca_report')
    report = rca['rca_report']['cmd']
    assert report[:3] == ['tools/visualize_rca.py', '{rca_config}', '{rca_ckpt}']
    assert report[report.index('--cams') + 1] == '{cams}'
    assert report[report.index('--labels') + 1] == '{work_dir}/rca_sem_labels'
    assert names[-1] == 'rca_report'
    assert set(cfg.comparison_rows.values()) == {
        'cam_miou', 'rca_cam_miou', 'sem_miou', 'rca_sem_miou'}
