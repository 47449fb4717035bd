"""Test (or run an inference / pseudo-label step of) a model from a config."""
import argparse
import os

from mmengine.dist import barrier
from mmengine.runner import Runner

from mmirn.utils import (add_launch_args, check_checkpoint_fits, claim_output_dirs,
                         destroy_dist, export_local_rank, load_tool_config,
                         output_dirs, producer_record, register_all_modules)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help='the directory to save the file containing evaluation metrics')
    parser.add_argument(
        '--show-dir', help='directory where painted images will be saved')
    parser.add_argument(
        '--tta', action='store_true',
        help='test with the config\'s tta_model / tta_pipeline (mmseg\'s multi-scale + '
        'flip SegTTAModel, or mmirn.CRFSegTTAModel for a dense CRF after it)')
    add_launch_args(parser)
    parser.add_argument(
        '--redo', action='store_true',
        help='empty output folders (CAMs, labels) written by another checkpoint '
        'instead of refusing to write into them')
    args = parser.parse_args()
    export_local_rank(args)
    return args


def trigger_visualization_hook(cfg, args):
    default_hooks = cfg.default_hooks
    if 'visualization' not in default_hooks:
        raise RuntimeError(
            '--show-dir needs a "visualization" entry in default_hooks '
            '(SegVisualizationHook).')
    visualization_hook = default_hooks['visualization']
    visualization_hook['draw'] = True
    visualizer = cfg.visualizer
    visualizer['save_dir'] = args.show_dir
    return cfg


def use_tta(cfg, config):
    missing = [k for k in ('tta_model', 'tta_pipeline') if not cfg.get(k)]
    if missing:
        raise SystemExit(f'error: --tta needs {" and ".join(missing)} in {config}')
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    cfg.tta_model.module = cfg.model
    cfg.model = cfg.tta_model
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)

    cfg = load_tool_config(args)

    cfg.load_from = args.checkpoint

    if args.show_dir:
        cfg = trigger_visualization_hook(cfg, args)
    if args.tta:
        cfg = use_tta(cfg, args.config)

    runner = Runner.from_cfg(cfg)
    try:
        check_checkpoint_fits(runner.model, args.checkpoint)
    except ValueError as e:
        raise SystemExit(f'error: {e}')
    # which checkpoint wrote the output folders: refuse to mix two (before any output;
    # after the fit check, so that a wrong checkpoint leaves no folder behind)
    try:
        claim_output_dirs(output_dirs(cfg), args.checkpoint, args.config, args.redo,
                          write=int(os.environ.get('RANK', '0')) == 0,
                          producer=producer_record(cfg))
    except (ValueError, OSError) as e:
        raise SystemExit(f'error: {e}')
    barrier()  # no rank writes before rank 0 has claimed (and cleaned) the folders
    runner.test()
    destroy_dist()


if __name__ == '__main__':
    main()
