"""`mim run / train / test / search mmirn ...` find mmirn's configs and tools in ``.mim``.

The test lays out in a temporary site folder what ``pip install -e .`` installs (setup.py's
``MimEditableStrategy`` writes the editable wheel's files there): ``mmirn/.mim`` with copies
of configs and tools, no ``mmirn/__init__.py`` (the checkout, on ``PYTHONPATH`` as the
wheel's ``.pth`` puts it on ``sys.path``, is what is imported) and metadata that
``pkg_resources`` (which mim uses) finds. Nothing is installed or written in the checkout.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIM = Path(sys.executable).parent / 'mim'

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec('mim') is None or not MIM.exists(),
    reason='openmim is not installed (requirements/tests.txt)')


def _setup_module():
    spec = importlib.util.spec_from_file_location('mmirn_setup', ROOT / 'setup.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _DirWheel:
    """Writes what the editable wheel would hold into a folder."""

    def __init__(self, root):
        self.root = root
        self.names = []

    def writestr(self, name, data):
        self.names.append(name)
        (self.root / name).write_bytes(data)

    def write(self, src, arcname):
        self.names.append(arcname)
        (self.root / arcname).parent.mkdir(parents=True, exist_ok=True)
        (self.root / arcname).write_bytes(Path(src).read_bytes())


def _fake_site(site):
    site.mkdir(parents=True)
    wheel = _DirWheel(site)
    with _setup_module().MimEditableStrategy('mmirn-0.1.0', str(ROOT)) as strategy:
        strategy(wheel, [], {})
    egg = site / 'mmirn.egg-info'
    egg.mkdir()
    version = {}
    exec((ROOT / 'mmirn' / 'version.py').read_text(), version)
    (egg / 'PKG-INFO').write_text(
        f"Metadata-Version: 2.1\nName: mmirn\nVersion: {version['__version__']}\n")
    return site / 'mmirn', wheel.names


def test_editable_wheel_layout(tmp_path):
    pkg, names = _fake_site(tmp_path / 'site')
    assert (tmp_path / 'site' / '__editable__.mmirn-0.1.0.pth').read_text().strip() == str(ROOT)
    assert not (pkg / '__init__.py').exists()  # the checkout's mmirn stays the one imported
    for name in ('tools/train.py', 'tools/test.py', 'model-index.yml',
                 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py',
                 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128',
                 'configs/_base_/default_runtime.py'):
        assert f'mmirn/.mim/{name}' in names, name
    assert 'mmirn/.mim/configs/_base_/default_runtime' not in names
    assert not any('__pycache__' in n for n in names)


def test_add_mim_extension_copy(tmp_path):
    pkg = tmp_path / 'mmirn'
    pkg.mkdir()
    _setup_module().add_mim_extension(str(pkg), root=str(ROOT), mode='copy')
    assert (pkg / '.mim' / 'tools' / 'train.py').is_file()
    assert not (pkg / '.mim' / 'configs').is_symlink()
    assert (pkg / '.mim' / 'configs' / 'cam' / 'cam_r18_1xb8-30e_toyvoc-128x128.py').is_file()
    assert (pkg / '.mim' / 'configs' / 'cam' / 'cam_r18_1xb8-30e_toyvoc-128x128').is_file()


def test_config_basenames_unique():
    names = [p.name for p in (ROOT / 'configs').rglob('*.py') if '_base_' not in p.parts]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_mim_run_train_test_toy_cam(tmp_path):
    """`mim run` makes the toy data, `mim train` trains 2 iterations, `mim test`
    scores the checkpoint: configs and tools from ``mmirn/.mim``, not the checkout."""
    site = tmp_path / 'site'
    pkg, _ = _fake_site(site)
    data_root = tmp_path / 'toy_voc'
    work_dir = tmp_path / 'work'
    env = dict(os.environ, OMP_NUM_THREADS='1',
               PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    cwd = tmp_path / 'cwd'  # not the checkout: the config must come from mmirn/.mim
    cwd.mkdir()

    def mim(*args):
        proc = subprocess.run([str(MIM), *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out[-4000:]
        return out

    mim('run', 'mmirn', 'make_toy_voc', str(data_root), '--num-train', '2',
        '--num-val', '1', '--min-size', '48', '--max-size', '64', '--workers', '1')
    assert len(list((data_root / 'JPEGImages').glob('*.jpg'))) == 3
    loader = ['num_workers=0', 'persistent_workers=False',
              f'dataset.data_root={data_root}']
    config = 'cam_r18_1xb8-30e_toyvoc-128x128'  # as mim users name it, without .py
    out = mim('train', 'mmirn', config, '--gpus', '0', '--work-dir', str(work_dir),
              '--cfg-options', 'train_cfg.max_epochs=1', 'train_dataloader.batch_size=1',
              *(f'train_dataloader.{o}' for o in loader),
              'default_hooks.logger.interval=1')
    assert str(pkg / '.mim' / 'tools' / 'train.py') in out or 'Training command' in out
    logs = list(work_dir.rglob('*.log'))
    assert logs, out[-2000:]
    log = logs[0].read_text()
    assert 'Iter(train) [1/2]' in log and 'Iter(train) [2/2]' in log, log[-2000:]
    assert (work_dir / 'epoch_1.pth').exists()
    cams = tmp_path / 'cams'
    out = mim('test', 'mmirn', config, '--checkpoint', str(work_dir / 'epoch_1.pth'),
              '--gpus', '0', '--work-dir', str(work_dir),
              '--cfg-options', *(f'test_dataloader.{o}' for o in loader),
              f'default_hooks.writer.out_dirs.cams={cams}')
    assert 'cam/mIoU' in out, out[-3000:]
    assert len(list(cams.glob('*.npz'))) == 2  # the train split's CAMs


def test_mim_search_lists_the_model_zoo(tmp_path):
    site = tmp_path / 'site'
    _fake_site(site)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    proc = subprocess.run([str(MIM), 'search', 'mmirn'], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for name in ('cam_r18_1xb8-30e_toyvoc-128x128', 'irn_r18_1xb8-900i_toyvoc-128x128',
                 'psa_r38_1xb8-8e_voc12aug-448x448'):
        assert f'config id: {name}' in proc.stdout
