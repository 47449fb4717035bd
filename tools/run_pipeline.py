"""Run a whole weakly supervised pipeline (e.g. IRN: CAM -> relations -> IRN -> labels).

Usage:
    python tools/run_pipeline.py configs/pipelines/irn_toy.py [--work-dir DIR]
        [--launcher {none,pytorch,slurm}] [--gpus N] [--partition P] [--retries N]
        [--only STEP ...] [--redo STEP ...] [--verbose]

A pipeline config lists ``steps``; each is a command a user could run alone (``tools/train.py``,
``tools/test.py``, a tool script). Finished steps are recorded in ``<work_dir>/pipeline/`` and
skipped on the next run, so a killed pipeline resumes where it stopped; inside a step the
tools resume themselves (``--resume`` for training, skip-if-done writers for inference).
A step runs again when it is named in ``--redo`` or when a step it ``needs`` (default: the
step before it) finished after it; its ``outputs`` (paths the tools would otherwise reuse)
are then removed first, so nothing stale is kept.
Inference steps are sharded over ``--gpus`` processes with ``torchrun`` (gloo on CPU).
With ``--launcher slurm`` every step is a Slurm job step (``srun``: a job of its own from a
login node, a step of the allocation inside ``salloc`` / ``sbatch``); sharded steps get
``--gpus`` tasks and ``--launcher slurm``, the others one task. ``GPUS_PER_NODE``,
``CPUS_PER_TASK``, ``GRES`` and ``SRUN_ARGS`` are read as by ``tools/slurm_train.sh``.
The console shows each step's job id. ``--retries N`` runs a failed step again (up to N
times; e.g. a job cancelled with ``scancel`` or lost with its node): it resumes, keeping
finished images and checkpoints.
Each step's output goes to ``<work_dir>/logs/<step>.log``; the console shows one progress line
per step (``--verbose`` streams the output instead), and the log's tail when a step fails.
At the end a summary table is printed and saved as ``<work_dir>/summary.json``.
"""
import argparse
import collections
import fcntl
import glob
import json
import os
import os.path as osp
import re
import shlex
import shutil
import signal
import string
import subprocess
import sys
import threading
import time

from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
MANGLED = ' ,\'"[]()'  # what DictAction strips or splits on
KILL_AFTER = 30  # seconds a stopped step gets to exit before SIGKILL
TAIL_LINES = 40  # lines of a failed step's log printed on the console
# the first line of a Slurm step's output (task 0): its job id for the console
SLURM_BANNER = ('if [ "${SLURM_PROCID:-0}" = 0 ]; then echo "[slurm] job ${SLURM_JOB_ID} '
                'step ${SLURM_STEP_ID}: ${SLURM_NTASKS} task(s) on ${SLURM_JOB_NODELIST}"; '
                'fi; exec "$@"')
SLURM_JOB = re.compile(r'^\[slurm\] job (\d+)')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Run a pipeline config')
    parser.add_argument('config', help='pipeline config, e.g. configs/pipelines/irn_toy.py')
    parser.add_argument('--work-dir', help='overrides the config\'s work_dir')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none',
                        help='shard the shardable steps over --gpus processes (slurm: '
                        'every step a Slurm job step)')
    parser.add_argument('--gpus', type=int, default=1,
                        help='processes per shardable step (GPUs, or CPU workers on gloo)')
    parser.add_argument('--partition', default=os.environ.get('PARTITION'),
                        help='Slurm partition (--launcher slurm; default $PARTITION, else '
                        "Slurm's default)")
    parser.add_argument('--retries', type=int, default=0,
                        help='run a failed step again up to N times; it resumes')
    parser.add_argument('--only', nargs='+', default=None, help='run only these steps')
    parser.add_argument('--redo', nargs='+', default=(),
                        help='run these steps again even if recorded as done')
    parser.add_argument('--dry-run', action='store_true', help='print the commands only')
    parser.add_argument('--verbose', action='store_true',
                        help='stream the output of the steps (else one line per step)')
    return parser.parse_args(argv)


class Pipeline:
    """Runs the steps of a pipeline config, recording what is done."""

    def __init__(self, cfg, work_dir, launcher='none', gpus=1, dry_run=False, verbose=False,
                 partition=None, retries=0):
        self.cfg = cfg
        self.partition = partition
        self.retries = retries
        self.work_dir = work_dir
        self.state_dir = osp.join(work_dir, 'pipeline')
        self.log_dir = osp.join(work_dir, 'logs')
        self.verbose = verbose
        self.launcher = launcher
        self.gpus = gpus
        self.dry_run = dry_run
        os.makedirs(self.state_dir, exist_ok=True)
        self.vars = dict(cfg.get('vars', {}))
        self.vars.update(python=sys.executable, work_dir=work_dir, repo=REPO)

    # ------------------------------------------------------------------ helpers
    def fill(self, value):
        """Fill ``{name}`` templates from the config's vars.

        A var written ``'@last_checkpoint DIR'`` becomes the checkpoint that mmengine's
        ``DIR/last_checkpoint`` names when a step needs it (after training wrote it).
        """
        if not isinstance(value, str):
            return [self.fill(v) for v in value]
        names = {n for _, n, _, _ in string.Formatter().parse(value) if n}
        return value.format(**{n: self.resolve(n) for n in names})

    def resolve(self, name):
        if name not in self.vars:
            raise KeyError(f'pipeline var "{name}" is not defined in {self.cfg.filename}')
        value = self.vars[name]
        if isinstance(value, str) and value.startswith('@last_checkpoint '):
            ckpt_dir = self.fill(value.split(' ', 1)[1])
            marker = osp.join(ckpt_dir, 'last_checkpoint')
            if self.dry_run and not osp.exists(marker):
                return osp.join(ckpt_dir, '<last checkpoint>')
            if not osp.exists(marker):
                raise RuntimeError(f'no checkpoint in {ckpt_dir} ({marker} is missing)')
            with open(marker) as f:
                return f.read().strip()
        return self.fill(value) if isinstance(value, str) else value

    def done_path(self, name):
        return osp.join(self.state_dir, f'{name}.done.json')

    def is_done(self, name):
        return osp.exists(self.done_path(name))

    def finished_at(self, name):
        return osp.getmtime(self.done_path(name)) if self.is_done(name) else None

    def stale_reason(self, step, previous):
        """Why a finished step must run again (a needed step finished later), or None."""
        needs = step.get('needs', [previous] if previous else [])
        mine = self.finished_at(step['name'])
        for need in needs:
            theirs = self.finished_at(need)
            if theirs is not None and theirs > mine:
                return f'"{need}" finished after it'
        return None

    def clear_outputs(self, step):
        """Remove what a finished step wrote before running it again."""
        for path in self.fill(step.get('outputs', [])):
            print(f'[pipeline] {step["name"]}: removing {path}', flush=True)
            if self.dry_run:
                continue
            if osp.isdir(path):
                shutil.rmtree(path)
            elif osp.exists(path):
                os.remove(path)

    def record(self, name, record):
        tmp = self.done_path(name) + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(record, f, indent=2)
        os.replace(tmp, self.done_path(name))

    def command(self, step):
        cmd = self.cfg_options(step, self.fill(step['cmd']), step['cmd'])
        script = cmd[0]
        if script.endswith('.py') and not osp.isabs(script):
            script = osp.join(REPO, script)
        if self.launcher == 'slurm':
            return self.srun_command(step, script, cmd[1:])
        shard = step.get('shard', False) and self.launcher == 'pytorch' and self.gpus > 1
        if shard:
            port = str(29500 + (os.getpid() % 1000))
            return [sys.executable, '-m', 'torch.distributed.run',
                    f'--nproc_per_node={self.gpus}', f'--master_port={port}', script,
                    *cmd[1:], '--launcher', 'pytorch']
        return [sys.executable, script, *cmd[1:]]

    def srun_command(self, step, script, args):
        """The step as a Slurm job step, with ``tools/slurm_train.sh``'s settings.

        A sharded step runs ``--gpus`` tasks with ``--launcher slurm`` (ranks from
        Slurm), another step one task. Task 0 first prints ``[slurm] job <id> ...``.
        Each step gets a free ``MASTER_PORT`` (unless the environment sets one).
        """
        shard = step.get('shard', False)
        tasks = self.gpus if shard else 1
        per_node = min(tasks, int(os.environ.get('GPUS_PER_NODE') or tasks))
        gres = os.environ.get('GRES', f'gpu:{per_node}')
        srun = ['srun', *(['-p', self.partition] if self.partition else []),
                f'--job-name=mmirn-{step["name"]}', *([f'--gres={gres}'] if gres else []),
                f'--ntasks={tasks}', f'--ntasks-per-node={per_node}',
                f'--cpus-per-task={os.environ.get("CPUS_PER_TASK", "5")}',
                '--kill-on-bad-exit=1', *shlex.split(os.environ.get('SRUN_ARGS', ''))]
        if 'MASTER_PORT' not in os.environ:
            self.env_extra.setdefault(step['name'], {})['MASTER_PORT'] = str(_free_port())
        return [*srun, 'bash', '-c', SLURM_BANNER, step['name'], sys.executable, '-u',
                script, *args, *(['--launcher', 'slurm'] if shard else [])]

    def cfg_options(self, step, cmd, template):
        """Keeps ``--cfg-options`` items whose filled value mmengine would misread off the
        command line.

        mmengine's ``DictAction`` drops every space and splits on commas (quotes do not
        help), so ``cams={work_dir}/cams`` with a work dir ``/data/my runs,v2`` would become
        the list ``['/data/myruns', 'v2/cams']``. Such an item (a space, comma, quote or
        bracket that came in with a var, not written in the template) is parsed from the
        template instead, its vars filled in as literal strings, and handed to the tool in
        the JSON file that ``MMIRN_CFG_OPTIONS`` names (``load_tool_config`` merges it after
        ``--cfg-options``). Other items stay on the command line, as before.
        """
        from mmengine.config import DictAction
        self.env_extra = getattr(self, 'env_extra', {})
        self.env_extra.pop(step['name'], None)
        if '--cfg-options' not in cmd:
            return cmd
        start = cmd.index('--cfg-options') + 1
        kept, moved, i = cmd[:start], {}, start
        for i in range(start, len(cmd)):
            item, tmpl = cmd[i], template[i]
            if item.startswith('--'):
                break
            key, value = item.split('=', 1)
            tvalue = tmpl.split('=', 1)[1]
            if any(value.count(c) > tvalue.count(c) for c in MANGLED):
                moved[key] = _fill_parsed(DictAction._parse_iterable(tvalue), self.fill)
            else:
                kept.append(item)
        else:
            i = len(cmd)
        kept += cmd[i:]
        if kept[-1] == '--cfg-options':
            kept.pop()
        if moved:
            path = osp.join(self.state_dir, f'{step["name"]}.cfg_options.json')
            with open(path, 'w') as f:  # also on a dry run: it shows what is passed
                json.dump(moved, f, indent=2)
            self.env_extra[step['name']] = {'MMIRN_CFG_OPTIONS': path}
        return kept

    def run_command(self, name, cmd, line=None):
        """Runs a step's command, its output into its log (and to ``line``, a
        :class:`StepLine`, or streamed to the console when there is none)."""
        log_path = osp.join(self.log_dir, f'{name}.log')
        extra = getattr(self, 'env_extra', {}).get(name, {})
        notes = [f'[pipeline]   with {key}={shlex.quote(value)} (options whose paths have '
                 'spaces / commas)' for key, value in extra.items()
                 if key == 'MMIRN_CFG_OPTIONS']
        if line is None:
            print(f'[pipeline] {name}: {" ".join(shlex.quote(c) for c in cmd)}', flush=True)
            for note in notes:
                print(note, flush=True)
        if self.dry_run:
            return
        env = dict(os.environ, **extra)
        env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
        env.setdefault('PYTHONUNBUFFERED', '1')
        os.makedirs(self.log_dir, exist_ok=True)
        with open(log_path, 'a') as log:
            log.write(f'\n=== {time.strftime("%Y-%m-%d %H:%M:%S")} {" ".join(cmd)}\n')
            log.writelines(note + '\n' for note in notes)
            log.flush()
            # the step runs in its own process group, so that a SIGTERM / SIGINT sent to
            # the pipeline reaches the whole step (torchrun and its workers, a tool's
            # dataloader workers) once, through forward(), and nothing is orphaned
            proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, bufsize=1,
                                    errors='replace', start_new_session=True)
            caught = []

            def forward(signum, frame):
                caught.append(signum)
                sig = signal.SIGTERM if len(caught) == 1 else signal.SIGKILL
                _kill_group(proc, sig)
                if len(caught) == 1:  # a step that ignores SIGTERM is killed later
                    timer = threading.Timer(KILL_AFTER, _kill_group, (proc, signal.SIGKILL))
                    timer.daemon = True
                    timer.start()

            handlers = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
            tail = collections.deque(maxlen=TAIL_LINES)
            try:
                for text in proc.stdout:
                    log.write(text)
                    log.flush()
                    # a progress bar redraws itself: keep its last state only
                    if tail and PROGRESS_BAR.match(text) and PROGRESS_BAR.match(tail[-1]):
                        tail.pop()
                    tail.append(text)
                    if line is None:
                        sys.stdout.write(text)
                    else:
                        line.feed(text)
                proc.wait()
            finally:
                for s, h in handlers.items():
                    signal.signal(s, h)
                if proc.poll() is None:  # an error in this loop: do not leave it running
                    _kill_group(proc, signal.SIGKILL)
                    proc.wait()
        if caught:
            name_of = signal.Signals(caught[0]).name
            if line is not None:
                line.close(f'stopped ({name_of})')
            print(f'[pipeline] {name_of} received: step "{name}" was stopped (exit '
                  f'{proc.returncode}) and is not marked done; run the pipeline again to '
                  'resume it.', file=sys.stderr, flush=True)
            raise SystemExit(128 + caught[0])
        if proc.returncode != 0:
            if line is not None:
                line.close(f'failed (exit {proc.returncode}) after {line.elapsed()}')
                sys.stdout.flush()
                sys.stderr.write(f'--- last {len(tail)} lines of {log_path}:\n')
                sys.stderr.writelines(t if t.endswith('\n') else t + '\n' for t in tail)
                sys.stderr.write(f'--- full log: {log_path}\n')
                sys.stderr.flush()
            raise StepFailed(
                f'pipeline step "{name}" failed (exit {proc.returncode}); its log is '
                f'{log_path}. Fix the cause and run the pipeline again: finished steps are '
                'skipped and this one resumes.')

    def read_metrics(self, step):
        """Metrics a step produced: a JSON file it wrote, or its newest test log JSON."""
        src = step.get('metrics_file')
        if src:
            path = self.fill(src)
        else:
            step_dir = self.fill(step['work_dir'])
            logs = sorted(glob.glob(osp.join(step_dir, '*', '*.json')), key=osp.getmtime)
            if not logs:
                raise RuntimeError(f'step "{step["name"]}" wrote no metrics in {step_dir}')
            path = logs[-1]
        with open(path) as f:
            text = f.read()
        try:
            return json.loads(text)
        except json.JSONDecodeError:  # JSON lines: later lines win
            metrics = {}
            for line in text.splitlines():
                if line.strip():
                    metrics.update(json.loads(line))
        return metrics

    # --------------------------------------------------------------------- run
    def run(self, only=None, redo=()):
        results = {}
        steps = self.cfg['steps']
        names = [s['name'] for s in steps]
        width = max(len(n) for n in names)
        for name in list(only or []) + list(redo):
            if name not in names:
                raise ValueError(f'unknown step "{name}"; the steps are {names}')
        for i, step in enumerate(steps, 1):
            name = step['name']
            prefix = f'[{i}/{len(steps)}] {name:<{width}}  '
            previous = names[i - 2] if i > 1 else None
            if only is not None and name not in only:
                continue
            done = self.is_done(name)
            again = done and ('asked to redo' if name in redo else
                              self.stale_reason(step, previous))
            if done and not again:
                with open(self.done_path(name)) as f:
                    record = json.load(f)
                print(f'{prefix}done earlier, skipped', flush=True)
            else:
                if again:
                    print(f'{prefix}running again ({again})', flush=True)
                    self.clear_outputs(step)
                    if not self.dry_run:  # a kill now must not leave it 'done'
                        os.remove(self.done_path(name))
                start = time.time()
                quiet = not (self.verbose or self.dry_run)
                line = None
                try:
                    for attempt in range(1, self.retries + 2):
                        line = StepLine(prefix) if quiet else None
                        try:
                            self.run_command(name, self.command(step), line)
                            break
                        except StepFailed:
                            if attempt > self.retries:
                                raise
                            print(f'{prefix}running it again (retry {attempt} of '
                                  f'{self.retries}; finished work is kept)', flush=True)
                    if self.dry_run:
                        continue
                    record = dict(seconds=round(time.time() - start, 1))
                    if step.get('summary'):
                        record['metrics'] = self.read_metrics(step)
                    self.record(name, record)
                except BaseException:
                    if line is not None:  # a no-op when run_command closed it, saying why
                        line.close(f'failed after {line.elapsed()}')
                    raise
                text = f'done in {format_duration(record["seconds"])}' + ''.join(
                    f'  {key} {_fmt(record["metrics"].get(src))}'
                    for key, src in step.get('summary', {}).items()
                    if not isinstance(record['metrics'].get(src), (dict, list)))
                if line is not None:
                    line.close(text)
                else:
                    print(f'{prefix}{text}', flush=True)
            for key, src in step.get('summary', {}).items():
                results[key] = record['metrics'].get(src)
            results.setdefault('seconds', {})[name] = record['seconds']
        if not self.dry_run and only is None:
            self.write_summary(results)
        return results

    def write_summary(self, results):
        summary = dict(config=self.cfg.filename, **results)
        # rows naming the variant behind a summary key (the keys stay as they are)
        comparison_rows = self.cfg.get('comparison_rows', {})
        if comparison_rows:
            summary['comparison'] = {
                row: results.get(key) for row, key in comparison_rows.items()}
        # ablation rows replace their keys
        ablation_rows = self.cfg.get('ablation_rows', {})
        if ablation_rows:
            summary['ablation'] = {
                row: summary.pop(key, None) for row, key in ablation_rows.items()}
        baseline_rows = self.cfg.get('baseline_rows', {})
        if baseline_rows:
            summary['baselines'] = baseline_table(baseline_rows, results)
        degenerate = self.degenerate_counts()
        if degenerate:
            summary['degenerate'] = degenerate
        with open(osp.join(self.work_dir, 'summary.json'), 'w') as f:
            json.dump(summary, f, indent=2)
        print(format_summary(summary), flush=True)
        print(f'[pipeline] summary saved to {osp.join(self.work_dir, "summary.json")}')


    def degenerate_counts(self):
        """Images with all-zero CAMs, labels without foreground or no instance, by
        kind (``kind:folder`` when several output folders have one kind), from the
        ``.degenerate.json`` that ``PredictionWriterHook`` leaves in its folders."""
        found = []
        for step in self.cfg['steps']:
            for path in self.fill(step.get('outputs', [])):
                record = osp.join(path, '.degenerate.json')
                if osp.isfile(record):
                    with open(record) as f:
                        found.append((json.load(f), osp.relpath(path, self.work_dir)))
        kinds = [r['kind'] for r, _ in found]
        return {(r['kind'] if kinds.count(r['kind']) == 1 else f'{r["kind"]}:{folder}'):
                r['count'] for r, folder in found}


def baseline_table(rows, results):
    """``{task: {labels: {metric: value, 'ratio_to_GT': {metric: value / GT's}}}}``.

    ``rows`` names, per task and labels, the summary key of each metric (None: the
    metric is not measured, its value is null).
    """
    table = {}
    for task, by_labels in rows.items():
        gt = {m: results.get(k) for m, k in by_labels.get('GT', {}).items() if k}
        table[task] = {}
        for labels, metrics in by_labels.items():
            row = {m: results.get(k) if k else None for m, k in metrics.items()}
            row['ratio_to_GT'] = {
                m: (v / gt[m] if isinstance(v, (int, float)) and gt.get(m) else None)
                for m, v in row.items()}
            table[task][labels] = row
    return table


def format_summary(summary):
    rows = [(key, value) for key, value in summary.items()
            if not isinstance(value, dict) and key != 'config']
    ablation = [(f'  {row}', value) for row, value in summary.get('ablation', {}).items()]
    comparison = [(f'  {row}', v) for row, v in summary.get('comparison', {}).items()]
    width = max([len(k) for k, _ in rows + ablation + comparison] + [32]) + 2
    lines = ['', f'Summary of {summary["config"]}', '-' * (width + 10)]
    lines += [f'{key:<{width}}{_fmt(value):>10}' for key, value in rows]
    if ablation:
        lines.append('ablation (instance AP50)')
        lines += [f'{key:<{width}}{_fmt(value):>10}' for key, value in ablation]
    if comparison:
        lines.append('comparison (semantic pseudo labels, mIoU, same CAMs)')
        lines += [f'{key:<{width}}{_fmt(value):>10}' for key, value in comparison]
    for task, by_labels in summary.get('baselines', {}).items():
        metrics = [m for m in next(iter(by_labels.values()), {}) if m != 'ratio_to_GT']
        lines.append(f'baselines: {task} (val GT; ratio to the GT row)')
        for labels, row in by_labels.items():
            cells = ''.join(f'{m} {_fmt(row[m]):>7} {_ratio(row["ratio_to_GT"][m])}  '
                            for m in metrics)
            lines.append(f'  {labels:<8}{cells}')
    total = sum(summary.get('seconds', {}).values())
    lines.append(f'{"time of the steps (s)":<{width}}{total:>10.1f}')
    return '\n'.join(lines)


def _ratio(value):
    """``(0.80)``, or blanks of its width where there is no GT row to divide by."""
    return f'({value:.2f})' if isinstance(value, (int, float)) else ' ' * 6


def _fmt(value):
    return f'{value:.2f}' if isinstance(value, (int, float)) else str(value)


# ----------------------------------------------------------------------- console
# mmengine's logger: "Iter(train) [ 120/500]  lr: ...  eta: 0:01:40  ...",
# "Epoch(train) [3][ 10/50]  ...", "Iter(test) [50/400]    eta: 0:00:45  ..."
PROGRESS_LOG = re.compile(
    r'\b(Epoch|Iter)\((\w+)\)\s*(?:\[\s*(\d+)\]\s*)?\[\s*(\d+)/(\d+)\]'
    r'(?:.*?\beta: ((?:\d+ days?, )?\d+:\d\d:\d\d))?')
# mmengine's ProgressBar: "[>>>>      ] 40/100, 5.9 task/s, elapsed: 7s, ETA:    10s"
PROGRESS_BAR = re.compile(r'\[[> ]*\] (\d+)/(\d+), .*?ETA:\s*(\d+)?s?')
PROGRESS_COUNT = re.compile(r'^completed: (\d+), elapsed')  # a bar without a total


class StepFailed(RuntimeError):
    """A step exited non-zero (its log tail was printed already)."""


def parse_progress(line):
    """The progress a step's output line reports, as short text, or None.

    ``Iter(train) [120/500] ... eta: 0:01:40`` gives ``'iter 120/500  ETA 0:01:40'``,
    ``Epoch(train) [3][10/50]`` ``'epoch 3 iter 10/50'``, a val / test loop
    ``'test 50/400  ETA 0:00:45'`` and a ``ProgressBar`` line ``'40/100  ETA 0:00:10'``.
    """
    match = PROGRESS_LOG.search(line)
    if match:
        _, mode, epoch, cur, total, eta = match.groups()
        text = 'iter' if mode == 'train' else mode
        if epoch is not None and mode == 'train':
            text = f'epoch {epoch} iter'
        text += f' {cur}/{total}'
    else:
        match = PROGRESS_BAR.search(line)
        if match:
            cur, total, eta = match.groups()
            text = f'{cur}/{total}'
            if eta is not None:
                eta = format_clock(int(eta))
        else:
            match = PROGRESS_COUNT.search(line)
            return f'{match.group(1)} done' if match else None
    return f'{text}  ETA {eta}' if eta else text


def format_clock(seconds):
    """``100`` -> ``'0:01:40'``, as mmengine writes its ETA."""
    minutes, secs = divmod(int(seconds), 60)
    return f'{minutes // 60}:{minutes % 60:02d}:{secs:02d}'


def format_duration(seconds):
    """``83`` -> ``'1m23s'``, ``3723`` -> ``'1h02m03s'``, ``7.4`` -> ``'7s'``."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f'{hours}h{minutes:02d}m{secs:02d}s'
    return f'{minutes}m{secs:02d}s' if minutes else f'{secs}s'


class StepLine:
    """The console line of a running step: its label and the progress parsed from its output.

    On a terminal the line is redrawn in place (carriage return) every second and as the
    progress changes; otherwise (a CI log, a file) a plain line is printed every
    ``interval`` seconds. ``close(text)`` ends it with a final text (``done in 1m23s``).

    Args:
        label (str): e.g. ``'[3/7] train_irn   '``.
        stream (file, optional): Defaults to ``sys.stdout``.
        tty (bool, optional): Redraw in place. Defaults to ``stream.isatty()``.
        interval (float): Seconds between plain lines. Defaults to 30.
    """

    def __init__(self, label, stream=None, tty=None, interval=30.0):
        self.label = label
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = interval
        self.start = time.time()
        self.shown_at = 0.0 if self.tty else self.start  # a plain line after `interval`
        self.progress = None
        self.job = None  # 'job 123' once a Slurm step printed its banner
        self.drawn = False
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker = threading.Thread(target=self._tick, daemon=True)
        self.ticker.start()

    def elapsed(self):
        return format_duration(time.time() - self.start)

    def feed(self, text):
        """Takes one line of the step's output."""
        progress = parse_progress(text)
        job = SLURM_JOB.match(text)
        with self.lock:
            if job:
                self.job = f'job {job.group(1)}'
                progress = progress or self.job
            changed = progress is not None and progress != self.progress
            if changed:
                self.progress = progress
            wait = 0.2 if self.tty else self.interval
            if (changed or not self.tty) and time.time() - self.shown_at >= wait:
                self._show()

    def close(self, text=None):
        """Ends the line, with ``text`` in place of the progress; later calls do nothing."""
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.ticker.join()
        with self.lock:
            if text is not None:
                self._show(text)
            if self.tty and self.drawn:
                self.stream.write('\n')
                self.stream.flush()

    def _tick(self):
        while not self.stopped.wait(1.0 if self.tty else max(self.interval, 1.0)):
            with self.lock:
                if self.tty or time.time() - self.shown_at >= self.interval:
                    self._show()

    def _show(self, text=None):
        text = text or self.progress or f'running {self.elapsed()}'
        if self.job and not text.startswith(self.job):
            text = f'{self.job}  {text}'
        text = self.label + text
        if self.tty:
            columns = shutil.get_terminal_size((100, 24)).columns
            self.stream.write('\r' + text[:columns - 1] + '\x1b[K')
        else:
            self.stream.write(text + '\n')
        self.stream.flush()
        self.drawn = True
        self.shown_at = time.time()


def _fill_parsed(value, fill):
    """Fills the vars of the strings in a ``DictAction``-parsed value."""
    if isinstance(value, str):
        return fill(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_fill_parsed(v, fill) for v in value)
    return value


def _free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(('', 0))
        return sock.getsockname()[1]


def _kill_group(proc, sig):
    """Sends ``sig`` to the step's process group (the step was started as its leader)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def lock_work_dir(work_dir):
    """Takes ``<work_dir>/pipeline.lock`` (``fcntl.flock``) for this process's lifetime.

    Two pipelines on one work dir would run the same step at once and record each other's
    half-written outputs as done; the second one exits at once, naming the holder's pid.
    The lock goes with the process (also on SIGKILL), so a stale lock file is harmless.
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, 'pipeline.lock')
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 64).decode(errors='replace').strip() or 'unknown'
        os.close(fd)
        raise SystemExit(
            f'[pipeline] error: another pipeline (pid {holder}) is running on the work dir '
            f'{work_dir} (it holds {path}); wait for it to finish or stop it first.')
    os.ftruncate(fd, 0)
    os.write(fd, f'{os.getpid()}\n'.encode())
    return fd  # kept open: closing it would release the lock


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    work_dir = osp.abspath(args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0]))
    lock = None if args.dry_run else lock_work_dir(work_dir)  # noqa: F841 (held open)
    pipeline = Pipeline(cfg, work_dir, args.launcher, args.gpus, args.dry_run, args.verbose,
                        args.partition, args.retries)
    try:
        pipeline.run(args.only, args.redo)
    except StepFailed as e:  # its log tail is on the console: no traceback
        raise SystemExit(f'[pipeline] error: {e}')


if __name__ == '__main__':
    main()
