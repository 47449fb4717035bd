"""Draw, per image, a panel: image | CAM overlay per present class | relation labels.

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

from mmirn.pseudo import cam_path, load_cams
from mmirn.visualization import draw_cam_panel


def parse_args():
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
    return parser.parse_args()


def main():
    args = parse_args()
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
        panel = draw_cam_panel(
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
