"""Degenerate images (all-zero CAMs, no foreground, no instance) are counted,
killed-and-resumed runs included, and reported in the pipeline's summary."""
import json
import os

import torch
from mmengine.structures import InstanceData

from mmirn.engine.hooks import PredictionWriterHook
from mmirn.engine.hooks.degenerate_log import read_summary
from tests.test_engine.test_prediction_writer_hook import _runner, _sample


def _degenerate(img_id):
    """All-zero CAMs, an all-background label, only a fragment (score 0)."""
    sample = _sample(img_id)
    sample.pred_cams.data.zero_()
    sample.pred_sem_seg.data.zero_()
    sample.pred_sem_seg.data[0, 0, 0] = 255  # ignore is no foreground
    sample.pred_instances = sample.pred_instances[1:]
    return sample


def _no_instances(img_id):
    sample = _sample(img_id)
    sample.pred_instances = InstanceData(masks=torch.zeros(0, 8, 12, dtype=torch.bool),
                                         labels=torch.zeros(0, dtype=torch.long),
                                         scores=torch.zeros(0))
    return sample


def _dirs(tmp_path):
    return {k: str(tmp_path / k) for k in ('cams', 'sem', 'ins')}


def test_degenerate_images_are_counted(tmp_path):
    dirs = _dirs(tmp_path)
    hook = PredictionWriterHook(out_dirs=dirs)
    runner = _runner(['a', 'b', 'c', 'd'])
    hook.before_test(runner)
    hook.after_test_iter(runner, 0, outputs=[_sample('a'), _degenerate('b')])
    hook.after_test_iter(runner, 1, outputs=[_no_instances('c'), _sample('d')])
    hook.after_test(runner)
    cams, sem, ins = (read_summary(dirs[k]) for k in ('cams', 'sem', 'ins'))
    assert cams == dict(kind='cams_all_zero', images=4, count=1, ids=['b'])
    assert sem == dict(kind='sem_no_foreground', images=4, count=1, ids=['b'])
    assert ins == dict(kind='ins_empty', images=4, count=2, ids=['b', 'c'])
    # the COCO file agrees: no annotation of b and c
    coco = json.loads((tmp_path / 'ins.json').read_text())
    assert sorted({a['image_id'] for a in coco['annotations']}) == [1, 4]


def test_counts_survive_a_killed_run(tmp_path):
    dirs = _dirs(tmp_path)
    hook = PredictionWriterHook(out_dirs=dirs)
    runner = _runner(['a', 'b', 'c'])
    hook.before_test(runner)
    hook.after_test_iter(runner, 0, outputs=[_degenerate('a'), _sample('b')])
    # killed here (no after_test), mid-way through a log line of c
    with open(os.path.join(dirs['sem'], '.degenerate.rank0.jsonl'), 'a') as f:
        f.write('{"id": "c", "degen')
    resumed = PredictionWriterHook(out_dirs=dirs)
    runner = _runner(['a', 'b', 'c'])
    resumed.before_test(runner)
    assert len(runner.test_loop.dataloader) == 1  # a and b are done
    resumed.after_test_iter(runner, 0, outputs=[_degenerate('c')])
    resumed.after_test(runner)
    for k in dirs:
        summary = read_summary(dirs[k])
        assert summary['images'] == 3 and summary['ids'] == ['a', 'c'], k


STEP = '''
import sys
sys.path.insert(0, {repo!r})
from mmirn.engine.hooks import PredictionWriterHook
from tests.test_reliability.test_degenerate_counts import _degenerate, _no_instances
from tests.test_engine.test_prediction_writer_hook import _runner, _sample
dirs = dict(zip(sys.argv[1::2], sys.argv[2::2]))
hook = PredictionWriterHook(out_dirs=dirs)
runner = _runner(['a', 'b', 'c'])
hook.before_test(runner)
hook.after_test_iter(runner, 0, outputs=[_sample('a'), _degenerate('b'), _no_instances('c')])
hook.after_test(runner)
'''


def test_pipeline_summary_reports_the_counts(tmp_path):
    from mmengine.config import Config

    from tools.run_pipeline import Pipeline
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = tmp_path / 'step.py'
    script.write_text(STEP.format(repo=repo))
    steps = [
        dict(name='cams', cmd=[str(script), 'cams', '{work_dir}/cams', 'sem',
                               '{work_dir}/sem_cam'],
             outputs=['{work_dir}/cams', '{work_dir}/sem_cam']),
        dict(name='labels', cmd=[str(script), 'sem', '{work_dir}/sem_irn', 'ins',
                                 '{work_dir}/ins'],
             outputs=['{work_dir}/sem_irn', '{work_dir}/ins', '{work_dir}/ins.json']),
    ]
    cfg_file = tmp_path / 'pipe.py'
    cfg_file.write_text(f'steps = {steps!r}\n')
    Pipeline(Config.fromfile(str(cfg_file)), str(tmp_path)).run()
    summary = json.loads((tmp_path / 'summary.json').read_text())
    assert summary['degenerate'] == {
        'cams_all_zero': 1, 'sem_no_foreground:sem_cam': 1,
        'sem_no_foreground:sem_irn': 1, 'ins_empty': 2}
