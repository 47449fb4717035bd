"""Draw, per image, a panel: image | CAM overlay per present class | relation labels.

Writes ``<out_dir>/<img_id>.png``. The panels are drawn by a ``WSSSVisualizer``; with
``--vis-dir DIR`` they also go to vis backends (``DIR/vis_data``): those of the
``visualizer`` of ``--config``, else a ``LocalVisBackend``.

Example::

    python tools/visualize_cams.py data/toy_voc/VOC2012/JPEGImages work_dirs/cams \\
        work_dirs/panels --relation-dir work_dirs/relations \\
        --classes stripes checks dots rings zigzag --num 8
"""
import argparse
import os
import os.path as osp

import mmcv
import numpy as np
from mmengine.config import Config

from mmirn.pseudo import cam_path, load_cams
from mmirn.utils import register_all_modules
from mmirn.visualization import build_wsss_visualizer


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Draw CAM panels')
    parser.add_argument('img_dir', help='directory of the images')
    parser.add_argument('cam_dir', help='directory of the CAM .npz files')
    parser.add_argument('out_dir', help='output directory of the panels')
    parser.add_argument('--ids', nargs='+', help='image ids to draw')
    parser.add_argument(
        '--num', type=int, default=8,
        help='without --ids, the first N images of cam_dir')
    parser.add_argument('--img-suffix', default='.jpg')
    parser.add_argument('--relation-dir', help='directory of relation PNGs')
    parser.add_argument('--gt-dir', help='directory of ground-truth PNGs')
    parser.add_argument('--classes', nargs='+', help='foreground class names')
    parser.add_argument('--config', help='config whose visualizer (backends) to use')
    parser.add_argument(
        '--vis-dir', help='also send the panels to vis backends (in DIR/vis_data)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    vis_cfg = Config.fromfile(args.config).get('visualizer') if args.config else None
    visualizer = build_wsss_visualizer(vis_cfg, args.vis_dir)
    ids = args.ids or sorted(
        osp.splitext(name)[0] for name in os.listdir(args.cam_dir)
        if name.endswith('.npz'))[:args.num]
    os.makedirs(args.out_dir, exist_ok=True)

    def read_label(label_dir, img_id):
        if label_dir is None:
            return None
        return mmcv.imread(
            osp.join(label_dir, f'{img_id}.png'), flag='unchanged',
            backend='pillow')

    for img_id in ids:
        img = mmcv.imread(
            osp.join(args.img_dir, f'{img_id}{args.img_suffix}'),
            channel_order='rgb')
        cams = load_cams(cam_path(args.cam_dir, img_id))
        panel = visualizer.add_cam_panel(
            img_id,
            img,
            cams['keys'],
            cams['high_res'].astype(np.float32),
            relation=read_label(args.relation_dir, img_id),
            gt=read_label(args.gt_dir, img_id),
            class_names=args.classes)
        out = osp.join(args.out_dir, f'{img_id}.png')
        mmcv.imwrite(panel[..., ::-1], out)
        print(out)


if __name__ == '__main__':
    main()
