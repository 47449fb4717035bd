"""The pipeline's console: progress parsed from mmengine output, one line per step, logs."""
import io
import textwrap

import pytest
from mmengine.config import Config

from tools import run_pipeline
from tools.run_pipeline import (Pipeline, StepFailed, StepLine, format_duration,
                                parse_progress)

# Lines as mmengine 0.10 writes them: a toy epoch-based Runner, and the logs of the IRN
# pipeline's train / test / mining steps.
LINES = [
    ('12/03 10:23:12 - mmengine - INFO - Epoch(train) [1][ 5/20]  lr: 1.0000e-01  '
     'eta: 0:00:00  time: 0.0026  data_time: 0.0004  loss: 0.0943',
     'epoch 1 iter 5/20  ETA 0:00:00'),
    ('12/03 10:23:12 - mmengine - INFO - Epoch(val) [1][ 5/20]    eta: 0:00:00  '
     'time: 0.0003  data_time: 0.0001  ', 'val 5/20  ETA 0:00:00'),
    ('12/03 10:23:12 - mmengine - INFO - Epoch(val) [1][20/20]    mIoU: 42.0000  '
     'data_time: 0.0005  time: 0.0006', 'val 20/20'),
    ('12/03 07:15:53 - mmengine - INFO - Iter(train) [ 100/1500]  lr: 9.4036e-04  '
     'eta: 0:02:30  time: 0.0545  data_time: 0.0041  loss: 1.0139  loss_cls: 0.6623',
     'iter 100/1500  ETA 0:02:30'),
    ('12/03 07:00:26 - mmengine - INFO - Iter(test) [ 50/400]    eta: 0:00:45  '
     'time: 0.1192  data_time: 0.0021  ', 'test 50/400  ETA 0:00:45'),
    ('12/03 07:10:55 - mmengine - INFO - Iter(test) [400/400]    cam/mIoU: 45.6900  '
     'cam/best_thr: 0.6500', 'test 400/400'),
    ('[                                                  ] 0/400, elapsed: 0s, ETA:', '0/400'),
    ('[                                 ] 1/400, 5.6 task/s, elapsed: 0s, ETA:    71s',
     '1/400  ETA 0:01:11'),
    ('[>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>] 400/400, 6.6 task/s, elapsed: 60s, ETA:     0s',
     '400/400  ETA 0:00:00'),
    ('completed: 12, elapsed: 3s', '12 done'),
    # nothing to parse: config dumps, hook tables, tool messages
    ("train_cfg = dict(max_iters=500, type='IterBasedTrainLoop', val_interval=500)", None),
    ('(VERY_HIGH   ) RuntimeInfoHook                    ', None),
    ('12/03 07:12:01 - mmengine - INFO - Checkpoints will be saved to /w/irn.', None),
    ('rank 0: 400 written, 0 already done, in /work/work_dirs/irn/relations', None),
]


@pytest.mark.parametrize('line,expected', LINES)
def test_parse_progress(line, expected):
    assert parse_progress(line) == expected
    assert parse_progress(line + '\n') == expected


def test_parse_progress_eta_of_days():
    line = ('Iter(train) [  10/90000]  lr: 1.0e-02  eta: 1 day, 2:03:04  time: 1.2')
    assert parse_progress(line) == 'iter 10/90000  ETA 1 day, 2:03:04'


def test_format_duration():
    assert format_duration(7.4) == '7s'
    assert format_duration(83) == '1m23s'
    assert format_duration(3723) == '1h02m03s'


def test_step_line_on_a_terminal_redraws_in_place():
    stream = io.StringIO()
    line = StepLine('[3/7] train_irn  ', stream, tty=True)
    line.feed('config line\n')
    line.feed('Iter(train) [ 120/500]  lr: 1.0e-02  eta: 0:01:40  time: 0.2\n')
    line.close('done in 1m23s')
    out = stream.getvalue()
    assert '\r[3/7] train_irn  iter 120/500  ETA 0:01:40' in out
    assert out.endswith('\r[3/7] train_irn  done in 1m23s\x1b[K\n')
    assert out.count('\n') == 1  # one line, redrawn
    line.close('again')  # closed: nothing more
    assert stream.getvalue() == out


def test_step_line_in_a_log_prints_plain_lines():
    stream = io.StringIO()
    line = StepLine('[1/2] cams  ', stream, tty=False, interval=0)
    line.feed('config line\n')
    line.feed('[>>>>      ] 40/100, 5.9 task/s, elapsed: 7s, ETA:    10s\n')
    line.close('done in 17s')
    lines = stream.getvalue().splitlines()
    assert '\r' not in stream.getvalue()
    assert lines[0].startswith('[1/2] cams  running ')  # nothing parsed yet: elapsed
    assert '[1/2] cams  40/100  ETA 0:00:10' in lines
    assert lines[-1] == '[1/2] cams  done in 17s'


STEP = textwrap.dedent('''
    import json, sys
    name, out = sys.argv[1], sys.argv[2]
    for i in range(100):
        print(f'{name} config line {i}')
    for i in (10, 20):
        print(f'12/03 07:15:53 - mmengine - INFO - Iter(train) [{i}/20]  eta: 0:00:01')
    if name == 'bad':
        print('ValueError: boom', file=sys.stderr)
        sys.exit(3)
    with open(f'{out}/{name}.json', 'w') as f:
        json.dump({'mIoU': 45.678}, f)
''')


def _pipeline(tmp_path, names, **kwargs):
    script = tmp_path / 'step.py'
    script.write_text(STEP)
    steps = [dict(name=name, cmd=[str(script), name, '{work_dir}'],
                  metrics_file='{work_dir}/' + name + '.json',
                  summary={f'{name}_miou': 'mIoU'}) for name in names]
    steps[-1].pop('summary')  # a step without a metric
    cfg_file = tmp_path / 'pipe.py'
    cfg_file.write_text(f'steps = {steps!r}\n')
    return Pipeline(Config.fromfile(str(cfg_file)), str(tmp_path), **kwargs)


def test_one_line_per_step_and_full_logs(tmp_path, capsys):
    _pipeline(tmp_path, ['cams', 'labels']).run()
    out = capsys.readouterr().out
    steps = out.split('\nSummary of ')[0].strip().splitlines()  # all before the summary
    assert len(steps) == 2, out
    assert steps[0].startswith('[1/2] cams    done in ')
    assert steps[0].endswith('  cams_miou 45.68')
    assert steps[1].startswith('[2/2] labels  done in ')
    assert 'config line' not in out and 'Iter(train)' not in out
    log = (tmp_path / 'logs' / 'cams.log').read_text()
    assert log.count('\n=== ') == 1 and 'step.py cams' in log
    assert all(f'cams config line {i}\n' in log for i in range(100))
    assert 'Iter(train) [20/20]' in log
    # a step run again appends to its log, under a new header
    _pipeline(tmp_path, ['cams', 'labels']).run(redo=['cams'])
    log = (tmp_path / 'logs' / 'cams.log').read_text()
    assert log.count('\n=== ') == 2 and log.count('cams config line 99\n') == 2


def test_failed_step_prints_its_log_tail(tmp_path, capsys):
    pipeline = _pipeline(tmp_path, ['cams', 'bad'])
    with pytest.raises(StepFailed, match='"bad" failed'):
        pipeline.run()
    out, err = capsys.readouterr()
    log_path = tmp_path / 'logs' / 'bad.log'
    assert out.splitlines()[-1].startswith('[2/2] bad   failed (exit 3) after ')
    assert err.endswith(f'--- full log: {log_path}\n')
    tail = err.splitlines()[1:-1]
    assert len(tail) == run_pipeline.TAIL_LINES
    assert tail[-1] == 'ValueError: boom'
    assert 'bad config line 99' in tail and 'bad config line 0' not in tail
    assert not (tmp_path / 'pipeline' / 'bad.done.json').exists()


def test_main_exits_non_zero_without_a_traceback(tmp_path, capsys):
    pipeline = _pipeline(tmp_path, ['bad'])
    with pytest.raises(SystemExit) as exc:
        run_pipeline.main([pipeline.cfg.filename, '--work-dir', str(tmp_path)])
    assert 'step "bad" failed (exit 3)' in str(exc.value.code)
    assert 'ValueError: boom' in capsys.readouterr().err


def test_verbose_streams_the_output(tmp_path, capsys):
    _pipeline(tmp_path, ['cams'], verbose=True).run()
    out = capsys.readouterr().out
    assert 'cams config line 0\n' in out and 'Iter(train) [20/20]' in out
    assert '[1/1] cams  done in ' in out
