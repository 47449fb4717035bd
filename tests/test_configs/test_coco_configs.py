# Copyright (c) mmirn contributors. All rights reserved.
"""The COCO configs: class counts, files and the data path on the toy COCO."""
from pathlib import Path

import numpy as np
import pytest
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
TOY_CFG = ROOT / 'configs' / 'cam' / 'cam_r18_1xb8-30e_toycoco-128x128.py'
COCO_CFG = ROOT / 'configs' / 'cam' / 'cam_r50_1xb16-5e_coco14-512x512.py'


def _toy():
    from mmirn.datasets.toy import coco_writer
    return coco_writer


def test_class_counts_and_splits():
    toy = Config.fromfile(str(TOY_CFG))
    coco = Config.fromfile(str(COCO_CFG))
    assert toy.model.cam_head.num_classes == len(_toy().CLASSES) == 15
    assert coco.model.cam_head.num_classes == 80
    for cfg, root in ((toy, 'data/toy_coco'), (coco, 'data/coco')):
        for loader in (cfg.train_dataloader, cfg.test_dataloader):
            ds = loader.dataset
            assert ds.type == 'COCOClsDataset' and ds.data_root == root
            assert ds.ann_file == 'annotations/instances_train2014.json'
            assert ds.data_prefix.img_path == 'train2014'
            assert ds.filter_empty
        assert cfg.test_dataloader.dataset.with_masks
        types = [t.type for t in cfg.test_dataloader.dataset.pipeline]
        assert 'LoadCOCOInstances' in types
    assert coco.train_dataloader.batch_size == 16
    assert coco.train_cfg.max_epochs == 5
    assert coco.crop_size == (512, 512)


def test_toy_coco_data_path(tmp_path):
    """Toy COCO through the config's test dataset: empties dropped, crowds 255."""
    pytest.importorskip('mmseg')
    pytest.importorskip('pycocotools')
    from mmengine.registry import init_default_scope
    from mmirn.registry import DATASETS
    toy = _toy()
    counts = toy.generate(str(tmp_path), num_train=12, num_val=2, seed=1,
                          min_size=64, max_size=96, verbose=False)
    cfg = Config.fromfile(str(TOY_CFG))
    init_default_scope('mmirn')
    ds_cfg = cfg.test_dataloader.dataset
    ds_cfg.data_root = str(tmp_path)
    ds = DATASETS.build(ds_cfg)
    assert len(ds) == 12 - counts['train2014']['empty']
    crowd_seen = 0
    for i in range(len(ds)):
        sample = ds[i]
        seg = sample['data_samples'].gt_sem_seg.data.numpy()[0]
        crowd_seen += int((seg == 255).any())
        assert seg.max() <= 15 or (seg == 255).any()
    assert crowd_seen == counts['train2014']['crowd'] > 0


def test_real_coco_files_through_coco14_config():
    """tests/data/coco through the COCO 2014 config's test dataset and pipeline."""
    pytest.importorskip('mmseg')
    pytest.importorskip('pycocotools')
    from mmengine.registry import init_default_scope
    from mmirn.registry import DATASETS
    coco_dir = ROOT / 'tests' / 'data' / 'coco'
    cfg = Config.fromfile(str(COCO_CFG))
    init_default_scope('mmirn')
    ds_cfg = cfg.test_dataloader.dataset
    ds_cfg.update(data_root=str(coco_dir),
                  ann_file='annotations/instances_samples2017.json',
                  data_prefix=dict(img_path='images'), check_files=False)
    ds = DATASETS.build(ds_cfg)
    assert len(ds.metainfo['classes']) == 81
    ids = [ds.get_data_info(i)['img_id'] for i in range(len(ds))]
    assert 89 not in ids and len(ids) == 5  # the image without annotations
    bottle = ds.metainfo['classes'].index('bottle') - 1
    bears = ds.metainfo['classes'].index('bear') - 1
    for img_id, cls, n_ins, shape in ((464689, bottle, 13, (640, 586)),
                                      (194216, bears, 3, (294, 640))):
        sample = ds[ids.index(img_id)]['data_samples']
        assert sample.label_ids == [cls]
        assert sample.gt_label.nonzero()[:, 0].tolist() == [cls]
        seg = sample.gt_sem_seg.data.numpy()[0]
        assert seg.shape == shape
        assert len(sample.gt_instances) == n_ins
        assert set(sample.gt_instances.labels.tolist()) == {cls}
        # the crowd RLE of the bottles is ignored (255), never a label
        assert ((seg == 255).sum() > 700) == (img_id == 464689)
        assert set(np.unique(seg)) - {255} == {0, cls + 1}
