"""tools/analysis_tools/plot_rca_bank.py on a checkpoint of the toy RCA model."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope
from mmengine.runner.checkpoint import save_checkpoint
from PIL import Image

import mmirn.models  # noqa: F401
from mmirn.datasets import ToyVOCClsDataset
from mmirn.registry import MODELS

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / 'tools' / 'analysis_tools' / 'plot_rca_bank.py'
FILLED = [500, 250, 0, 1, 100]


def load_script():
    spec = importlib.util.spec_from_file_location('plot_rca_bank', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def rca_ckpt(tmp_path_factory):
    """The toy RCA model with known fill counts and a few centroids, saved as
    mmengine saves (``meta`` with the dataset metainfo, ``state_dict``)."""
    cfg = Config.fromfile(
        str(ROOT / 'configs/rca/rca_r18_1xb8-30e_toyvoc-128x128.py'))
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        model = MODELS.build(cfg.model)
    head = model.cam_head
    head.memory.num_filled.copy_(torch.tensor(FILLED))
    head.memory.ptr.copy_(torch.tensor([3, 250, 0, 1, 100]))
    head.aggregation.recompute(head.memory)
    path = tmp_path_factory.mktemp('ckpt') / 'epoch_1.pth'
    save_checkpoint(
        dict(meta=dict(dataset_meta=ToyVOCClsDataset.METAINFO),
             state_dict=model.state_dict()), str(path))
    return path


def _rates(text):
    return {m[0]: (float(m[1]), m[2], int(m[3])) for m in re.findall(
        r'^(\w+)\s+([\d.]+)\s+(\d+/\d+)\s+(\d+)$', text, re.M)}


def test_plot_and_fill_rates(rca_ckpt, tmp_path, capsys):
    out = tmp_path / 'fig' / 'bank.png'
    load_script().main([str(rca_ckpt), '--out', str(out)])
    text = capsys.readouterr().out
    assert _rates(text) == {
        'stripes': (1.0, '500/500', 3), 'checks': (0.5, '250/500', 250),
        'dots': (0.0, '0/500', 0), 'rings': (0.002, '1/500', 1),
        'zigzag': (0.2, '100/500', 100)}
    assert 'mean fill rate 0.340' in text
    img = np.asarray(Image.open(out))
    assert img.ndim == 3 and img.shape[0] > 100
    # the palette's colours are drawn (stripes: VOC's 128, 0, 0)
    assert (np.abs(img[..., :3].astype(int) - [128, 0, 0]).sum(-1) < 40).any()
    assert not list(out.parent.glob('.*tmp*'))  # written atomically


def test_tsne_cli_and_subsampling(rca_ckpt, tmp_path):
    out = tmp_path / 'tsne.png'
    res = subprocess.run(
        [sys.executable, str(SCRIPT), str(rca_ckpt), '--out', str(out), '--tsne',
         '--max-per-class', '20'], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert out.is_file() and 'checks' in res.stdout


def test_not_an_rca_checkpoint(tmp_path):
    path = tmp_path / 'plain.pth'
    save_checkpoint(dict(state_dict={'w': torch.zeros(1)}), str(path))
    with pytest.raises(KeyError, match='plain.pth.*memory.bank'):
        load_script().main([str(path), '--out', str(tmp_path / 'x.png')])
    assert not (tmp_path / 'x.png').exists()


def test_classes_must_match_the_bank(rca_ckpt):
    plot = load_script()
    buffers, _ = plot.load_bank(str(rca_ckpt))
    with pytest.raises(ValueError, match='5 classes but.*20'):
        plot.class_meta({}, 'VOCClsDataset', 5)
    names, colours = plot.class_meta({}, 'ToyVOCClsDataset', 5)
    assert names[0] == 'stripes' and colours[0] == (128 / 255, 0., 0.)
    assert buffers['memory.bank'].shape == (5, 500, 128)
