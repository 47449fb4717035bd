"""Temp files of killed writes are removed by the next run; a full disk names the file."""
import errno
import os
import re

import pytest
from mmengine.fileio import LocalBackend
from mmengine.runner import Runner
from PIL import Image

from mmirn.engine.hooks import PredictionWriterHook
from mmirn.pseudo import atomic_write
from mmirn.utils import claim_output_dirs, name_path_in_os_errors, remove_temp_files
from tests.test_engine.test_prediction_writer_hook import _runner, _sample
from tests.test_engine.test_resume import _cfg
from tests.utils import ToyRegressionDataset, ToyRegressor  # noqa: F401

KILLED = ['.1.npz.k3x_9a2q.tmp', '.2.png.ab12cd34.tmp.png', '.iter_3.pth.tmp',
          '.last_checkpoint.zz11yy22.tmp', '.provenance.json.tmp']
KEPT = ['1.npz', '2.png', 'iter_3.pth', '.provenance.json', 'notes.tmp']


def _fill(directory):
    directory.mkdir(parents=True, exist_ok=True)
    for name in KILLED + KEPT:
        (directory / name).write_bytes(b'x')


def _hooks():
    return dict(checkpoint=dict(type='AtomicCheckpointHook', interval=3, by_epoch=False),
                logger=dict(type='LoggerHook', interval=1))


def test_remove_temp_files_only_removes_temp_files(tmp_path):
    _fill(tmp_path)
    removed = remove_temp_files(str(tmp_path))
    assert sorted(os.path.basename(p) for p in removed) == sorted(KILLED)
    assert sorted(os.listdir(tmp_path)) == sorted(KEPT)
    assert remove_temp_files(str(tmp_path / 'missing')) == []


def test_claim_removes_temp_files_of_killed_writes(tmp_path):
    ckpt = tmp_path / 'a.pth'
    ckpt.write_bytes(b'a')
    out = tmp_path / 'cams'
    claim_output_dirs([str(out)], str(ckpt), None)  # the run that was killed
    record = (out / '.provenance.json').read_bytes()
    _fill(out)
    (out / '.provenance.json').write_bytes(record)
    claim_output_dirs([str(out)], str(ckpt), None)  # the next run of the same producer
    assert sorted(os.listdir(out)) == sorted(KEPT)


def test_training_removes_temp_files_of_a_killed_save(tmp_path):
    (tmp_path / '.iter_3.pth.tmp').write_bytes(b'half a checkpoint')
    (tmp_path / '.last_checkpoint.ab12cd34.tmp').write_bytes(b'iter')
    Runner.from_cfg(_cfg(tmp_path, 3, default_hooks=_hooks())).train()
    assert not [n for n in os.listdir(tmp_path) if n.endswith('.tmp')]
    assert (tmp_path / 'iter_3.pth').exists()


def _disk_full(self, obj, filepath):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_during_a_checkpoint_save_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(LocalBackend, 'put', _disk_full)
    runner = Runner.from_cfg(_cfg(tmp_path, 3, default_hooks=_hooks()))
    with pytest.raises(OSError) as e:
        runner.train()
    assert e.value.errno == errno.ENOSPC
    assert str(tmp_path / '.iter_3.pth.tmp') in str(e.value)
    assert not (tmp_path / '.iter_3.pth.tmp').exists()


def test_name_path_in_os_errors_keeps_named_errors():
    with pytest.raises(OSError, match="No space left on device: '/out/1.npz'"):
        with name_path_in_os_errors('/out/1.npz'):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(FileNotFoundError, match='/elsewhere'):
        with name_path_in_os_errors('/out/1.npz'):
            raise FileNotFoundError(errno.ENOENT, 'No such file', '/elsewhere')


def _no_space(f):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_in_atomic_write_names_the_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / 'cams' / '1.npz'
    with pytest.raises(OSError) as e:
        atomic_write(str(path), _no_space)
    assert e.value.errno == errno.ENOSPC
    assert e.value.filename == str(path) and str(path) in str(e.value)
    assert os.listdir(tmp_path / 'cams') == []


def test_full_disk_in_the_writer_hook_names_the_file(tmp_path, monkeypatch):
    def full(self, fp, format=None, **params):
        fp.write(b'\x89PNG')
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Image.Image, 'save', full)
    hook = PredictionWriterHook(out_dirs=dict(sem=str(tmp_path / 'sem')))
    with pytest.raises(OSError, match=re.escape(str(tmp_path / 'sem' / 'a.png'))):
        hook.write(_sample('a'))
    # neither the label nor its temp file (the folder's degenerate log stays)
    assert [n for n in os.listdir(tmp_path / 'sem') if 'degenerate' not in n] == []


def test_the_temp_names_of_atomic_write_are_recognised(tmp_path):
    names = []
    for name, suffix in (('1.npz', ''), ('2.png', '.png'), ('last_checkpoint', '')):
        atomic_write(str(tmp_path / name),
                     lambda f: names.extend(n for n in os.listdir(tmp_path)
                                            if n.startswith('.')), suffix)
    assert len(names) == 3
    for name in names:  # as a kill would have left them
        (tmp_path / name).write_bytes(b'half')
    assert sorted(os.path.basename(p) for p in remove_temp_files(str(tmp_path))) == \
        sorted(names)
    assert sorted(os.listdir(tmp_path)) == ['1.npz', '2.png', 'last_checkpoint']


def test_writer_hook_removes_temp_files_of_killed_writes(tmp_path):
    dirs = dict(cams=str(tmp_path / 'cams'), sem=str(tmp_path / 'sem'),
                ins=str(tmp_path / 'ins'))
    for d in dirs.values():
        _fill(tmp_path / d)
    (tmp_path / '.ins.json.ab12cd34.tmp').write_bytes(b'half')  # the COCO file's
    (tmp_path / '.iter_3.pth.tmp').write_bytes(b'not the writer\'s')
    hook = PredictionWriterHook(out_dirs=dirs)
    hook.before_test(_runner(['a']))
    for d in dirs.values():
        assert sorted(os.listdir(d)) == sorted(KEPT)
    assert not (tmp_path / '.ins.json.ab12cd34.tmp').exists()
    assert (tmp_path / '.iter_3.pth.tmp').exists()
