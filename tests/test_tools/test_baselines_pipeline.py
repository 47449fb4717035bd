# Copyright (c) mmirn contributors. All rights reserved.
"""irn_toy_baselines: the seg steps find the pseudo labels of any --work-dir."""
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip('mmseg')

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / 'configs' / 'pipelines' / 'irn_toy_baselines.py'


def _commands(capsys, argv):
    """The commands a dry run prints, by step name."""
    sys.path.insert(0, str(ROOT / 'tools'))
    try:
        import run_pipeline
    finally:
        sys.path.pop(0)
    run_pipeline.main(argv)
    cmds = {}
    for line in capsys.readouterr().out.splitlines():
        if line.startswith('[pipeline] ') and ': ' in line and '(' not in line[:12]:
            name, cmd = line[len('[pipeline] '):].split(': ', 1)
            cmds[name] = shlex.split(cmd)
    return cmds


def _options(cmd):
    opts = cmd[cmd.index('--cfg-options') + 1:]
    return dict(o.split('=', 1) for o in opts)


def test_seg_steps_read_labels_of_any_work_dir(tmp_path, monkeypatch, capsys):
    from mmengine.config import Config
    from mmseg.registry import DATASETS
    from mmseg.utils import register_all_modules
    register_all_modules()
    root = tmp_path / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'dataset_converters' / 'make_toy_voc.py'),
        str(root), '--num-train', '3', '--num-val', '2', '--min-size', '64',
        '--max-size', '72', '--workers', '1'
    ], check=True, capture_output=True, cwd=ROOT)
    # a relative --work-dir somewhere else than work_dirs/demo
    monkeypatch.chdir(tmp_path)
    work_dir = tmp_path / 'elsewhere' / 'wd'
    labels = work_dir / 'sem_labels'
    labels.mkdir(parents=True)
    for p in (root / 'SegmentationClass').glob('*.png'):
        lab = np.array(Image.open(p))
        lab[:3] = 255  # mark them as "pseudo" labels
        Image.fromarray(lab).save(labels / p.name)
    cmds = _commands(capsys, [str(PIPELINE), '--work-dir', 'elsewhere/wd', '--dry-run'])
    assert {'train_seg_irn', 'train_seg_gt', 'test_seg_irn', 'test_seg_gt'} <= set(cmds)

    train_ids = (root / 'ImageSets' / 'Segmentation' / 'train.txt').read_text().split()
    for name, want_dir in [('train_seg_irn', labels),
                           ('train_seg_gt', root / 'SegmentationClass')]:
        cmd = cmds[name]
        opts = _options(cmd)
        assert Path(opts['train_dataloader.dataset.data_prefix.seg_map_path']).is_absolute() \
            or name == 'train_seg_gt'
        # the step's config with its options, on the test's toy data root
        assert cmd[1].endswith("tools/train.py")
        cfg = Config.fromfile(str(ROOT / cmd[2]))
        opts = {k: (str(root) if k.endswith('data_root') else v) for k, v in opts.items()}
        cfg.merge_from_dict(opts)
        ds_cfg = cfg.train_dataloader.dataset
        ds_cfg.pipeline = [dict(type='LoadAnnotations')]
        ds = DATASETS.build(ds_cfg)
        assert len(ds) == len(train_ids)
        for i in range(len(ds)):
            path = Path(ds.get_data_info(i)['seg_map_path'])
            assert path.parent == want_dir, (name, path)
            top = ds[i]['gt_seg_map'][:3]
            assert (top == 255).all() == (name == 'train_seg_irn')
    # the labels dir is where the pseudo_labels step writes them
    plab = _options(cmds['pseudo_labels'])
    assert Path(plab['default_hooks.writer.out_dirs.sem']) == labels
    shutil.rmtree(work_dir)


def test_ins_steps_use_absolute_coco_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cmds = _commands(capsys, [str(PIPELINE), '--work-dir', 'wd', '--dry-run'])
    wd = tmp_path / 'wd'
    assert cmds['coco_gt_val'][cmds['coco_gt_val'].index('--out') + 1] == \
        str(wd / 'coco' / 'val_gt_ins.json')
    for tag, train_ann in [('irn', wd / 'ins_labels.json'),
                           ('gt', wd / 'coco' / 'train_gt_ins.json')]:
        opts = _options(cmds[f'train_ins_{tag}'])
        assert opts['train_dataloader.dataset.ann_file'] == str(train_ann)
        for name in (f'train_ins_{tag}', f'test_ins_{tag}'):
            opts = _options(cmds[name])
            for key in ('val_dataloader.dataset.ann_file', 'test_evaluator.0.ann_file',
                        'test_dataloader.dataset.ann_file', 'val_evaluator.0.ann_file'):
                assert opts[key] == str(wd / 'coco' / 'val_gt_ins.json'), (name, key)


def test_baseline_table_and_summary(tmp_path):
    sys.path.insert(0, str(ROOT / 'tools'))
    try:
        import run_pipeline
    finally:
        sys.path.pop(0)
    from mmengine.config import Config
    rows = Config.fromfile(str(PIPELINE)).baseline_rows.to_dict()
    results = dict(seg_gt_miou=60.0, seg_irn_miou=45.0, ins_gt_ap50=40.0,
                   ins_irn_ap50=30.0, seconds=dict(a=1.0))
    table = run_pipeline.baseline_table(rows, results)
    none = dict(mIoU_tta=None, mIoU_tta_crf=None)  # not in the results
    assert table['seg']['GT'] == dict(mIoU=60.0, **none, ratio_to_GT=dict(mIoU=1.0, **none))
    assert table['seg']['IRN'] == dict(mIoU=45.0, **none,
                                       ratio_to_GT=dict(mIoU=0.75, **none))
    assert table['ins']['IRN']['ap50'] == 30.0
    assert table['ins']['IRN']['ratio_to_GT'] == dict(ap50=0.75, ap70=None,
                                                      coco_ap=None)
    assert table['ins']['GT']['ap70'] is None  # not in the results
    # a missing metric (step not run) is null, and so is its ratio
    part = run_pipeline.baseline_table(rows, dict(seg_irn_miou=45.0))
    assert part['seg']['IRN'] == dict(mIoU=45.0, **none, ratio_to_GT=dict(mIoU=None, **none))
    text = run_pipeline.format_summary(dict(config='x', baselines=table, **results))
    assert 'baselines: seg' in text and '(0.75)' in text
    # no GT row (make demo): the values without ratios
    demo = run_pipeline.baseline_table(dict(seg=dict(IRN=dict(mIoU='seg_irn_miou'))),
                                       dict(seg_irn_miou=45.0))
    text = run_pipeline.format_summary(dict(config='x', baselines=demo))
    assert 'IRN     mIoU   45.00' in text and 'None' not in text


def test_seg_only_variant(tmp_path, monkeypatch, capsys):
    from mmengine.config import Config
    seg_only = PIPELINE.with_name('irn_toy_baselines_seg.py')
    monkeypatch.chdir(tmp_path)
    full = _commands(capsys, [str(PIPELINE), '--work-dir', 'a', '--dry-run'])
    cmds = _commands(capsys, [str(seg_only), '--work-dir', 'b', '--dry-run'])
    ins = {n for n in full if n.startswith(('coco_gt_', 'train_ins', 'test_ins'))}
    assert 'report_seg_baselines' in cmds
    assert len(ins) == 6 and not ins & set(cmds)
    assert set(cmds) == set(full) - ins
    assert list(Config.fromfile(str(seg_only)).baseline_rows) == ['seg']


def test_cam_labels_step_writes_cam_threshold_labels(tmp_path, capsys):
    """The CAM row's labels: the CAM classifier's test run with CAMThresholdLabeler on
    its predicted CAMs, writing only ``sem`` PNGs; DeepLab then trains on that folder."""
    from mmengine.config import Config, DictAction
    from mmengine.registry import init_default_scope
    from mmirn.registry import HOOKS, MODELS
    from mmirn.utils import register_all_modules
    register_all_modules()
    cmds = _commands(capsys, [str(PIPELINE), '--work-dir', str(tmp_path), '--dry-run'])
    cmd = cmds['cam_labels']
    assert cmd[1].endswith('tools/test.py')
    cfg = Config.fromfile(str(ROOT / cmd[2]))
    # values as tools/test.py's --cfg-options (DictAction) reads them: numbers, None
    cfg.merge_from_dict(
        {k: DictAction._parse_iterable(v) for k, v in _options(cmd).items()})
    init_default_scope('mmirn')
    model = MODELS.build(cfg.model)
    assert type(model.labeler).__name__ == 'CAMThresholdLabeler'
    assert model.labeler.cam_field == 'pred_cams' and model.labeler.bg_thr == 0.65
    hook = HOOKS.build(cfg.default_hooks.writer)
    assert hook.out_dirs == {'sem': str(tmp_path / 'cam_sem_labels')}
    train = _options(cmds['train_seg_cam'])
    assert train['train_dataloader.dataset.data_prefix.seg_map_path'] == \
        str(tmp_path / 'cam_sem_labels')
    assert 'test_seg_cam' in cmds


def test_demo_is_the_irn_row(tmp_path, monkeypatch, capsys):
    """make demo's pipeline: the IRN chain, DeepLab v2 on its labels and the picture,
    the same commands as in irn_toy_baselines (so either run reuses the other's)."""
    from mmengine.config import Config
    demo = PIPELINE.with_name('irn_toy_demo.py')
    chain = PIPELINE.with_name('irn_toy.py')
    monkeypatch.chdir(tmp_path)
    full = _commands(capsys, [str(PIPELINE), '--work-dir', 'wd', '--dry-run'])
    cmds = _commands(capsys, [str(demo), '--work-dir', 'wd', '--dry-run'])
    irn = _commands(capsys, [str(chain), '--work-dir', 'wd', '--dry-run'])
    assert list(cmds) == list(irn) + ['train_seg_irn', 'test_seg_irn', 'report_seg_irn']
    assert all(cmds[n] == full[n] for n in cmds)
    test = _options(cmds['test_seg_irn'])
    preds = test['test_evaluator.output_dir']
    figure = cmds['report_seg_irn']
    assert figure[figure.index('--preds') + 1] == f'IRN-trained={preds}'
    assert Config.fromfile(str(demo)).baseline_rows.to_dict() == dict(
        seg=dict(IRN=dict(mIoU='seg_irn_miou')))
