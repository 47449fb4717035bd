"""``--resume`` skips a missing or broken latest checkpoint for the newest loadable one."""
import os

import torch
from mmengine.runner import Runner

from mmirn.utils import find_resume_checkpoint
from tests.test_engine.test_resume import _cfg


def _train(work_dir, iters):
    cfg = _cfg(work_dir, iters)
    cfg['default_hooks']['checkpoint'].update(interval=2, max_keep_ckpts=-1)
    Runner.from_cfg(cfg).train()


def test_latest_checkpoint_is_taken(tmp_path):
    _train(tmp_path, 4)
    assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_4.pth')


def test_truncated_latest_falls_back_with_a_warning(tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr('mmirn.utils.checkpoint.print_log',
                        lambda msg, **kwargs: logged.append(msg))
    _train(tmp_path, 4)
    latest = tmp_path / 'iter_4.pth'
    latest.write_bytes(latest.read_bytes()[:100])  # a kill mid-copy, a bad disk
    path = find_resume_checkpoint(str(tmp_path))
    assert path == str(tmp_path / 'iter_2.pth')
    assert torch.load(path, map_location='cpu')['meta']['iter'] == 2
    assert len(logged) == 1 and 'iter_4.pth' in logged[0] and 'iter_2.pth' in logged[0]


def test_missing_latest_falls_back(tmp_path):
    _train(tmp_path, 4)
    os.remove(tmp_path / 'iter_4.pth')  # last_checkpoint still names it
    assert find_resume_checkpoint(str(tmp_path)) == str(tmp_path / 'iter_2.pth')


def test_nothing_loadable(tmp_path):
    assert find_resume_checkpoint(str(tmp_path)) is None
    (tmp_path / 'iter_2.pth').write_bytes(b'')
    assert find_resume_checkpoint(str(tmp_path)) is None


def test_resumed_run_continues_from_the_fallback(tmp_path):
    _train(tmp_path, 4)
    (tmp_path / 'iter_4.pth').write_bytes(b'not a checkpoint')
    cfg = _cfg(tmp_path, 6)
    cfg.update(load_from=find_resume_checkpoint(str(tmp_path)), resume=True)
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()  # what train() does first
    assert runner.iter == 2
    runner.train()
    assert runner.iter == 6
    assert torch.load(tmp_path / 'iter_6.pth', map_location='cpu')['meta']['iter'] == 6
