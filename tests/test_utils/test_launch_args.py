"""The launcher options and process-group teardown shared by tools/train.py and
tools/test.py."""
import argparse
import os

import torch.distributed as dist

from mmirn.utils import add_launch_args, destroy_dist, export_local_rank


def _parse(argv):
    parser = argparse.ArgumentParser()
    add_launch_args(parser)
    return parser.parse_args(argv)


def test_launch_args_and_local_rank(monkeypatch):
    args = _parse(['--launcher', 'pytorch', '--local-rank', '3', '--cfg-options',
                   'a.b=1', 'c=x'])
    assert args.launcher == 'pytorch' and args.local_rank == 3
    assert args.cfg_options == {'a.b': 1, 'c': 'x'}
    defaults = _parse([])
    assert (defaults.launcher, defaults.local_rank, defaults.cfg_options) == \
        ('none', 0, None)
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    export_local_rank(args)
    assert os.environ['LOCAL_RANK'] == '3'
    # a LOCAL_RANK set by torchrun wins over the default --local-rank
    monkeypatch.setenv('LOCAL_RANK', '1')
    export_local_rank(defaults)
    assert os.environ['LOCAL_RANK'] == '1'


def test_destroy_dist(tmp_path):
    destroy_dist()  # no group: nothing to do
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/store', rank=0,
                            world_size=1)
    assert dist.is_initialized()
    destroy_dist()
    assert not dist.is_initialized()
