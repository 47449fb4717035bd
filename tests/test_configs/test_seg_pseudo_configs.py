# Copyright (c) mmirn contributors. All rights reserved.
"""Toy mmseg configs on pseudo labels: the dataset and a 2-iteration run."""
import glob
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip('mmseg')

ROOT = Path(__file__).resolve().parents[2]
CFG = ROOT / 'configs' / 'seg' / \
    'deeplabv2_r18-d8_1xb8-2ki_toyvoc-128x128_irn-labels.py'


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp('toy') / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'dataset_converters' / 'make_toy_voc.py'),
        str(root), '--num-train', '4', '--num-val', '2', '--min-size', '64',
        '--max-size', '80', '--workers', '1'
    ], check=True, capture_output=True, cwd=ROOT)
    # "pseudo labels": the GT with a 255 band (ignore) and class 1 -> 2
    pseudo = root.parent / 'pseudo'
    pseudo.mkdir()
    for p in glob.glob(str(root / 'SegmentationClass' / '*.png')):
        lab = np.array(Image.open(p))
        lab[lab == 1] = 2
        lab[:5] = 255
        Image.fromarray(lab).save(pseudo / Path(p).name)
    return root, pseudo


def test_dataset_reads_pseudo_pngs(toy):
    from mmengine.config import Config
    from mmseg.registry import DATASETS
    from mmseg.utils import register_all_modules
    register_all_modules()
    root, pseudo = toy
    cfg = Config.fromfile(str(CFG))
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = str(root)
    ds_cfg.data_prefix.seg_map_path = str(pseudo)
    ds_cfg.pipeline = [dict(type='LoadAnnotations')]
    ds = DATASETS.build(ds_cfg)
    train_ids = (root / 'ImageSets' / 'Segmentation' /
                 'train.txt').read_text().split()
    assert len(ds) == len(train_ids)
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        assert Path(info['seg_map_path']).parent == pseudo
        out = ds[i]
        want = np.array(Image.open(info['seg_map_path']))
        np.testing.assert_array_equal(out['gt_seg_map'], want)
        assert (out['gt_seg_map'][:5] == 255).all()
    # val reads the GT masks of the val split
    val_cfg = cfg.val_dataloader.dataset
    val_cfg.data_root = str(root)
    val_cfg.pipeline = []
    val = DATASETS.build(val_cfg)
    assert all('SegmentationClass' in val.get_data_info(i)['seg_map_path']
               for i in range(len(val)))
    # the loss ignores 255: a batch labelled all-255 gives zero CE loss
    from mmseg.models.losses import CrossEntropyLoss
    import torch
    loss = CrossEntropyLoss()(torch.randn(1, 6, 4, 4),
                              torch.full((1, 4, 4), 255, dtype=torch.long),
                              ignore_index=255)
    assert float(loss) == 0


def test_two_iteration_train(toy, tmp_path):
    root, pseudo = toy
    opts = [
        f'train_dataloader.dataset.data_root={root}',
        f'train_dataloader.dataset.data_prefix.seg_map_path={pseudo}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
        'default_hooks.checkpoint.interval=2', 'param_scheduler.0.end=2',
    ]
    out = subprocess.run(
        [sys.executable, 'tools/train.py', str(CFG), '--work-dir',
         str(tmp_path), '--cfg-options', *opts],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert (tmp_path / 'iter_2.pth').exists()
    assert 'mIoU' in out.stdout + out.stderr
    # mmseg's multi-scale + flip TTA, then with mmirn's dense CRF after it, through
    # tools/test.py --tta on the trained checkpoint; predictions written as PNGs
    test_opts = [o for o in opts if o.startswith(('test_', 'val_'))]
    from mmengine.config import Config
    for tag, extra, model_type in [
            ('tta', [], 'SegTTAModel'),
            ('crf', ['tta_model.type=mmirn.CRFSegTTAModel'], 'mmirn.CRFSegTTAModel')]:
        preds = tmp_path / f'preds_{tag}'
        out = subprocess.run(
            [sys.executable, 'tools/test.py', str(CFG), str(tmp_path / 'iter_2.pth'),
             '--tta', '--work-dir', str(tmp_path / tag), '--cfg-options', *test_opts,
             f'test_evaluator.output_dir={preds}', *extra],
            cwd=ROOT, capture_output=True, text=True, timeout=600)
        log = out.stdout + out.stderr
        assert out.returncode == 0, log[-3000:]
        assert 'mIoU' in log and 'missing keys' not in log, log[-3000:]
        # the run's config: the TTA model around the trained one, the TTA pipeline
        ran = Config.fromfile(str(next((tmp_path / tag).glob('*/vis_data/config.py'))))
        assert ran.model.type == model_type
        assert ran.model.module.type == 'EncoderDecoder'
        assert ran.test_dataloader.dataset.pipeline[1].type == 'TestTimeAug'
        val_ids = (root / 'ImageSets' / 'Segmentation' / 'val.txt').read_text().split()
        for img_id in val_ids:
            pred = np.array(Image.open(preds / f'{img_id}.png'))
            gt = np.array(Image.open(root / 'SegmentationClass' / f'{img_id}.png'))
            assert pred.shape == gt.shape and pred.max() < 6


def test_tta_needs_a_tta_pipeline(tmp_path):
    cfg = tmp_path / 'no_tta.py'
    cfg.write_text(f'_base_ = [{str(CFG)!r}]\ntta_pipeline = None\n')
    out = subprocess.run(
        [sys.executable, 'tools/test.py', str(cfg), str(tmp_path / 'none.pth'), '--tta'],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode != 0
    assert f'--tta needs tta_pipeline in {cfg}' in out.stderr
