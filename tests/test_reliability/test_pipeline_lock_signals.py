"""tools/run_pipeline.py: one pipeline per work dir, and a stopped pipeline stops its step.

A real pipeline process runs a fake step that starts a grandchild and sleeps; a second
pipeline on the same work dir must exit at once naming the first one's pid, and a
SIGTERM / SIGINT to the first one must end the step and the grandchild (not orphan them)
without marking the step done.
"""
import fcntl
import os
import os.path as osp
import signal
import subprocess
import sys
import textwrap
import time

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

STEP = textwrap.dedent('''
    import os, subprocess, sys, time
    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])
    with open(sys.argv[1] + '.tmp', 'w') as f:
        f.write(f'{os.getpid()} {child.pid}')
    os.replace(sys.argv[1] + '.tmp', sys.argv[1])
    time.sleep(120)
''')


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0): look at its state
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


def _start(tmp_path, work_dir):
    script = tmp_path / 'step.py'
    script.write_text(STEP)
    pids = tmp_path / 'pids'
    cfg = tmp_path / 'pipe.py'
    cfg.write_text(f'steps = [dict(name="sleep", cmd=[{str(script)!r}, {str(pids)!r}])]\n')
    cmd = [sys.executable, osp.join(REPO, 'tools', 'run_pipeline.py'), str(cfg),
           '--work-dir', str(work_dir)]
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while not pids.exists():
        assert proc.poll() is None, proc.stdout.read()
        assert time.time() < deadline, 'the step did not start'
        time.sleep(0.1)
    step_pid, grandchild = map(int, pids.read_text().split())
    return proc, cmd, env, step_pid, grandchild


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT])
def test_lock_and_signal_forwarding(tmp_path, sig):
    work_dir = tmp_path / 'work'
    proc, cmd, env, step_pid, grandchild = _start(tmp_path, work_dir)
    try:
        assert _alive(step_pid) and _alive(grandchild)
        # a second pipeline on the same work dir: refused at once, naming the holder
        start = time.time()
        second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert f'pid {proc.pid}' in second.stderr, second.stderr
        assert 'another pipeline' in second.stderr
        assert time.time() - start < 30  # did not wait for the lock
        assert _alive(step_pid)  # and did not disturb the running step

        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + sig, out
    assert signal.Signals(sig).name in out
    deadline = time.time() + 10
    while (_alive(step_pid) or _alive(grandchild)) and time.time() < deadline:
        time.sleep(0.1)
    assert not _alive(step_pid), 'the step was orphaned'
    assert not _alive(grandchild), "the step's child was orphaned"
    for pid in (step_pid, grandchild):  # clean up in case the test failed above
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert not (work_dir / 'pipeline' / 'sleep.done.json').exists()
    # the lock went with the first pipeline: a dry run / a new pipeline may start
    fd = os.open(work_dir / 'pipeline.lock', os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(fd)
