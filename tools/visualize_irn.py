"""Draw IRN's Figure 9 for a few images: image | CAM | displacement field | class
boundary map | instance labels | class labels.

Runs the IRNet of CONFIG / CHECKPOINT on the first ``--num`` images of the config's test
split (or the ids of ``--ids``) and reads the saved CAMs and pseudo labels of those images.
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

import cv2
import mmcv
import mmengine
import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate
from mmengine.runner import load_checkpoint

from mmirn.pseudo import atomic_write, cam_path, load_cams
from mmirn.pseudo.semantic import load_png
from mmirn.registry import DATASETS, MODELS
from mmirn.utils import load_tool_config, register_all_modules
from mmirn.visualization import build_wsss_visualizer


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Draw IRN Figure 9 panels')
    parser.add_argument('config', help='IRNet config')
    parser.add_argument('checkpoint', help='IRNet checkpoint')
    parser.add_argument('--cams', required=True, help='directory of the CAM .npz files')
    parser.add_argument('--sem-labels', required=True, help='directory of class label PNGs')
    parser.add_argument('--ins-labels', required=True,
                        help='directory of instance label PNGs')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument('--num', type=int, default=6,
                        help='without --ids, the first N images of the test split')
    parser.add_argument('--ids', help='text file of image ids to draw, one per line')
    parser.add_argument('--grid-rows', type=int, default=4,
                        help='images in figure9.png')
    parser.add_argument('--tile-size', type=int, default=128,
                        help='side of a figure9.png tile')
    parser.add_argument(
        '--max-norm', type=float,
        help='displacement length (stride-4 pixels) of full colour; defaults to a '
        'quarter of the shorter side of the stride-4 field')
    parser.add_argument(
        '--vis-dir',
        help='also send the panels to the vis backends of the config (in DIR/vis_data)')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value pairs')
    args = parser.parse_args(argv)
    # what load_tool_config reads besides the config and its options
    args.launcher, args.work_dir = 'none', None
    return args


def choose_samples(dataset, ids_file, num):
    """Indices into ``dataset`` and ids of the images to draw."""
    ids = [dataset.get_data_info(i)['img_id'] for i in range(len(dataset))]
    if ids_file is None:
        if num < 1 or not ids:
            sys.exit(f'visualize_irn: nothing to draw (--num {num}, {len(ids)} images)')
        return list(range(min(num, len(ids)))), ids[:num]
    wanted = [line.strip() for line in mmengine.list_from_file(ids_file) if line.strip()]
    index = {img_id: i for i, img_id in enumerate(ids)}
    unknown = [i for i in wanted if i not in index]
    if unknown:
        sys.exit(f'visualize_irn: {len(unknown)} id(s) of {ids_file} are not in the test '
                 f'split of the config, e.g. {unknown[:3]}')
    return [index[i] for i in wanted], wanted


def input_paths(args, img_id):
    return dict(
        cams=cam_path(args.cams, img_id),
        sem=osp.join(args.sem_labels, f'{img_id}.png'),
        ins=osp.join(args.ins_labels, f'{img_id}.png'))


def check_inputs(args, ids):
    """Fail early, naming the files, if a CAM or label file is missing."""
    missing = [p for img_id in ids for p in input_paths(args, img_id).values()
               if not osp.isfile(p)]
    if not osp.isfile(args.checkpoint):
        missing.insert(0, args.checkpoint)
    if missing:
        listed = '\n  '.join(missing[:10])
        more = f'\n  ... and {len(missing) - 10} more' if len(missing) > 10 else ''
        sys.exit(f'visualize_irn: {len(missing)} input file(s) missing:\n  {listed}{more}')


def build_model(cfg, checkpoint, device):
    model = MODELS.build(cfg.model)
    try:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    except Exception as e:  # e.g. a checkpoint a training run is still writing
        sys.exit(f'visualize_irn: cannot load {checkpoint} ({type(e).__name__}: {e}); '
                 'if a training run is writing it, run this again when it has finished')
    return model.to(device).eval()


def write_png(path, rgb):
    ok, data = cv2.imencode('.png', np.ascontiguousarray(rgb[..., ::-1]),
                            [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert ok, f'PNG encoding failed for {path}'
    atomic_write(path, lambda f: f.write(data.tobytes()), suffix='.png')


def draw_one(visualizer, model, dataset, index, img_id, args):
    """The six tiles of one image."""
    data = pseudo_collate([dataset[index]])
    with torch.no_grad():
        sample = model.test_step(data)[0]
    paths = input_paths(args, img_id)
    img = mmcv.imread(sample.img_path, channel_order='rgb')
    cams = load_cams(paths['cams'])['high_res'].astype(np.float32)
    return visualizer.irn_tiles(
        img, cams,
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
    cfg.test_dataloader.dataset.data_prefix.cam_path = osp.abspath(args.cams)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    indices, ids = choose_samples(dataset, args.ids, args.num)
    check_inputs(args, ids)
    model = build_model(cfg, args.checkpoint, args.device)
    visualizer = build_wsss_visualizer(cfg.get('visualizer'), args.vis_dir)
    rows = []
    for index, img_id in zip(indices, ids):
        tiles = draw_one(visualizer, model, dataset, index, img_id, args)
        out = osp.join(args.out, f'{img_id}.png')
        write_png(out, visualizer.add_irn_panel(img_id, [tiles]))
        print(out, flush=True)
        rows.append(tiles)
    grid = osp.join(args.out, 'figure9.png')
    write_png(grid, visualizer.add_irn_panel('figure9', rows[:args.grid_rows],
                                             args.tile_size))
    print(f'{grid} ({min(len(rows), args.grid_rows)} rows)')


if __name__ == '__main__':
    main()
