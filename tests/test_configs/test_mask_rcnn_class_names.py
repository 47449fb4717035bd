# Copyright (c) mmirn contributors. All rights reserved.
"""The toy Mask R-CNN config's classes are those of mmirn's instance-label JSON
and of the GT converter's JSON: mmdet's CocoDataset maps every category, by
name, to the same label index in both."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pycocotools.mask as mask_util
import pytest

pytest.importorskip('mmdet')

ROOT = Path(__file__).resolve().parents[2]
INS_CFG = ROOT / 'configs' / 'mask_rcnn' / 'mask-rcnn_r18_fpn_1xb4-2ki_toyvoc_irn-labels.py'
IRN_CFG = ROOT / 'configs' / 'irn' / 'irn_r18_1xb8-900i_toyvoc-128x128.py'
CONV = ROOT / 'tools' / 'dataset_converters' / 'instance_pngs_to_coco.py'


def _coco_labels(ann_file, data_root):
    """(category name in the JSON, mmdet label) of every instance mmdet reads."""
    from mmengine.config import Config
    from mmdet.registry import DATASETS
    from mmdet.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(str(INS_CFG))
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = str(data_root) + '/'
    ds_cfg.ann_file = str(ann_file)
    ds_cfg.filter_cfg = None
    ds_cfg.pipeline = []
    ds = DATASETS.build(ds_cfg)
    with open(ann_file) as f:
        coco = json.load(f)
    names = {c['id']: c['name'] for c in coco['categories']}
    by_image = {}
    for a in coco['annotations']:
        by_image.setdefault(a['image_id'], []).append(names[a['category_id']])
    pairs = []
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        labels = [inst['bbox_label'] for inst in info['instances']]
        want = by_image.get(info['img_id'], [])
        assert len(labels) == len(want)  # no category dropped by name
        pairs += [(n, ds.metainfo['classes'][lab]) for n, lab in zip(want, labels)]
    return pairs


def test_irn_instance_json_classes_match_mask_rcnn(tmp_path):
    import mmirn.datasets  # noqa: F401 (registers the toy dataset)
    from mmengine.config import Config
    from mmirn.engine.hooks.prediction_writer_hook import detections_to_coco
    from mmirn.registry import DATASETS
    irn = Config.fromfile(str(IRN_CFG))
    toy_cls = DATASETS.get(irn.test_dataloader.dataset.type)
    # InstanceLabelMetric names the categories dataset_meta['classes'][1:]
    fg = toy_cls.METAINFO['classes'][1:]
    ins = Config.fromfile(str(INS_CFG))
    assert tuple(ins.metainfo['classes']) == tuple(fg)
    assert ins.model.roi_head.bbox_head.num_classes == len(fg)
    # one pseudo instance of each class, as the metric writes them
    mask = np.zeros((16, 16), np.uint8)
    mask[2:9, 3:12] = 1
    rle = mask_util.encode(np.asfortranarray(mask))
    rle['counts'] = rle['counts'].decode('ascii')
    results = [dict(file_name=f'{k:06d}.jpg', height=16, width=16, rles=[rle],
                    labels=[k], scores=[0.9]) for k in range(len(fg))]
    ann = tmp_path / 'ins_labels.json'
    ann.write_text(json.dumps(detections_to_coco(results, fg)))
    pairs = _coco_labels(ann, tmp_path)
    assert len(pairs) == len(fg)
    assert all(a == b for a, b in pairs), pairs


def test_converter_classes_match_mask_rcnn(tmp_path):
    root = tmp_path / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(ROOT / 'tools' / 'dataset_converters' / 'make_toy_voc.py'),
        str(root), '--num-train', '6', '--num-val', '1', '--min-size', '64',
        '--max-size', '72', '--workers', '1'
    ], check=True, capture_output=True, cwd=ROOT)
    out = tmp_path / 'train_gt_ins.json'
    subprocess.run([
        sys.executable, str(CONV), str(root), '--split',
        str(root / 'ImageSets' / 'Segmentation' / 'train.txt'),
        '--classes-file', str(root / 'classes.txt'), '--out', str(out)
    ], check=True, capture_output=True, cwd=ROOT)
    pairs = _coco_labels(out, root)
    assert pairs and all(a == b for a, b in pairs), pairs
