"""Output folders record their checkpoint; another checkpoint may not add to them."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
from mmengine.config import Config

from mmirn.utils import claim_output_dirs, file_sha256, output_dirs, producer_record

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CAM_CFG = osp.join(REPO, 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py')
IRN_CFG = osp.join(REPO, 'configs/irn/irn_r18_1xb8-900i_toyvoc-128x128.py')


def _ckpt(path, content):
    path.write_bytes(content)
    return str(path)


def test_output_dirs_of_shipped_configs():
    cam = Config.fromfile(CAM_CFG)
    assert output_dirs(cam) == [osp.abspath(cam.cam_dir)]
    irn = Config.fromfile(IRN_CFG)
    dirs = irn.default_hooks.writer.out_dirs
    assert output_dirs(irn) == [osp.abspath(dirs.sem), osp.abspath(dirs.ins)]
    cam.default_hooks.writer.out_dirs.sem = cam.cam_dir
    assert output_dirs(cam) == [osp.abspath(cam.cam_dir)]  # deduplicated


def test_claim_records_refuses_and_redoes(tmp_path):
    a = _ckpt(tmp_path / 'a.pth', b'checkpoint a')
    b = _ckpt(tmp_path / 'b.pth', b'checkpoint b')
    out = tmp_path / 'cams'
    claim_output_dirs([str(out)], a, CAM_CFG)
    rec = json.loads((out / '.provenance.json').read_text())
    assert rec['sha256'] == file_sha256(a) and rec['config'] == CAM_CFG
    (out / '1.npz').write_bytes(b'old')
    claim_output_dirs([str(out)], a, CAM_CFG)  # same checkpoint: a resume, kept
    assert (out / '1.npz').exists()
    with pytest.raises(ValueError, match='another checkpoint') as e:
        claim_output_dirs([str(out)], b, CAM_CFG)
    assert file_sha256(a) in str(e.value) and file_sha256(b) in str(e.value)
    assert (out / '1.npz').exists()
    assert json.loads((out / '.provenance.json').read_text())['sha256'] == file_sha256(a)
    claim_output_dirs([str(out)], b, CAM_CFG, redo=True)
    assert os.listdir(out) == ['.provenance.json']
    assert json.loads((out / '.provenance.json').read_text())['sha256'] == file_sha256(b)


def test_tools_test_refuses_other_checkpoint(tmp_path):
    """CAMs of checkpoint A; B into the same folder exits 1 (old files stay); --redo."""
    import torch
    from mmengine.registry import DefaultScope, init_default_scope

    from mmirn.registry import MODELS
    data_root = tmp_path / 'toy_voc'
    subprocess.run([
        sys.executable, osp.join(REPO, 'tools/dataset_converters/make_toy_voc.py'),
        str(data_root), '--num-train', '2', '--num-val', '1', '--min-size', '48',
        '--max-size', '64', '--workers', '1'], check=True, capture_output=True)
    config = tmp_path / 'cam_tiny.py'
    config.write_text(
        f"_base_ = [{CAM_CFG!r}]\n"
        f"test_dataloader = dict(num_workers=0, persistent_workers=False,\n"
        f"    dataset=dict(data_root={str(data_root)!r}))\n"
        "model = dict(backbone=dict(stem_channels=8, base_channels=8),\n"
        "    cam_head=dict(in_channels=64), test_cfg=dict(scales=(1.0, )))\n")
    with DefaultScope.overwrite_default_scope('mmirn'):
        init_default_scope('mmirn')
        model = MODELS.build(Config.fromfile(str(config)).model)
    ckpts = []
    for name in ('a', 'b'):
        torch.nn.init.normal_(next(model.parameters()))
        ckpts.append(str(tmp_path / f'{name}.pth'))
        torch.save(dict(state_dict=model.state_dict(), meta=dict()), ckpts[-1])
    out = tmp_path / 'cams'

    def run(ckpt, *extra):
        cmd = [sys.executable, osp.join(REPO, 'tools/test.py'), str(config), ckpt,
               '--work-dir', str(tmp_path / 'w'), *extra, '--cfg-options',
               f'default_hooks.writer.out_dirs.cams={out}']
        return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300,
                              env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1'))

    res = run(ckpts[0])
    assert res.returncode == 0, res.stderr[-3000:]
    rec = json.loads((out / '.provenance.json').read_text())
    assert rec['sha256'] == file_sha256(ckpts[0]) and rec['config'] == str(config)
    cams = sorted(p.name for p in out.glob('*.npz'))
    assert cams
    (out / 'stale.npz').write_bytes(b'from an older run')

    res = run(ckpts[1])
    assert res.returncode == 1, res.stderr[-3000:]
    assert 'written by another checkpoint' in res.stderr and '--redo' in res.stderr
    assert file_sha256(ckpts[1]) in res.stderr
    assert (out / 'stale.npz').exists()
    assert json.loads((out / '.provenance.json').read_text())['sha256'] == rec['sha256']

    res = run(ckpts[1], '--redo')
    assert res.returncode == 0, res.stderr[-3000:]
    assert not (out / 'stale.npz').exists()
    assert sorted(p.name for p in out.glob('*.npz')) == cams
    assert json.loads((out / '.provenance.json').read_text())['sha256'] == \
        file_sha256(ckpts[1])


def _label_cfg(root, cam_path, bg_thr=0.5):
    return Config(dict(
        model=dict(type='IRNet', labeler=dict(type='IRNSemanticLabeler', bg_thr=bg_thr)),
        test_dataloader=dict(dataset=dict(
            type='ToyVOCDataset', data_root=str(root),
            data_prefix=dict(img_path='JPEGImages', cam_path=cam_path)))))


def test_producer_settings_and_inputs_refuse_to_mix(tmp_path):
    """Same checkpoint, other labeller settings or re-written input CAMs: refused."""
    a = _ckpt(tmp_path / 'a.pth', b'checkpoint a')
    b = _ckpt(tmp_path / 'b.pth', b'checkpoint b')
    cams, labels = str(tmp_path / 'cams'), str(tmp_path / 'sem')
    claim_output_dirs([cams], a, None)  # the CAMs of checkpoint a
    cfg = _label_cfg(tmp_path, cams)
    first = claim_output_dirs([labels], a, None, producer=producer_record(cfg))
    assert first['inputs']['cam_path'] is not None
    assert first['inputs']['img_path'] is None  # no record there
    # a resumed run with the same producer is accepted
    claim_output_dirs([labels], a, None, producer=producer_record(_label_cfg(tmp_path, cams)))
    # other thresholds into the same folder
    with pytest.raises(ValueError, match='same checkpoint with other settings'):
        claim_output_dirs([labels], a, None,
                          producer=producer_record(_label_cfg(tmp_path, cams, 0.3)))
    # the CAMs written again by checkpoint b: the labels' inputs changed
    claim_output_dirs([cams], b, None, redo=True)
    with pytest.raises(ValueError, match='input folders were written again'):
        claim_output_dirs([labels], a, None, producer=producer_record(cfg))
    again = claim_output_dirs([labels], a, None, redo=True, producer=producer_record(cfg))
    assert again['inputs']['cam_path'] != first['inputs']['cam_path']
    assert json.loads((tmp_path / 'sem' / '.provenance.json').read_text()) == again


def test_files_without_a_record_are_refused(tmp_path):
    a = _ckpt(tmp_path / 'a.pth', b'checkpoint a')
    out = tmp_path / 'cams'
    out.mkdir()
    (out / '.hidden.tmp').write_bytes(b'')  # hidden files alone do not count
    claim_output_dirs([str(out)], a, None)
    (out / '.provenance.json').unlink()
    (out / 'x.npz').write_bytes(b'from an older run')
    with pytest.raises(ValueError, match=r'holds files but no \.provenance\.json'):
        claim_output_dirs([str(out)], a, None)
    assert (out / 'x.npz').exists()
    claim_output_dirs([str(out)], a, None, redo=True)
    assert not (out / 'x.npz').exists() and (out / '.provenance.json').exists()
