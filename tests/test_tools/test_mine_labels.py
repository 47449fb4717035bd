"""tools/mine_labels.py: relation / affinity labels of a dataset's images from
its stored CAMs (data_prefix.cam_path + LoadCAMs), with the IRN and AffinityNet
toy configs' mining sections."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import mmcv
import numpy as np
import pytest
from PIL import Image

from mmirn.pseudo import (PSA_CRF_CFG, CAMFileError, alpha_from_threshold,
                          load_cams, mine_affinity_labels, mine_relation_labels,
                          save_cams)

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools' / 'mine_labels.py'
IRN_CFG = ROOT / 'configs' / 'irn' / 'irn_r18_1xb8-900i_toyvoc-128x128.py'
PSA_CFG = ROOT / 'configs' / 'psa' / 'affinitynet_r18_1xb8-600i_toyvoc-128x128.py'
CLASSES = ('stripes', 'checks', 'dots', 'rings', 'zigzag')
IDS = ('im0', 'im1', 'im2')


def _tool():
    spec = importlib.util.spec_from_file_location('mine_labels', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def toy(tmp_path):
    """A 3-image toy VOC layout (image i: class i, a red square) and its CAMs:
    confident in the square, unsure on a strip, nothing elsewhere."""
    root, cam_dir = tmp_path / 'toy_voc', tmp_path / 'cams'
    for d in ('JPEGImages', 'Annotations', 'ImageSets/Segmentation'):
        (root / d).mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i, img_id in enumerate(IDS):
        img = rng.integers(90, 110, (32, 48, 3), dtype=np.uint8)
        img[8:24, 8:24] = (230, 40, 40)
        img[6:26, 30:34] = (60, 60, 200)
        Image.fromarray(img).save(root / 'JPEGImages' / f'{img_id}.jpg',
                                  quality=100)
        (root / 'Annotations' / f'{img_id}.xml').write_text(
            f'<annotation><object><name>{CLASSES[i]}</name>'
            '<difficult>0</difficult></object></annotation>')
        high = np.zeros((1, 32, 48), dtype=np.float32)
        high[0, 8:24, 8:24] = 0.9
        high[0, 6:26, 30:34] = 0.5
        save_cams(str(cam_dir / f'{img_id}.npz'), [i], high[:, ::4, ::4], high)
    (root / 'ImageSets/Segmentation/train.txt').write_text('\n'.join(IDS) + '\n')
    return root, cam_dir


def _args(config, root, cam_dir, out, *options, extra=()):
    return [str(config), '--out-dir', str(out), *extra, '--cfg-options',
            f'mine_dataloader.dataset.data_root={root}',
            f'mine_dataloader.dataset.data_prefix.cam_path={cam_dir}', *options]


def _direct(root, cam_dir, img_id, mine_fn):
    img = mmcv.imread(str(root / 'JPEGImages' / f'{img_id}.jpg'),
                      channel_order='rgb')
    cams = load_cams(str(cam_dir / f'{img_id}.npz'))
    return mine_fn(img, cams['keys'], cams['high_res'])


def _png(path):
    return np.array(Image.open(path))


@pytest.mark.parametrize('crf', [False, True])
def test_relations_equal_the_mining_function(toy, tmp_path, capfd, crf):
    if crf:
        pytest.importorskip('pydensecrf.densecrf')
    root, cam_dir = toy
    out = tmp_path / 'rel'
    options = [] if crf else ['miner.crf_cfg.enabled=False']
    _tool().main(_args(IRN_CFG, root, cam_dir, out, *options))
    assert '3 written, 0 already done' in capfd.readouterr().out
    # the config's miner: the toy thresholds 0.7 / 0.3, IRN's CRF
    crf_cfg = dict(num_iters=10) if crf else dict(enabled=False)
    for i, img_id in enumerate(IDS):
        label = _png(out / f'{img_id}.png')
        expected = _direct(root, cam_dir, img_id, lambda *a: mine_relation_labels(
            *a, fg_thr=0.7, bg_thr=0.3, crf_cfg=crf_cfg))
        np.testing.assert_array_equal(label, expected)
        assert (label[10:22, 10:22] == i + 1).all() and (label[:4] == 0).all()
        if not crf:
            assert (label[8:24, 31:33] == 255).all()


@pytest.mark.parametrize('crf', [False, True])
def test_affinity_labels_equal_the_mining_function(toy, tmp_path, crf):
    if crf:
        pytest.importorskip('pydensecrf.densecrf')
    root, cam_dir = toy
    out = tmp_path / 'aff'
    options = ['miner.fg_thr=0.6', 'miner.bg_thr=0.2']
    if not crf:
        options.append('miner.crf_cfg.enabled=False')
    _tool().main(_args(PSA_CFG, root, cam_dir, out, *options))
    crf_cfg = dict(PSA_CRF_CFG, enabled=crf)
    for img_id in IDS:
        expected = _direct(root, cam_dir, img_id, lambda *a: mine_affinity_labels(
            *a, alpha_low=alpha_from_threshold(0.6),
            alpha_high=alpha_from_threshold(0.2), crf_cfg=crf_cfg))
        np.testing.assert_array_equal(_png(out / f'{img_id}.png'), expected)
    label = _png(out / 'im1.png')
    assert label[16, 16] == 2 and label[0, 0] == 0
    if not crf:
        assert label[16, 32] == 255  # the unsure strip: 0.2 < 0.5 < 0.6


def test_resume_skips_finished_images_before_loading(toy, tmp_path, capfd):
    root, cam_dir = toy
    out = tmp_path / 'rel'
    args = _args(IRN_CFG, root, cam_dir, out, 'miner.crf_cfg.enabled=False')
    tool = _tool()
    tool.main(args)
    first = _png(out / 'im1.png')
    capfd.readouterr()
    tool.main(args)
    assert '0 written, 3 already done' in capfd.readouterr().out
    # a finished image is kept and its CAM file not read; a removed one is redone
    (out / 'im0.png').write_bytes(b'kept')
    (cam_dir / 'im0.npz').write_bytes(b'broken')
    os.remove(out / 'im1.png')
    tool.main(args)
    assert '1 written, 2 already done' in capfd.readouterr().out
    assert (out / 'im0.png').read_bytes() == b'kept'
    np.testing.assert_array_equal(_png(out / 'im1.png'), first)


@pytest.mark.parametrize('workers', [1, 2])
def test_missing_or_bad_cam_file_is_named(toy, tmp_path, workers):
    root, cam_dir = toy
    extra = ('--workers', str(workers))
    os.remove(cam_dir / 'im1.npz')
    args = _args(IRN_CFG, root, cam_dir, tmp_path / 'rel',
                 'miner.crf_cfg.enabled=False', extra=extra)
    with pytest.raises(FileNotFoundError, match=r'im1\.npz'):
        _tool().main(args)
    (cam_dir / 'im1.npz').write_bytes(b'truncated')
    with pytest.raises(CAMFileError, match=r'im1\.npz.*unreadable'):
        _tool().main(args)
    assert not (tmp_path / 'rel' / 'im1.png').exists()


def test_cli_with_workers_writes_the_same_labels(toy, tmp_path):
    root, cam_dir = toy
    one, two = tmp_path / 'one', tmp_path / 'two'
    _tool().main(_args(IRN_CFG, root, cam_dir, one, 'miner.crf_cfg.enabled=False'))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, str(TOOL),
         *_args(IRN_CFG, root, cam_dir, two, 'miner.crf_cfg.enabled=False',
                extra=('--workers', '2'))],
        env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'rank 0: 3 written, 0 already done' in proc.stdout
    assert '3/3' in proc.stdout and 'ETA' in proc.stdout  # mmengine's progress bar
    assert sorted(os.listdir(two)) == [f'{i}.png' for i in IDS]
    for img_id in IDS:
        np.testing.assert_array_equal(_png(two / f'{img_id}.png'),
                                      _png(one / f'{img_id}.png'))


def test_ranks_share_the_images(toy, tmp_path, monkeypatch):
    from mmirn.pseudo import RelationMiner, mining
    from mmirn.registry import DATASETS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    root, cam_dir = toy
    init_default_scope('mmirn')
    cfg = Config.fromfile(str(IRN_CFG)).mine_dataloader.dataset
    cfg.data_root = str(root)
    cfg.data_prefix.cam_path = str(cam_dir)
    dataset = DATASETS.build(cfg)
    miner = RelationMiner(0.7, 0.3, dict(enabled=False))
    written = []
    for rank in (0, 1):
        monkeypatch.setattr(mining, 'get_dist_info', lambda r=rank: (r, 2))
        out = tmp_path / f'rank{rank}'
        assert mining.mine_dataset(dataset, miner, str(out)) == (2 - rank, 0)
        written.append(sorted(os.listdir(out)))
    assert written == [['im0.png', 'im2.png'], ['im1.png']]


def test_config_without_mining_section_or_cams(toy, tmp_path):
    root, cam_dir = toy
    cam_cfg = ROOT / 'configs' / 'cam' / 'cam_r18_1xb8-30e_toyvoc-128x128.py'
    with pytest.raises(SystemExit, match='no mine_dataloader'):
        _tool().main([str(cam_cfg), '--out-dir', str(tmp_path / 'x')])
    with pytest.raises(SystemExit, match='data_prefix.cam_path is not set'):
        _tool().main([str(IRN_CFG), '--out-dir', str(tmp_path / 'x'),
                      '--cfg-options',
                      'mine_dataloader.dataset.data_prefix.cam_path=None'])


def test_miner_settings_are_checked():
    from mmirn.pseudo import AffinityLabelMiner, RelationMiner
    with pytest.raises(ValueError, match="'num_iter'.*RelationMiner.crf_cfg"):
        RelationMiner(crf_cfg=dict(num_iter=5))
    with pytest.raises(ValueError, match="'gt_prob'.*AffinityLabelMiner"):
        AffinityLabelMiner(crf_cfg=dict(gt_prob=0.7))
    with pytest.raises(ValueError, match='bg_thr'):
        RelationMiner(fg_thr=0.2, bg_thr=0.3)
    with pytest.raises(ValueError, match='fg_thr must not be below bg_thr'):
        AffinityLabelMiner(fg_thr=0.2, bg_thr=0.3)
    miner = AffinityLabelMiner(fg_thr=0.7, crf_cfg=dict(num_iters=3))
    assert miner.alpha_low == pytest.approx(alpha_from_threshold(0.7))
    assert miner.alpha_high == 32
    assert miner.crf_cfg == dict(PSA_CRF_CFG, num_iters=3)
    with pytest.raises(KeyError, match='LoadCAMs'):
        RelationMiner()(dict(img=np.zeros((4, 4, 3), np.uint8), img_path='x.jpg'))


@pytest.mark.parametrize('pipeline,step,mine_fn', [
    ('irn_toy.py', 'relations', lambda *a: mine_relation_labels(
        *a, fg_thr=0.7, bg_thr=0.3, crf_cfg=dict(enabled=False))),
    ('psa_toy.py', 'affinity_labels', lambda *a: mine_affinity_labels(
        *a, alpha_low=alpha_from_threshold(0.7),
        alpha_high=alpha_from_threshold(0.3), crf_cfg=dict(enabled=False))),
])
def test_pipeline_step_sharded_over_two_ranks(toy, tmp_path, pipeline, step,
                                              mine_fn):
    """The pipeline's mining step as run_pipeline.py --launcher pytorch --gpus 2
    runs it (torchrun, gloo): both ranks' shares, the pipeline's thresholds."""
    from mmengine.config import Config

    from tools.run_pipeline import Pipeline
    root, cam_dir = toy
    cfg = Config.fromfile(str(ROOT / 'configs' / 'pipelines' / pipeline))
    cfg.vars.update(data_root=str(root), cams=str(cam_dir))
    pipe = Pipeline(cfg, str(tmp_path / 'work'), launcher='pytorch', gpus=2,
                    dry_run=True)
    (spec, ) = [s for s in cfg.steps if s['name'] == step]
    assert spec['shard']
    cmd = pipe.command(spec)
    assert cmd[-2:] == ['--launcher', 'pytorch']
    cmd = [*cmd[:-2], 'miner.crf_cfg.enabled=False', *cmd[-2:]]
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'rank 0: 2 written' in proc.stdout and 'rank 1: 1 written' in proc.stdout
    out = Path(pipe.fill(spec['outputs'][0]))
    for img_id in IDS:
        np.testing.assert_array_equal(_png(out / f'{img_id}.png'),
                                      _direct(root, cam_dir, img_id, mine_fn))


@pytest.mark.parametrize('path', [
    'irn/irn_r18_1xb8-900i_toyvoc-128x128.py',
    'irn/irn_r18_1xb8-900i_toycoco-128x128.py',
    'irn/irn_r50_1xb32-3e_voc12aug-512x512.py',
    'psa/affinitynet_r18_1xb8-600i_toyvoc-128x128.py',
    'psa/affinitynet_r50_1xb8-8e_voc12aug-448x448.py',
    'psa/psa_r38_1xb8-8e_voc12aug-448x448.py',
])
def test_configs_mine_the_cams_their_labels_use(path):
    """The mining section reads the test loop's CAMs, of the training images'
    dataset, and its miner builds."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmirn.registry import TASK_UTILS
    cfg = Config.fromfile(str(ROOT / 'configs' / path))
    mine = cfg.mine_dataloader.dataset
    assert mine.data_prefix.cam_path == cfg.test_dataloader.dataset.data_prefix.cam_path
    train = cfg.train_dataloader.dataset
    assert (mine.type, mine.data_root, mine.ann_file) == (
        train.type, train.data_root, train.ann_file)
    assert [t.type for t in mine.pipeline] == ['LoadImageFromFileChecked', 'LoadCAMs']
    init_default_scope('mmirn')
    miner = TASK_UTILS.build(cfg.miner)
    assert type(miner).__name__ == (
        'RelationMiner' if path.startswith('irn') else 'AffinityLabelMiner')
