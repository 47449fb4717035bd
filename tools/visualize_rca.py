"""Draw RCA's per-image panel: image | CAM | RCA CAM | centroid attention | labels.

The images and the plain CAMs come through the RCA config's test dataset
(``data_prefix.cam_path`` = ``--cams``, read by ``LoadCAMs``); the RCA CAMs and the
attention of every pixel to the memory centroids (RCA eq. 8: the class, and
shade, of the centroid it attends to most) from the RCA checkpoint; the labels
are the PNGs of ``--labels`` (e.g. IRN's labels on RCA's CAMs). Writes
``<out>/<img_id>.png`` and ``<out>/rca_panel.png`` (the first ``--grid-rows``
images); ``--vis-dir`` also sends them to the config's vis backends.

Example::

    python tools/visualize_rca.py configs/rca/rca_r18_1xb8-30e_toyvoc-128x128.py \\
        work_dirs/demo/rca/epoch_30.pth --cams work_dirs/demo/cams \\
        --labels work_dirs/demo/rca_sem_labels --out work_dirs/demo/rca_report
"""
import argparse
import os.path as osp
import sys

import mmcv
import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from mmirn.datasets.utils import build_cam_dataset
from mmirn.pseudo.semantic import load_png
from mmirn.utils import load_tool_config, register_all_modules
from mmirn.visualization import build_wsss_visualizer
from mmirn.visualization.tool_utils import (add_panel_args, build_model,
                                            choose_samples, write_panels)

TOOL = 'visualize_rca'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Draw RCA panels')
    parser.add_argument('config', help='RCA classifier config')
    parser.add_argument('checkpoint', help='RCA classifier checkpoint')
    parser.add_argument('--cams', required=True,
                        help='directory of the plain CAMs (.npz) to compare with')
    parser.add_argument('--labels', required=True,
                        help='directory of the class label PNGs to show')
    add_panel_args(parser, 'rca_panel')
    return parser.parse_args(argv)


def build_dataset(cfg, cams):
    """The test dataset with images, image labels (the classes drawn) and CAMs."""
    pipeline = [
        dict(type='LoadImageFromFileChecked'),
        dict(type='LoadWSSSAnnotations', with_seg=False, with_ins=False,
             with_relation=False),
        dict(type='LoadCAMs'),
        dict(type='PackWSSSInputs'),
    ]
    try:
        return build_cam_dataset(cfg.test_dataloader.dataset, pipeline, cam_path=cams)
    except ValueError as e:
        sys.exit(f'{TOOL}: test dataset of the config: {e}')


@torch.no_grad()
def draw_one(visualizer, model, dataset, index, labels_dir):
    """The five tiles of one image."""
    data = model.data_preprocessor(pseudo_collate([dataset[index]]), False)
    inputs, samples = data['inputs'], data['data_samples']
    sample = model.predict(inputs, samples)[0]
    h, w = sample.img_shape[:2]
    head = model.cam_head
    attention = head.centroid_attention(
        model.extract_feat(inputs[:, :, :h, :w]))[0]
    img = mmcv.imread(sample.img_path, channel_order='rgb')
    return visualizer.rca_tiles(
        img,
        sample.cams.data.cpu().numpy(),
        sample.pred_cams.data.cpu().numpy(),
        attention.cpu().numpy(),
        head.aggregation.k,
        load_png(osp.join(labels_dir, f'{sample.img_id}.png')))


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    cfg = load_tool_config(args)
    cfg.model.labeler = None
    dataset = build_dataset(cfg, args.cams)
    indices, ids = choose_samples(dataset, args.ids, args.num, TOOL)
    missing = [p for p in (osp.join(args.labels, f'{i}.png') for i in ids)
               if not osp.isfile(p)]
    if missing:
        sys.exit(f'{TOOL}: {len(missing)} label file(s) missing, e.g. {missing[0]}')
    model = build_model(cfg, args.checkpoint, args.device, TOOL)
    if not hasattr(model.cam_head, 'centroid_attention'):
        sys.exit(f'{TOOL}: {args.config} is not an RCA classifier (its cam_head '
                 f'{type(model.cam_head).__name__} has no memory centroids)')
    visualizer = build_wsss_visualizer(cfg.get('visualizer'), args.vis_dir)
    tiles = (draw_one(visualizer, model, dataset, index, args.labels)
             for index in indices)
    write_panels(visualizer.add_rca_panel, tiles, ids, args.out, 'rca_panel',
                 args.grid_rows, args.tile_size)


if __name__ == '__main__':
    main()
