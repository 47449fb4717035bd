"""The IRN label step as a test loop (tools/test.py on tiny toy data): the labels the
writer wrote are those of a direct call of the labeller, and the scores are those of
mmseg's IoUMetric / mmdet's CocoMetric called directly on them."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from pathlib import Path

import numpy as np
import pycocotools.mask as mask_util
import pytest
import torch
from PIL import Image
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.pseudo import load_cams, save_cams
from mmirn.pseudo.psa import pool_to_stride
from mmirn.registry import DATASETS, MODELS, TASK_UTILS

pytest.importorskip('mmdet')

ROOT = Path(__file__).resolve().parents[2]
CAM_CONFIG = ROOT / 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py'
IRN_CONFIG = ROOT / 'configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py'
TINY = ['test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False']


def _test(config, ckpt, work_dir, *options):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'tools/test.py'), str(config), str(ckpt),
         '--work-dir', str(work_dir), '--cfg-options', *TINY, *options],
        env=env, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    with open(logs[-1]) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def _checkpoint(config, path, **options):
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(options)
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        model.init_weights()
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)


def _gt_cams(root, cams):
    """Replace the random model's CAMs by the class masks (same keys), so that the
    labels overlap the ground truth and the APs are not all 0."""
    for path in sorted(cams.glob('*.npz')):
        keys = load_cams(str(path))['keys']
        gt = np.asarray(Image.open(root / 'SegmentationClass' / f'{path.stem}.png'))
        full = torch.from_numpy(
            np.stack([gt == k + 1 for k in keys]).astype(np.float32)).reshape(
                len(keys), *gt.shape)
        strided = pool_to_stride(full, 4).clamp(max=1)
        save_cams(str(path), keys, strided, full)


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('label_loop')
    root = tmp / 'toy_voc'
    subprocess.run([
        sys.executable, str(ROOT / 'tools/dataset_converters/make_toy_voc.py'),
        str(root), '--num-train', '4', '--num-val', '1', '--min-size', '56',
        '--max-size', '72', '--workers', '1'
    ], check=True, capture_output=True)
    data = [f'test_dataloader.dataset.data_root={root}']
    cams = tmp / 'cams'
    _checkpoint(CAM_CONFIG, tmp / 'cam.pth')
    cam_metrics = _test(CAM_CONFIG, tmp / 'cam.pth', tmp / 'cam', *data,
                        'model.test_cfg.scales=[1.0]',
                        f'default_hooks.writer.out_dirs.cams={cams}')
    _gt_cams(root, cams)
    _checkpoint(IRN_CONFIG, tmp / 'irn.pth', **{'model.backbone.init_cfg': None})
    options = [
        *data, f'test_dataloader.dataset.data_prefix.cam_path={cams}',
        'model.backbone.init_cfg=None',
        'model.labeler.labelers.sem.bg_thr=0.2',
        'model.labeler.labelers.ins.bg_thr=0.2',
        'model.labeler.labelers.ins.cam_bg_thr=0.5',
        f'default_hooks.writer.out_dirs.sem={tmp}/sem',
        f'default_hooks.writer.out_dirs.ins={tmp}/ins'
    ]
    metrics = _test(IRN_CONFIG, tmp / 'irn.pth', tmp / 'irn', *options)
    cfg = Config.fromfile(str(IRN_CONFIG))
    cfg.merge_from_dict({
        'test_dataloader.dataset.data_root': str(root),
        'test_dataloader.dataset.data_prefix.cam_path': str(cams),
        'model.labeler.labelers.sem.bg_thr': 0.2,
        'model.labeler.labelers.ins.bg_thr': 0.2,
        'model.labeler.labelers.ins.cam_bg_thr': 0.5,
        'model.backbone.init_cfg': None,
    })
    return dict(tmp=tmp, root=root, cfg=cfg, metrics=metrics,
                cam_metrics=cam_metrics)


def _direct_labels(run):
    """Predict without a labeller, then call the config's labeller by hand."""
    cfg = run['cfg']
    torch.set_num_threads(1)
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        model_cfg = dict(cfg.model, labeler=None)
        model = MODELS.build(model_cfg)
        state = torch.load(run['tmp'] / 'irn.pth', map_location='cpu')
        model.load_state_dict(state['state_dict'])
        model.eval()
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
        labeler = TASK_UTILS.build(cfg.model.labeler)
        samples = []
        for i in range(len(dataset)):
            with torch.no_grad():
                sample = model.test_step(pseudo_collate([dataset[i]]))[0]
            samples.append(labeler(sample))
    return dataset, samples


def _decode(rles, shape):
    if not rles:
        return np.zeros((0, ) + shape, dtype=bool)
    return mask_util.decode(rles).transpose(2, 0, 1).astype(bool)


def test_written_labels_are_the_labellers(run):
    dataset, samples = _direct_labels(run)
    assert len(samples) == 4
    num_fg = 0
    for sample in samples:
        img_id = sample.metainfo['img_id']
        sem = np.asarray(Image.open(run['tmp'] / 'sem' / f'{img_id}.png'))
        np.testing.assert_array_equal(sem, sample.pred_sem_seg.data[0].numpy())
        num_fg += int((sem > 0).sum())
        with open(run['tmp'] / 'ins' / f'{img_id}.json') as f:
            written = json.load(f)
        ins = sample.pred_instances
        np.testing.assert_array_equal(
            _decode(written['rles'], sem.shape), ins.masks.numpy())
        assert written['labels'] == ins.labels.tolist()
        np.testing.assert_allclose(written['scores'], ins.scores.numpy())
        # the ablation's modes come from the same call
        assert 'pred_instances_cam' in sample
        assert 'pred_instances_cam_boundary' in sample
    assert num_fg > 0
    coco = json.loads((run['tmp'] / 'ins.json').read_text())
    assert len(coco['images']) == 4


def test_scores_are_mmseg_and_mmdet_metrics(run):
    from mmdet.evaluation import CocoMetric
    from mmseg.evaluation import IoUMetric
    from tools.dataset_converters.instance_pngs_to_coco import pngs_to_coco

    root, tmp = run['root'], run['tmp']
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        dataset = DATASETS.build(run['cfg'].test_dataloader.dataset)
    ids = [dataset.get_data_info(i)['img_id'] for i in range(len(dataset))]
    iou = IoUMetric()
    iou.dataset_meta = dataset.metainfo
    for img_id in ids:
        pred = np.asarray(Image.open(tmp / 'sem' / f'{img_id}.png'))
        gt = np.asarray(Image.open(root / 'SegmentationClass' / f'{img_id}.png'))
        iou.process({}, [dict(
            pred_sem_seg=dict(data=torch.from_numpy(pred.astype(np.int64))[None]),
            gt_sem_seg=dict(data=torch.from_numpy(gt.astype(np.int64))[None]))])
    assert run['metrics']['sem/mIoU'] == iou.evaluate(len(ids))['mIoU']

    fg = dataset.metainfo['classes'][1:]
    gt_file = tmp / 'gt_ins.json'
    gt_file.write_text(json.dumps(pngs_to_coco(
        ids, str(root / 'SegmentationObject'), str(root / 'SegmentationClass'),
        classes=fg)))
    coco = CocoMetric(ann_file=str(gt_file), metric='segm')
    coco.dataset_meta = dict(classes=fg)
    for i, img_id in enumerate(ids):
        with open(tmp / 'ins' / f'{img_id}.json') as f:
            written = json.load(f)
        boxes = np.array([mask_util.toBbox(r) for r in written['rles']],
                         dtype=np.float32).reshape(-1, 4)
        boxes[:, 2:] += boxes[:, :2]
        coco.process({}, [dict(
            img_id=i + 1, ori_shape=(written['height'], written['width']),
            pred_instances=dict(
                bboxes=torch.from_numpy(boxes),
                scores=torch.tensor(written['scores']),
                labels=torch.tensor(written['labels'], dtype=torch.long),
                masks=written['rles']))])
    direct = coco.evaluate(len(ids))
    assert run['metrics']['coco/segm_mAP_50'] > 0
    assert run['metrics']['coco/segm_mAP'] == direct['coco/segm_mAP']
    assert run['metrics']['coco/segm_mAP_50'] == direct['coco/segm_mAP_50']
    assert run['metrics']['ins_cam/ap50'] > 0
    for key in ('ins/ap50', 'ins/ap70', 'ins_cam/ap50', 'ins_cam_boundary/ap50'):
        assert 0 <= run['metrics'][key] <= 100
