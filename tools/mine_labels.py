"""Mine per-image label PNGs from saved CAMs: IRN's relation labels, PSA's
affinity labels.

The config names the data and the miner (as the IRN and AffinityNet configs
do, next to the training that reads the labels):

- ``mine_dataloader.dataset``: a dataset of the images and their CAMs
  (``data_prefix.cam_path``, the split's ``ann_file``), with a pipeline of
  ``LoadImageFromFileChecked`` and ``LoadCAMs``;
- ``miner``: a ``TASK_UTILS`` component, ``RelationMiner`` (IRN, ``fg_thr`` /
  ``bg_thr`` / ``crf_cfg``) or ``AffinityLabelMiner`` (PSA, ``alpha_low`` /
  ``alpha_high`` or ``fg_thr`` / ``bg_thr``, ``crf_cfg``).

Every setting is a named key of ``--cfg-options``: the CAMs
``mine_dataloader.dataset.data_prefix.cam_path``, the split
``mine_dataloader.dataset.ann_file``, the thresholds ``miner.fg_thr`` /
``miner.bg_thr``, the CRF ``miner.crf_cfg.num_iters`` (``miner.crf_cfg.enabled=False``
skips it).

Writes ``<out-dir>/<img_id>.png`` (uint8: 0 confident background, c + 1
confident foreground class c, 255 ignored), the ``relation_path`` labels of the
datasets. Finished images are skipped before they are loaded, so a killed run
resumes. Shard over processes with ``--launcher pytorch`` (e.g. ``torchrun
--nproc_per_node 2 tools/mine_labels.py ... --launcher pytorch``) and / or
``--workers N`` processes per rank.

Example::

    python tools/mine_labels.py configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py \\
        --out-dir work_dirs/relations --workers 2 --cfg-options \\
        mine_dataloader.dataset.data_prefix.cam_path=work_dirs/cams \\
        miner.fg_thr=0.7 miner.bg_thr=0.3
"""
import argparse
import os

from mmengine.dist import barrier, get_dist_info
from mmengine.registry import init_default_scope

from mmirn.pseudo import mine_dataset
from mmirn.registry import DATASETS, TASK_UTILS
from mmirn.utils import load_tool_config, register_all_modules
from mmirn.utils.dist import (add_launch_args, destroy_dist, export_local_rank,
                              init_dist)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Mine label PNGs (relations, affinity labels) from CAMs')
    parser.add_argument(
        'config', help='config with a mine_dataloader section and a miner')
    parser.add_argument(
        '--out-dir', required=True, help='output folder of the label PNGs')
    parser.add_argument(
        '--workers', type=int, default=1, help='processes per rank')
    add_launch_args(parser)
    return parser.parse_args(argv)


def load_mining_config(args):
    """The config with the CLI applied, and its dataset and miner configs."""
    # the launcher is joined here, on gloo (CPU work), not by the tool loader
    cfg = load_tool_config(argparse.Namespace(
        config=args.config, launcher='none', cfg_options=args.cfg_options,
        work_dir=None))
    section = cfg.get('mine_dataloader')
    if section is None or section.get('dataset') is None:
        raise SystemExit(
            f'error: {args.config} has no mine_dataloader.dataset: the images '
            'and CAMs to mine (data_prefix.cam_path, a pipeline with LoadCAMs)')
    if cfg.get('miner') is None:
        raise SystemExit(f'error: {args.config} has no miner (e.g. '
                         "dict(type='RelationMiner'))")
    dataset_cfg = section.dataset
    if not dataset_cfg.get('data_prefix', {}).get('cam_path'):
        raise SystemExit(
            f'error: {args.config}: mine_dataloader.dataset.data_prefix.cam_path '
            'is not set: give the CAM folder with --cfg-options '
            'mine_dataloader.dataset.data_prefix.cam_path=DIR')
    return cfg, dataset_cfg, cfg.miner


def main(argv=None):
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg, dataset_cfg, miner_cfg = load_mining_config(args)
    init_default_scope(cfg.get('default_scope', 'mmirn'))
    if args.launcher != 'none':
        export_local_rank(args)
        init_dist(args.launcher, backend='gloo')  # CPU work: gloo on any machine
    rank, world_size = get_dist_info()
    miner = TASK_UTILS.build(miner_cfg)
    dataset = DATASETS.build(dataset_cfg)
    os.makedirs(args.out_dir, exist_ok=True)
    written, skipped = mine_dataset(dataset, miner, args.out_dir, args.workers)
    print(f'\nrank {rank}: {written} written, {skipped} already done, '
          f'in {args.out_dir}')
    if world_size > 1:
        barrier()
    destroy_dist()


if __name__ == '__main__':
    main()
