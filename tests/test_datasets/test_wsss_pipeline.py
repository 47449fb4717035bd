"""Datasets built from config dicts, through the registry, with a DataLoader."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from PIL import Image
from torch.utils.data import DataLoader

from mmirn.registry import DATASETS
from mmirn.structures import WSSSDataSample

REPO = Path(__file__).resolve().parents[2]

TRAIN_PIPELINE = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations'),
    dict(type='RandomResize', scale=(64, 48), ratio_range=(0.5, 1.5),
         keep_ratio=True, resize_type='WSSSResize'),
    dict(type='WSSSRandomCrop', crop_size=(24, 24)),
    dict(type='WSSSRandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]


def _loader(dataset_cfg, batch_size=2):
    init_default_scope('mmirn')
    dataset = DATASETS.build(dataset_cfg)
    loader = DataLoader(
        dataset, batch_size=batch_size, shuffle=False,
        collate_fn=pseudo_collate)
    return dataset, loader


def test_voc_config_pipeline(tiny_voc):
    cfg = dict(
        type='ToyVOCClsDataset',
        data_root=str(tiny_voc),
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(
            img_path='JPEGImages',
            xml_path='Annotations',
            seg_map_path='SegmentationClass',
            ins_map_path='SegmentationObject'),
        pipeline=TRAIN_PIPELINE)
    dataset, loader = _loader(cfg)
    batch = next(iter(loader))
    assert len(batch['inputs']) == 2
    for inputs, sample in zip(batch['inputs'], batch['data_samples']):
        assert isinstance(sample, WSSSDataSample)
        assert inputs.shape == (3, 24, 24)
        assert sample.gt_sem_seg.shape == (24, 24)
        assert sample.gt_instances.masks.shape[1:] == (24, 24)
        assert sample.gt_label.shape == (5, )
    assert [s.gt_label.tolist() for s in batch['data_samples']] == [
        [1, 0, 1, 0, 0], [0, 1, 0, 1, 0]
    ]
    assert [s.img_id for s in batch['data_samples']] == ['a', 'b']


def test_coco_and_custom_config(coco_dir, tmp_path):
    cfg = dict(
        type='COCOClsDataset',
        data_root=str(coco_dir),
        ann_file='annotations/instances_samples2017.json',
        data_prefix=dict(img_path='images'),
        check_files=False,
        with_masks=True,
        indices=[3, 4],  # 194216, 464689: the images kept in tests/data
        pipeline=[
            dict(type='LoadImageFromFileChecked'),
            dict(type='LoadCOCOInstances'),
            dict(type='WSSSResize', scale=(64, 64), keep_ratio=True),
            dict(type='PackWSSSInputs')
        ])
    dataset, loader = _loader(cfg)
    assert [dataset.get_data_info(i)['img_id'] for i in range(2)] == [
        194216, 464689
    ]
    batch = next(iter(loader))
    bears, bottles = batch['data_samples']
    assert bears.gt_instances.masks.shape == (3, 29, 64)
    assert bottles.gt_instances.masks.shape == (13, 64, 59)
    assert bottles.gt_sem_seg.shape == (64, 59)
    assert bottles.gt_label.sum() == 1

    Path(tmp_path / 'imgs').mkdir()
    rng = np.random.default_rng(0)
    for name in ('p', 'q', 'r'):
        Image.fromarray(rng.integers(0, 255, (20, 30, 3), dtype=np.uint8)).save(
            tmp_path / 'imgs' / f'{name}.png')
    (tmp_path / 'labels.txt').write_text('p cat\nq dog cat\nr dog\n')
    cfg = dict(
        type='ImageLabelDataset',
        data_root=str(tmp_path),
        img_dir='imgs',
        label_file='labels.txt',
        metainfo=dict(classes=('cat', 'dog')),
        pipeline=[
            dict(type='LoadImageFromFileChecked'),
            dict(type='PackWSSSInputs')
        ])
    dataset, loader = _loader(cfg, batch_size=3)
    batch = next(iter(loader))
    labels = torch.stack([s.gt_label for s in batch['data_samples']])
    assert labels.tolist() == [[1, 0], [1, 1], [0, 1]]


@pytest.fixture(scope='module')
def toy_voc(tmp_path_factory):
    script = REPO / 'tools/dataset_converters/make_toy_voc.py'
    if not script.is_file():
        pytest.skip('make_toy_voc.py is not in this checkout')
    out = tmp_path_factory.mktemp('toy') / 'toy_voc'
    subprocess.run([
        sys.executable,
        str(script),
        str(out), '--num-train', '6', '--num-val', '3', '--workers', '1'
    ], check=True, cwd=tmp_path_factory.getbasetemp())
    return out


def test_generated_toy_voc(toy_voc):
    for split, num in (('train', 6), ('val', 3)):
        cfg = dict(
            type='ToyVOCClsDataset',
            data_root=str(toy_voc),
            ann_file=f'ImageSets/Segmentation/{split}.txt',
            data_prefix=dict(
                img_path='JPEGImages',
                xml_path='Annotations',
                seg_map_path='SegmentationClass',
                ins_map_path='SegmentationObject'),
            pipeline=[
                dict(type='LoadImageFromFileChecked'),
                dict(type='LoadWSSSAnnotations'),
                dict(type='PackWSSSInputs')
            ])
        dataset, loader = _loader(cfg, batch_size=3)
        assert len(dataset) == num
        names = (toy_voc / 'classes.txt').read_text().split()
        assert tuple(names) == dataset.metainfo['classes'][1:]
        for batch in loader:
            for sample in batch['data_samples']:
                # the image-level label agrees with the masks
                present = sorted(
                    set(sample.gt_sem_seg.data.unique().tolist()) - {0, 255})
                assert [c - 1 for c in present] == sample.label_ids
                assert sorted(set(sample.gt_instances.labels.tolist())) == \
                    sample.label_ids
                assert sample.gt_label.nonzero()[:, 0].tolist() == \
                    sample.label_ids
