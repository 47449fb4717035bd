"""A real one-node Slurm cluster (Debian's slurmctld / slurmd / munge), for the tests.

Started as root without systemd: ``munged -F``, ``slurmctld -D -i`` and
``slurmd -D -N localhost`` run as child processes with their own key, socket, ports,
state and spool in a fresh world-readable directory under /tmp (munged refuses a socket
under a 0700 directory such as pytest's ``tmp_path``). Stopped by their PIDs.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

BINARIES = ('munged', 'slurmctld', 'slurmd', 'srun', 'sbatch', 'sinfo', 'scancel')
PARTITION = 'debug'

SLURM_CONF = '''\
ClusterName=mmirn
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root}/munge/munge.socket
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/slurmctld.log
SlurmdLogFile={root}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName={partition} Nodes=localhost Default=YES MaxTime=INFINITE State=UP
'''


def missing_binaries():
    return [b for b in BINARIES if _which(b) is None]


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _which(name):
    return shutil.which(name) or shutil.which(name, path='/usr/sbin:/sbin')


class SlurmCluster:
    """``start()`` the daemons, ``env`` for client commands and jobs, ``stop()``."""

    def __init__(self, cpus=8):
        self.cpus = cpus
        self.procs = []
        self.root = tempfile.mkdtemp(prefix='mmirn-slurm-', dir='/tmp')
        os.chmod(self.root, 0o755)
        self.conf = os.path.join(self.root, 'slurm.conf')
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self.partition = PARTITION

    def _spawn(self, name, *args):
        log = open(os.path.join(self.root, f'{name}.out'), 'wb')
        proc = subprocess.Popen([_which(name), *args], stdout=log,
                                stderr=subprocess.STDOUT, env=self.env,
                                start_new_session=True)
        self.procs.append(proc)
        return proc

    def log_tail(self, chars=3000):
        text = ''
        for name in ('munged.out', 'slurmctld.log', 'slurmd.log', 'slurmctld.out',
                     'slurmd.out'):
            path = os.path.join(self.root, name)
            if os.path.exists(path):
                with open(path, errors='replace') as f:
                    text += f'--- {name}\n{f.read()[-chars:]}\n'
        return text

    def start(self, timeout=60):
        root = self.root
        for sub in ('munge', 'state', 'spool'):
            os.makedirs(os.path.join(root, sub), mode=0o755)
        key = os.path.join(root, 'munge', 'munge.key')
        with open(key, 'wb') as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o600)
        with open(self.conf, 'w') as f:
            f.write(SLURM_CONF.format(root=root, ctld_port=_free_port(),
                                      slurmd_port=_free_port(), cpus=self.cpus,
                                      partition=self.partition))
        self._spawn('munged', '-F', '--force', f'--key-file={key}',
                    f'--socket={root}/munge/munge.socket',
                    f'--pid-file={root}/munge/munged.pid',
                    f'--seed-file={root}/munge/munged.seed',
                    f'--log-file={root}/munge/munged.log')
        self._wait(lambda: os.path.exists(f'{root}/munge/munge.socket'), 20, 'munged')
        self._spawn('slurmctld', '-D', '-i', '-f', self.conf)
        self._spawn('slurmd', '-D', '-N', 'localhost', '-f', self.conf)
        self._wait(self._node_idle, timeout, 'the node to become idle')
        return self

    def _node_idle(self):
        proc = subprocess.run(['sinfo', '-h', '-N', '-o', '%T'], env=self.env,
                              capture_output=True, text=True)
        return proc.returncode == 0 and proc.stdout.strip() == 'idle'

    def _wait(self, ready, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if ready():
                return
            dead = [p.args[0] for p in self.procs if p.poll() is not None]
            if dead:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f'Slurm test cluster: no {what} (exited: {dead})\n'
                           f'{self.log_tail()}')

    def stop(self):
        if any(p.poll() is None for p in self.procs):
            subprocess.run(['scancel', '--full', '-u', 'root'], env=self.env,
                           capture_output=True, timeout=20)
        for proc in reversed(self.procs):  # slurmd, slurmctld, munged
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs = []
        shutil.rmtree(self.root, ignore_errors=True)
