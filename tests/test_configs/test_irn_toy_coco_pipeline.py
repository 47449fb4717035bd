"""configs/pipelines/irn_toy_coco.py: it loads, and every step's config builds and
reads the outputs of the step before it on a tiny toy COCO (CAM files named by COCO
image id -> tools/mine_labels.py on the IRN config's mine_dataloader -> IRN's relation
labels)."""
import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from mmengine.config import Config, DictAction
from mmengine.registry import DefaultScope, init_default_scope

import mmirn  # noqa: F401
from mmirn.datasets.toy import coco_writer
from mmirn.pseudo import cam_path, save_cams
from mmirn.registry import DATASETS, METRICS, MODELS
from tools.run_pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[2]
PIPE = ROOT / 'configs' / 'pipelines' / 'irn_toy_coco.py'


def _step_cfg(pipeline, step):
    """The leaf config of a train / test step, with the step's --cfg-options."""
    cmd = pipeline.fill(step['cmd'])
    opts = cmd[cmd.index('--cfg-options') + 1:] if '--cfg-options' in cmd else []
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    cfg = Config.fromfile(str(ROOT / cmd[1]))
    if opts:
        cfg.merge_from_dict(parser.parse_args(['--cfg-options', *opts]).cfg_options)
    return cmd, cfg


def test_pipeline_loads_like_irn_toy():
    cfg = Config.fromfile(str(PIPE))
    base = Config.fromfile(str(ROOT / 'configs' / 'pipelines' / 'irn_toy.py'))
    names = [s['name'] for s in cfg.steps]
    assert names == ['toy_data', 'train_cam', 'cams', 'relations', 'train_irn',
                     'pseudo_labels']
    # inherited from irn_toy.py: thresholds, checkpoints, ablation rows, summary keys
    for key in ('rel_fg_thr', 'sem_bg_thr', 'cam_bg_thr', 'cam_ckpt', 'cams'):
        assert cfg.vars[key] == base.vars[key]
    assert cfg.ablation_rows == base.ablation_rows
    keys = set()
    for step in cfg.steps:
        keys |= set(step.get('summary', {}))
    assert {'cam_miou', 'sem_miou', 'ins_ap50', 'ins_coco_ap'} <= keys
    assert 'coco' in cfg.vars.cam_config and 'coco' in cfg.vars.irn_config


def test_every_step_builds_on_tiny_toy_coco(tmp_path):
    pytest.importorskip('pycocotools')
    cfg = Config.fromfile(str(PIPE))
    data_root = tmp_path / 'toy_coco'
    coco_writer.generate(str(data_root), num_train=10, num_val=1, seed=0,
                    min_size=48, max_size=64, verbose=False)
    cfg.vars['data_root'] = str(data_root)
    pipeline = Pipeline(cfg, str(tmp_path / 'work'), dry_run=True)
    steps = {s['name']: s for s in cfg.steps}
    assert pipeline.fill(steps['toy_data']['cmd'])[1] == str(data_root)

    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        # CAM: model, training data (15 classes), CAM test data with JSON masks
        _, cam_cfg = _step_cfg(pipeline, steps['train_cam'])
        assert cam_cfg.train_cfg.max_epochs == int(cfg.vars.cam_epochs)
        cam_model = MODELS.build(cam_cfg.model)
        train = DATASETS.build(cam_cfg.train_dataloader.dataset)
        batch = cam_model.data_preprocessor(
            dict(inputs=[train[0]['inputs']],
                 data_samples=[train[0]['data_samples']]), True)
        losses = cam_model(**batch, mode='loss')
        assert all(torch.isfinite(v).all() for v in losses.values())
        _, cams_cfg = _step_cfg(pipeline, steps['cams'])
        cam_dir = Path(cams_cfg.default_hooks.writer.out_dirs.cams)
        METRICS.build(cams_cfg.test_evaluator)
        test = DATASETS.build(cams_cfg.test_dataloader.dataset)
        assert len(test) == len(train) > 0
        # CAM files as the cams step writes them (<img_id>.npz): the GT classes
        for i in range(len(test)):
            sample = test[i]['data_samples']
            seg = sample.gt_sem_seg.data.numpy()[0]
            keys = list(sample.label_ids)
            high = np.stack([(seg == k + 1) for k in keys]).astype(np.float32)
            save_cams(cam_path(str(cam_dir), str(sample.img_id)), keys,
                      high[:, ::4, ::4], high)

        # relations: the pipeline's command (the COCO dataset finds the images)
        rel_cmd = pipeline.fill(steps['relations']['cmd'])
        rel_dir = Path(rel_cmd[rel_cmd.index('--out-dir') + 1])
        assert f'mine_dataloader.dataset.data_prefix.cam_path={cam_dir}' in rel_cmd
        proc = subprocess.run([sys.executable, str(ROOT / rel_cmd[0]), *rel_cmd[1:],
                               'miner.crf_cfg.enabled=False'], cwd=ROOT,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert len(list(rel_dir.glob('*.png'))) == len(test)
        first = test[0]['data_samples']
        mined = np.array(Image.open(rel_dir / f'{first.img_id}.png'))
        assert mined.shape == first.gt_sem_seg.data.shape[-2:]
        assert set(np.unique(mined)) & {k + 1 for k in first.label_ids}

        # IRN: training reads those relation labels
        _, irn_cfg = _step_cfg(pipeline, steps['train_irn'])
        assert irn_cfg.train_cfg.max_iters == int(cfg.vars.irn_iters)
        irn_train = DATASETS.build(irn_cfg.train_dataloader.dataset)
        item = irn_train[0]
        rel = item['data_samples'].gt_relation.data
        assert rel.shape[-2:] == item['inputs'].shape[-2:] == (128, 128)
        irn_model = MODELS.build(irn_cfg.model)
        batch = irn_model.data_preprocessor(
            dict(inputs=[item['inputs']], data_samples=[item['data_samples']]),
            True)
        losses = irn_model(**batch, mode='loss')
        assert all(torch.isfinite(v).all() for v in losses.values())

        # labels: the test data bring the CAMs, the metrics score against the JSON
        # masks
        _, lab_cfg = _step_cfg(pipeline, steps['pseudo_labels'])
        assert lab_cfg.test_dataloader.dataset.data_prefix.cam_path == str(cam_dir)
        for metric in lab_cfg.test_evaluator:
            METRICS.build(metric)
        lab_test = DATASETS.build(lab_cfg.test_dataloader.dataset)
        sample = lab_test[0]['data_samples']
        assert len(sample.gt_instances) > 0 and 'gt_sem_seg' in sample
        assert sample.cams_strided.cam_keys.tolist() == list(sample.label_ids)
