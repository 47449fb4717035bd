"""A pipeline work dir with a space and a comma reaches the tools' configs intact.

mmengine's ``--cfg-options`` parser drops spaces and splits on commas, so the derived
paths (``{work_dir}/cams`` ...) must not travel through it. Every step of the IRN toy
pipeline is built for such a work dir, its command line parsed the way the tools parse
it (``DictAction``) and its config loaded with ``load_tool_config``; every option that
names a pipeline path must come out as the exact path.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction

from mmirn.utils import load_tool_config
from tools.run_pipeline import REPO, Pipeline


def _get(cfg, dotted):
    node = cfg
    for part in dotted.split('.'):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


def test_work_dir_with_space_and_comma(tmp_path, monkeypatch):
    work_dir = str(tmp_path / 'my runs,v2')
    cfg = Config.fromfile(osp.join(REPO, 'configs/pipelines/irn_toy.py'))
    pipeline = Pipeline(cfg, work_dir, dry_run=True)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    checked = 0
    for step in cfg['steps']:
        if '--cfg-options' not in step['cmd']:
            continue
        cmd = pipeline.command(step)
        start = step['cmd'].index('--cfg-options') + 1
        wanted = {}
        for tmpl in step['cmd'][start:]:
            key, value = tmpl.split('=', 1)
            filled = pipeline.fill(value)
            if work_dir in filled:
                wanted[key] = filled
        if not wanted:  # train_cam: only the data root
            assert cmd[2:] == [pipeline.fill(c) for c in step['cmd'][1:]]
            continue
        # the naive command line would have mangled them (the bug this guards)
        naive = parser.parse_args(
            ['--cfg-options'] + [f'{k}={v}' for k, v in wanted.items()]).cfg_options
        assert all(naive[k] != v for k, v in wanted.items())

        opts = cmd[cmd.index('--cfg-options'):] if '--cfg-options' in cmd else []
        args = argparse.Namespace(
            config=osp.join(REPO, cmd[2]), launcher='none', work_dir=None,
            cfg_options=parser.parse_args(opts).cfg_options if opts else None)
        env = pipeline.env_extra.get(step['name'], {})
        assert set(env) == {'MMIRN_CFG_OPTIONS'}
        monkeypatch.setenv('MMIRN_CFG_OPTIONS', env['MMIRN_CFG_OPTIONS'])
        tool_cfg = load_tool_config(args)
        for key, value in wanted.items():
            assert _get(tool_cfg, key) == value, (step['name'], key)
            checked += 1
        # the options without pipeline paths stay on the command line, typed as before
        assert _get(tool_cfg, 'train_dataloader.dataset.data_root') == 'data/toy_voc'
    assert checked >= 6


def test_plain_work_dir_keeps_command_line(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/pipelines/irn_toy.py'))
    pipeline = Pipeline(cfg, str(tmp_path / 'plain'), dry_run=True)
    step = next(s for s in cfg['steps'] if s['name'] == 'pseudo_labels')
    cmd = pipeline.command(step)
    assert cmd[2:] == [pipeline.fill(c) for c in step['cmd'][1:]]
    assert not pipeline.env_extra
    assert not os.listdir(pipeline.state_dir)
