"""The pipeline runner: steps in order, metrics into summary.json, resume after a kill."""
import json
import textwrap
from pathlib import Path

import pytest
from mmengine.config import Config

from tools.run_pipeline import Pipeline

STEP = textwrap.dedent('''
    import json, os, sys
    name, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    count = os.path.join(out_dir, name + '.count')
    n = int(open(count).read()) + 1 if os.path.exists(count) else 1
    open(count, 'w').write(str(n))
    if os.path.exists(os.path.join(out_dir, 'kill_' + name)):
        sys.exit(137)  # killed
    with open(os.path.join(out_dir, name + '.json'), 'w') as f:
        json.dump({'value': 10.0 * len(name), 'runs': n}, f)
''')


def _pipeline(tmp_path):
    script = tmp_path / 'step.py'
    script.write_text(STEP)
    out = tmp_path / 'out'
    steps = []
    for name in ('a', 'bb', 'ccc'):
        steps.append(dict(
            name=name, cmd=[str(script), name, '{work_dir}/out'],
            metrics_file='{work_dir}/out/' + name + '.json',
            summary={f'{name}_value': 'value'}))
    cfg_file = tmp_path / 'pipe.py'
    cfg_file.write_text(f'steps = {steps!r}\nablation_rows = {{"row_a": "a_value"}}\n')
    cfg = Config.fromfile(str(cfg_file))
    return Pipeline(cfg, str(tmp_path)), out


def _count(out, name):
    return int((out / f'{name}.count').read_text())


def test_runs_steps_and_writes_summary(tmp_path):
    pipeline, out = _pipeline(tmp_path)
    pipeline.run()
    summary = json.loads((tmp_path / 'summary.json').read_text())
    assert summary['bb_value'] == 20.0 and summary['ccc_value'] == 30.0
    assert summary['ablation'] == {'row_a': 10.0}
    assert set(summary['seconds']) == {'a', 'bb', 'ccc'}


def test_comparison_rows(tmp_path, capsys):
    pipeline, out = _pipeline(tmp_path)
    pipeline.cfg['comparison_rows'] = {'method A (config a)': 'a_value',
                                       'method C (config ccc)': 'ccc_value'}
    pipeline.run()
    summary = json.loads((tmp_path / 'summary.json').read_text())
    assert summary['comparison'] == {'method A (config a)': 10.0,
                                     'method C (config ccc)': 30.0}
    assert summary['ccc_value'] == 30.0  # the keys stay
    printed = capsys.readouterr().out
    assert 'comparison' in printed and 'method C (config ccc)' in printed


def test_resume_after_kill_skips_finished_steps(tmp_path):
    pipeline, out = _pipeline(tmp_path)
    out.mkdir()
    (out / 'kill_bb').touch()
    with pytest.raises(RuntimeError, match='"bb" failed'):
        pipeline.run()
    assert _count(out, 'a') == 1 and not (out / 'ccc.count').exists()
    (out / 'kill_bb').unlink()
    pipeline.run()
    # a was not run again, bb ran a second time, ccc once
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (1, 2, 1)
    summary = json.loads((tmp_path / 'summary.json').read_text())
    assert summary['ablation']['row_a'] == 10.0  # from the record of the earlier run
    # A third run does nothing but rebuild the summary.
    pipeline.run()
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (1, 2, 1)


def test_redo_and_unknown_step(tmp_path):
    pipeline, out = _pipeline(tmp_path)
    pipeline.run()
    pipeline.run(redo=['bb'])
    # ccc needs bb (the step before it), so it is stale and runs again too
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (1, 2, 2)
    pipeline.run()
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (1, 2, 2)
    with pytest.raises(ValueError, match='unknown step'):
        pipeline.run(only=['nope'])


def test_redo_removes_outputs_and_follows_needs(tmp_path):
    script = tmp_path / 'step.py'
    script.write_text(STEP)
    steps = [
        dict(name='a', cmd=[str(script), 'a', '{work_dir}/out'],
             outputs=['{work_dir}/cache_a']),
        dict(name='bb', cmd=[str(script), 'bb', '{work_dir}/out']),
        # needs only 'a'; untouched when bb runs again
        dict(name='ccc', cmd=[str(script), 'ccc', '{work_dir}/out'], needs=['a']),
    ]
    cfg_file = tmp_path / 'pipe.py'
    cfg_file.write_text(f'steps = {steps!r}\n')
    pipeline = Pipeline(Config.fromfile(str(cfg_file)), str(tmp_path))
    out = tmp_path / 'out'
    cache = tmp_path / 'cache_a'
    cache.mkdir()
    (cache / 'old.png').touch()
    pipeline.run()
    assert (cache / 'old.png').exists()  # a first (or resumed) run keeps outputs
    pipeline.run(redo=['bb'])
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (1, 2, 1)
    pipeline.run(redo=['a'])
    assert not cache.exists()
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (2, 3, 2)
    # a redo killed half-way is not recorded as done: the next run resumes it
    (out / 'kill_a').touch()
    with pytest.raises(RuntimeError, match='"a" failed'):
        pipeline.run(redo=['a'])
    (out / 'kill_a').unlink()
    pipeline.run()
    assert (_count(out, 'a'), _count(out, 'bb'), _count(out, 'ccc')) == (4, 4, 3)


PIPELINES = sorted((Path(__file__).resolve().parents[2] / 'configs' / 'pipelines').glob('*.py'))


def test_pipelines_are_found():
    assert len(PIPELINES) >= 2


@pytest.mark.parametrize('path', PIPELINES, ids=lambda p: p.name)
def test_shipped_pipeline_resolves(path, tmp_path, capsys):
    """Every var resolves and every script / config a step names exists."""
    repo = path.parents[2]
    cfg = Config.fromfile(str(path))
    Pipeline(cfg, str(tmp_path), dry_run=True).run()
    commands = [line for line in capsys.readouterr().out.splitlines()
                if line.startswith('[pipeline] ') and ': /' in line]
    assert len(commands) == len(cfg.steps)
    for step in cfg.steps:
        for arg in step['cmd']:
            if arg.endswith('.py') and '{' not in arg:
                assert (repo / arg).exists(), f'{path.name}: {arg} does not exist'
    for name, value in cfg.get('vars', {}).items():
        if isinstance(value, str) and value.endswith('.py'):
            assert (repo / value).exists(), f'{path.name}: {name}={value} does not exist'
