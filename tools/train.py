"""Train a model from a config (the usual OpenMMLab entry point)."""
import argparse
import logging

from mmengine.logging import print_log
from mmengine.runner import Runner

from mmirn.utils import (add_launch_args, destroy_dist, export_local_rank,
                         find_resume_checkpoint, load_tool_config,
                         register_all_modules)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; without a path, from the latest checkpoint '
        'in the work dir')
    parser.add_argument(
        '--amp', action='store_true', default=False,
        help='enable automatic mixed precision training')
    add_launch_args(parser)
    args = parser.parse_args()
    export_local_rank(args)
    return args


def main():
    args = parse_args()
    register_all_modules(init_default_scope=False)

    cfg = load_tool_config(args)

    if args.amp:
        optim_wrapper = cfg.optim_wrapper.type
        if optim_wrapper == 'AmpOptimWrapper':
            print_log('AMP training is already enabled in your config.',
                      logger='current', level=logging.WARNING)
        else:
            assert optim_wrapper == 'OptimWrapper', (
                '`--amp` is only supported when the optimizer wrapper type is '
                f'`OptimWrapper` but got {optim_wrapper}.')
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'

    if args.resume == 'auto':
        # the latest loadable checkpoint: a missing or broken latest one is skipped
        cfg.load_from = find_resume_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    runner = Runner.from_cfg(cfg)
    runner.train()
    destroy_dist()


if __name__ == '__main__':
    main()
