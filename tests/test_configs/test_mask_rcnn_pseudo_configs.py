# Copyright (c) mmirn contributors. All rights reserved.
"""Toy Mask R-CNN config: GT instance PNGs -> COCO JSON -> mmdet, 2 iterations."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip('mmdet')

ROOT = Path(__file__).resolve().parents[2]
CFG = ROOT / 'configs' / 'mask_rcnn' / 'mask-rcnn_r18_fpn_1xb4-2ki_toyvoc_gt.py'
CONV = ROOT / 'tools' / 'dataset_converters' / 'instance_pngs_to_coco.py'


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp('toy') / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'dataset_converters' / 'make_toy_voc.py'),
        str(root), '--num-train', '4', '--num-val', '2', '--min-size', '64',
        '--max-size', '80', '--workers', '1'
    ], check=True, capture_output=True, cwd=ROOT)
    for split in ('train', 'val'):
        subprocess.run([
            sys.executable, str(CONV), str(root), '--split',
            str(root / 'ImageSets' / 'Segmentation' / f'{split}.txt'),
            '--classes-file', str(root / 'classes.txt'), '--out',
            str(root / f'{split}_gt_ins.json')
        ], check=True, capture_output=True, cwd=ROOT)
    return root


def test_coco_dataset_masks_equal_pngs(toy):
    from mmengine.config import Config
    from mmdet.registry import DATASETS
    from mmdet.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(str(CFG))
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = str(toy) + '/'
    ds_cfg.pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True, with_mask=True)
    ]
    ds = DATASETS.build(ds_cfg)
    assert len(ds) == 4
    for i in range(len(ds)):
        out = ds[i]
        name = Path(out['img_path']).stem
        inst = np.array(Image.open(toy / 'SegmentationObject' / f'{name}.png'))
        ids = [k for k in np.unique(inst) if k not in (0, 255)]
        masks = out['gt_masks'].to_ndarray().astype(bool)
        assert len(masks) == len(ids)
        for k, m, box in zip(ids, masks, out['gt_bboxes'].tensor.numpy()):
            np.testing.assert_array_equal(m, inst == k)
            ys, xs = np.nonzero(m)
            np.testing.assert_allclose(
                box, [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])


def test_two_iteration_train(toy, tmp_path):
    opts = [
        f'train_dataloader.dataset.data_root={toy}/',
        f'val_dataloader.dataset.data_root={toy}/',
        f'test_dataloader.dataset.data_root={toy}/',
        f'val_evaluator.0.ann_file={toy}/val_gt_ins.json',
        f'test_evaluator.0.ann_file={toy}/val_gt_ins.json',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
        'default_hooks.checkpoint.interval=2',
    ]
    out = subprocess.run(
        [sys.executable, 'tools/train.py', str(CFG), '--work-dir',
         str(tmp_path), '--cfg-options', *opts],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert (tmp_path / 'iter_2.pth').exists()
    log = out.stdout + out.stderr
    assert 'segm_mAP' in log and 'ins/ap50' in log and 'ins/ap70' in log
