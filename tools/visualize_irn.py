"""Draw IRN's Figure 9 for a few images: image | CAM | displacement field | class
boundary map | instance labels | class labels.

Runs the IRNet of CONFIG / CHECKPOINT on the first ``--num`` images of the config's test
split (or the ids of ``--ids``) and draws them with their pseudo labels. The images and
CAMs come from the test dataset (``test_dataloader.dataset``) through
``LoadImageFromFileChecked`` and ``LoadCAMs``: the CAM folder is its
``data_prefix.cam_path``, which ``--cams DIR`` sets.
Writes ``<out>/<img_id>.png`` per image and ``<out>/figure9.png`` (the first
``--grid-rows`` images in one grid, 4 by default). The panels are drawn by a
``WSSSVisualizer``; with ``--vis-dir DIR`` they also go to the vis backends of the config's
``visualizer`` (``DIR/vis_data``: ``LocalVisBackend`` PNGs, TensorBoard events, ...).

Example::

    python tools/visualize_irn.py configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py \\
        work_dirs/demo/irn/iter_900.pth --cams work_dirs/demo/cams \\
        --sem-labels work_dirs/demo/sem_labels --ins-labels work_dirs/demo/ins_labels \\
        --out work_dirs/demo/report
"""
import argparse
import os.path as osp
import sys

import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from mmirn.datasets.utils import build_cam_dataset
from mmirn.pseudo.semantic import load_png
from mmirn.utils import load_tool_config, register_all_modules
from mmirn.visualization import build_wsss_visualizer
from mmirn.visualization.tool_utils import (add_panel_args, build_model,
                                            choose_samples, write_panels)

TOOL = 'visualize_irn'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Draw IRN Figure 9 panels')
    parser.add_argument('config', help='IRNet config')
    parser.add_argument('checkpoint', help='IRNet checkpoint')
    parser.add_argument(
        '--cams',
        help='directory of the CAM .npz files (sets data_prefix.cam_path of the test '
        'dataset); defaults to the config\'s')
    parser.add_argument('--sem-labels', required=True, help='directory of class label PNGs')
    parser.add_argument('--ins-labels', required=True,
                        help='directory of instance label PNGs')
    parser.add_argument(
        '--max-norm', type=float,
        help='displacement length (stride-4 pixels) of full colour; defaults to a '
        'quarter of the shorter side of the stride-4 field')
    add_panel_args(parser, 'figure9')
    return parser.parse_args(argv)



def input_paths(args, dataset, index, img_id):
    return dict(
        cams=dataset.get_data_info(index)['cam_path'],
        sem=osp.join(args.sem_labels, f'{img_id}.png'),
        ins=osp.join(args.ins_labels, f'{img_id}.png'))


def check_inputs(args, dataset, indices, ids):
    """Fail early, naming the files, if a CAM or label file is missing."""
    missing = [
        p for index, img_id in zip(indices, ids)
        for p in input_paths(args, dataset, index, img_id).values()
        if not osp.isfile(p)
    ]
    if not osp.isfile(args.checkpoint):
        missing.insert(0, args.checkpoint)
    if missing:
        listed = '\n  '.join(missing[:10])
        more = f'\n  ... and {len(missing) - 10} more' if len(missing) > 10 else ''
        sys.exit(f'visualize_irn: {len(missing)} input file(s) missing:\n  {listed}{more}')


def build_dataset(cfg, args):
    """The test dataset with images and CAMs only (the model needs no more)."""
    pipeline = [
        dict(type='LoadImageFromFileChecked'),
        dict(type='LoadCAMs'),
        dict(type='PackWSSSInputs'),
    ]
    try:
        return build_cam_dataset(cfg.test_dataloader.dataset, pipeline,
                                 cam_path=args.cams)
    except ValueError as e:
        sys.exit(f'visualize_irn: test dataset of {args.config}: {e}')




def draw_one(visualizer, model, dataset, index, img_id, args):
    """The six tiles of one image."""
    inputs = dataset[index]
    img = inputs['inputs'].numpy().transpose(1, 2, 0)[..., ::-1]  # BGR -> RGB
    cams = inputs['data_samples'].cams.data.numpy()
    with torch.no_grad():
        sample = model.test_step(pseudo_collate([inputs]))[0]
    paths = input_paths(args, dataset, index, img_id)
    return visualizer.irn_tiles(
        np.ascontiguousarray(img), cams,
        sample.pred_displacement.data.cpu().numpy(),
        sample.pred_boundary.data.cpu().numpy(),
        load_png(paths['ins']),
        load_png(paths['sem']),
        max_norm=args.max_norm)


def main(argv=None):
    args = parse_args(argv)
    register_all_modules()
    cfg = load_tool_config(args)
    # the figure shows the labels the label step wrote: no labeller, the given CAMs
    cfg.model.labeler = None
    dataset = build_dataset(cfg, args)
    indices, ids = choose_samples(dataset, args.ids, args.num, TOOL)
    check_inputs(args, dataset, indices, ids)
    model = build_model(cfg, args.checkpoint, args.device, TOOL)
    visualizer = build_wsss_visualizer(cfg.get('visualizer'), args.vis_dir)
    tiles = (draw_one(visualizer, model, dataset, index, img_id, args)
             for index, img_id in zip(indices, ids))
    write_panels(visualizer.add_irn_panel, tiles, ids, args.out, 'figure9',
                 args.grid_rows, args.tile_size)


if __name__ == '__main__':
    main()
