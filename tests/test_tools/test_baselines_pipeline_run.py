# Copyright (c) mmirn contributors. All rights reserved.
"""irn_toy_baselines' seg / ins steps run for real (2 iterations, tiny toy data) and
fill summary.json's baselines table from the test logs."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip('mmseg')
pytest.importorskip('mmdet')

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / 'configs' / 'pipelines' / 'irn_toy_baselines.py'
_TINY = {
    'train': ['train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
              'train_dataloader.persistent_workers=False', 'train_cfg.max_iters=2',
              'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2',
              'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False'],
    'test': ['test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False'],
}


@pytest.mark.slow
def test_seg_and_ins_steps_fill_baselines(tmp_path):
    root = tmp_path / 'toy_voc'
    subprocess.run([
        sys.executable, str(ROOT / 'tools' / 'dataset_converters' / 'make_toy_voc.py'),
        str(root), '--num-train', '4', '--num-val', '2', '--min-size', '64',
        '--max-size', '72', '--workers', '1'
    ], check=True, capture_output=True, cwd=ROOT)
    wd = tmp_path / 'wd'
    wd.mkdir()
    # stand-ins for the IRN chain's outputs: the GT as "pseudo" labels
    shutil.copytree(root / 'SegmentationClass', wd / 'sem_labels')
    subprocess.run([
        sys.executable, str(ROOT / 'tools' / 'dataset_converters' / 'instance_pngs_to_coco.py'),
        str(root), '--split', str(root / 'ImageSets' / 'Segmentation' / 'train.txt'),
        '--classes-file', str(root / 'classes.txt'), '--out', str(wd / 'ins_labels.json')
    ], check=True, capture_output=True, cwd=ROOT)
    keep = ('coco_gt_train', 'coco_gt_val', 'train_seg_irn', 'test_seg_irn',
            'report_seg_irn', 'test_seg_irn_tta', 'test_seg_irn_crf', 'train_seg_gt',
            'test_seg_gt', 'train_ins_irn',
            'test_ins_irn')
    cfg = tmp_path / 'tiny_baselines.py'
    cfg.write_text(f'''_base_ = [{str(PIPELINE)!r}]
vars = dict(data_root={str(root)!r})
_tiny = {_TINY!r}
steps = [dict(s, cmd=s['cmd'] + _tiny['train' if s['name'].startswith('train') else 'test'],
              needs=[]) if s['name'].startswith(('train', 'test')) else dict(s, needs=[])
         for s in _base_.steps if s['name'] in {keep!r}]
''')
    out = subprocess.run([sys.executable, 'tools/run_pipeline.py', str(cfg), '--work-dir',
                          str(wd)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    summary = json.loads((wd / 'summary.json').read_text())
    base = summary['baselines']
    for labels in ('GT', 'IRN'):
        miou = base['seg'][labels]['mIoU']
        assert isinstance(miou, float) and 0 <= miou <= 100
    for key in ('mIoU_tta', 'mIoU_tta_crf'):  # mmseg's TTA, then the dense CRF
        assert 0 <= base['seg']['IRN'][key] <= 100
    assert base['seg']['GT']['ratio_to_GT']['mIoU'] == pytest.approx(1.0) or \
        base['seg']['GT']['mIoU'] == 0
    for key in ('ap50', 'ap70'):  # VOC-style, %
        ap = base['ins']['IRN'][key]
        assert isinstance(ap, (int, float)) and 0 <= ap <= 100, (key, ap)
    coco_ap = base['ins']['IRN']['coco_ap']  # mmdet's, a fraction (-1: no detection)
    assert isinstance(coco_ap, float) and -1 <= coco_ap <= 1
    # the picture: 2 val images, GT and the model's predictions
    figure = wd / 'report' / 'seg_irn' / 'seg_preds.png'
    assert figure.is_file() and len(list(figure.parent.glob('val_*.png'))) == 2
    assert base['ins']['GT']['ap50'] is None  # its steps were not run
    assert 'baselines: seg' in out.stdout
