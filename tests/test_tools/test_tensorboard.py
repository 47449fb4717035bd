"""One config line sends training scalars to TensorBoard as well (README: Train and test)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip('tensorboard')
ROOT = Path(__file__).resolve().parents[2]
# the line of README's "TensorBoard" paragraph
TB_LINE = ("visualizer = dict(vis_backends=[dict(type='LocalVisBackend'), "
           "dict(type='TensorboardVisBackend')])")


def test_train_logs_to_tensorboard(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    data_root = tmp_path / 'toy_voc'
    subprocess.run([
        sys.executable, str(ROOT / 'tools/dataset_converters/make_toy_voc.py'),
        str(data_root), '--num-train', '2', '--num-val', '1', '--min-size', '48',
        '--max-size', '64', '--workers', '1'
    ], check=True, capture_output=True)
    work_dir = tmp_path / 'work'
    config = tmp_path / 'cam_tb.py'
    config.write_text(f"_base_ = [{str(ROOT / 'configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py')!r}]\n"
                      f"{TB_LINE}\n")
    proc = subprocess.run([
        sys.executable, str(ROOT / 'tools/train.py'),
        str(config), '--work-dir', str(work_dir), '--cfg-options', 'train_cfg.max_epochs=1',
        'train_dataloader.batch_size=1', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        f'train_dataloader.dataset.data_root={data_root}', 'default_hooks.logger.interval=1'
    ], env=dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT)),
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    events = list(work_dir.rglob('events.out.tfevents.*'))
    assert events, sorted(str(p) for p in work_dir.rglob('*'))
    acc = EventAccumulator(str(events[0].parent))
    acc.Reload()
    assert 'loss' in acc.Tags()['scalars']
    assert len(acc.Scalars('loss')) == 2  # both iterations
