"""Draw, per image, a panel: image | CAM overlay per present class | relation labels.

The images and their CAMs come from the test dataset of CONFIG
(``test_dataloader.dataset``) through ``LoadImageFromFileChecked`` and ``LoadCAMs``:
the CAM folder is the dataset's ``data_prefix.cam_path``, set by ``--cams DIR`` (or
``--cfg-options test_dataloader.dataset.data_prefix.cam_path=DIR``). Relation labels
(``--relation-dir``) and ground truth (``--gt-dir``) are read by
``LoadWSSSAnnotations`` from ``data_prefix.relation_path`` / ``seg_map_path``.

Writes ``<out_dir>/<img_id>.png`` for the first ``--num`` images of the split (or the
ids of ``--ids``). The panels are drawn by a ``WSSSVisualizer``; with ``--vis-dir DIR``
they also go to the vis backends of the config's ``visualizer`` (``DIR/vis_data``).

Example::

    python tools/visualize_cams.py configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py \\
        work_dirs/panels --cams work_dirs/cams --relation-dir work_dirs/relations \\
        --num 8
"""
import argparse
import os
import os.path as osp
import sys

import mmcv
import numpy as np
from mmengine.config import DictAction

from mmirn.datasets.utils import build_cam_dataset, select_samples
from mmirn.utils import load_tool_config, register_all_modules
from mmirn.visualization import build_wsss_visualizer


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Draw CAM panels')
    parser.add_argument('config', help='config whose test dataset lists the images')
    parser.add_argument('out_dir', help='output directory of the panels')
    parser.add_argument(
        '--cams',
        help='directory of the CAM .npz files (sets data_prefix.cam_path of the '
        'test dataset); defaults to the config\'s')
    parser.add_argument('--ids', nargs='+', help='image ids to draw')
    parser.add_argument(
        '--num', type=int, default=8,
        help='without --ids, the first N images of the test split')
    parser.add_argument(
        '--relation-dir',
        help='directory of relation PNGs (sets data_prefix.relation_path)')
    parser.add_argument(
        '--gt-dir',
        help='directory of ground-truth PNGs (sets data_prefix.seg_map_path)')
    parser.add_argument(
        '--classes', nargs='+',
        help='foreground class names; defaults to those of the dataset')
    parser.add_argument(
        '--vis-dir',
        help='also send the panels to the vis backends of the config (in '
        'DIR/vis_data)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value pairs')
    return parser.parse_args(argv)


def build_dataset(cfg, args):
    """The test dataset with the CAM (and label) folders of the command line."""
    pipeline = [
        dict(type='LoadImageFromFileChecked'),
        dict(
            type='LoadWSSSAnnotations',
            with_seg=args.gt_dir is not None,
            with_ins=False,
            with_relation=args.relation_dir is not None),
        dict(type='LoadCAMs'),
    ]
    try:
        return build_cam_dataset(
            cfg.test_dataloader.dataset, pipeline, cam_path=args.cams,
            relation_path=args.relation_dir, seg_map_path=args.gt_dir)
    except ValueError as e:
        sys.exit(f'visualize_cams: test dataset of {args.config}: {e}')


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    cfg = load_tool_config(args)
    dataset = build_dataset(cfg, args)
    try:
        indices, ids = select_samples(dataset, args.ids, args.num)
    except ValueError as e:
        sys.exit(f'visualize_cams: {e} (test split of {args.config})')
    classes = args.classes or dataset.metainfo['classes'][1:]
    visualizer = build_wsss_visualizer(cfg.get('visualizer'), args.vis_dir)
    os.makedirs(args.out_dir, exist_ok=True)
    for index, img_id in zip(indices, ids):
        results = dataset[index]
        panel = visualizer.add_cam_panel(
            img_id,
            np.ascontiguousarray(results['img'][..., ::-1]),  # BGR -> RGB
            results['cam_keys'],
            results['cams'],
            relation=results.get('gt_relation'),
            gt=results.get('gt_seg_map'),
            class_names=classes)
        out = osp.join(args.out_dir, f'{img_id}.png')
        mmcv.imwrite(panel[..., ::-1], out)
        print(out)


if __name__ == '__main__':
    main()
