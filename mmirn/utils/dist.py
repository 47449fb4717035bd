import datetime
import os
import subprocess

import torch
import torch.multiprocessing as mp


def dist_backend(backend=None) -> str:
    """The process group backend for this machine: ``gloo`` without CUDA.

    NCCL needs CUDA; on a CPU-only torch any configured backend becomes ``gloo``. With
    CUDA the configured one is kept (default ``nccl``).
    """
    if not torch.cuda.is_available():
        return 'gloo'
    return backend or 'nccl'


def slurm_dist_env(environ=None) -> dict:
    """The ``env://`` variables of a Slurm task (what mmengine's slurm launcher sets).

    ``RANK`` / ``WORLD_SIZE`` / ``LOCAL_RANK`` come from ``SLURM_PROCID`` /
    ``SLURM_NTASKS`` / ``SLURM_LOCALID``; ``MASTER_ADDR`` is the first host of
    ``SLURM_NODELIST`` (via ``scontrol show hostnames``) unless already set;
    ``MASTER_PORT`` stays as set, else 29500. Returns only the variables to set.
    """
    environ = os.environ if environ is None else environ
    proc_id = int(environ['SLURM_PROCID'])
    ntasks = int(environ['SLURM_NTASKS'])
    if 'SLURM_LOCALID' in environ:
        local_rank = int(environ['SLURM_LOCALID'])
    else:
        local_rank = proc_id % max(torch.cuda.device_count(), 1)
    env = dict(RANK=str(proc_id), WORLD_SIZE=str(ntasks), LOCAL_RANK=str(local_rank))
    if 'MASTER_ADDR' not in environ:
        nodes = environ.get('SLURM_STEP_NODELIST', environ['SLURM_NODELIST'])
        out = subprocess.run(['scontrol', 'show', 'hostnames', nodes],
                             check=True, capture_output=True, text=True).stdout
        env['MASTER_ADDR'] = out.split()[0]
    if 'MASTER_PORT' not in environ:
        env['MASTER_PORT'] = '29500'
    return env


def init_dist(launcher: str, backend=None, timeout=None, **kwargs) -> str:
    """Join the process group of a ``pytorch`` (torchrun) or ``slurm`` launch.

    A replacement for mmengine's ``init_dist`` that works on a CPU-only torch too
    (mmengine 0.10.7 calls ``torch.cuda.set_device`` unconditionally): the backend is
    :func:`dist_backend`'s choice, and the device is set (to ``LOCAL_RANK``) only when
    CUDA is available. The Runner then finds the group initialized and uses it.
    Returns the backend used.
    """
    if launcher == 'slurm':
        os.environ.update(slurm_dist_env())
    elif launcher == 'mpi':  # as mmengine does it (CUDA only)
        from mmengine.dist import init_dist as mmengine_init_dist
        mmengine_init_dist('mpi', backend=backend or 'nccl', **kwargs)
        return backend or 'nccl'
    elif launcher != 'pytorch':
        raise ValueError(f'unknown launcher {launcher!r}')
    backend = dist_backend(backend)
    if mp.get_start_method(allow_none=True) is None:
        mp.set_start_method('spawn')
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get('LOCAL_RANK', 0)))
    if timeout is not None and not isinstance(timeout, datetime.timedelta):
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    torch.distributed.init_process_group(backend=backend, init_method='env://', **kwargs)
    return backend


def prepare_dist_cfg(cfg) -> None:
    """Choose the distributed backend for the machine and join the group.

    ``cfg.env_cfg.dist_cfg.backend`` stays as configured when CUDA is available
    (default ``nccl``); on a CPU-only machine NCCL cannot work, so it becomes ``gloo``.
    With ``cfg.launcher`` ``pytorch`` or ``slurm`` the group is joined here
    (:func:`init_dist`) and the Runner uses it; ``mpi`` is left to mmengine.
    """
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = dist_backend(dist_cfg.get('backend'))
    launcher = cfg.get('launcher', 'none')
    if launcher in ('pytorch', 'slurm') and not torch.distributed.is_initialized():
        init_dist(launcher, **dist_cfg)
    # mmengine's default DDP wrapper passes device_ids=[LOCAL_RANK], which CPU
    # modules reject
    if launcher != 'none' and not torch.cuda.is_available():
        wrapper = cfg.get('model_wrapper_cfg') or dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        wrapper.setdefault('device_ids', None)
        cfg.model_wrapper_cfg = wrapper


def add_launch_args(parser) -> None:
    """Add the options of a tool that runs under a launcher.

    ``--cfg-options`` (merged by :func:`~mmirn.utils.load_tool_config`),
    ``--launcher`` and ``--local-rank`` (passed by ``torch.distributed.launch``;
    torchrun sets ``LOCAL_RANK`` instead, see :func:`export_local_rank`).

    Args:
        parser (argparse.ArgumentParser): The tool's parser.
    """
    from mmengine.config import DictAction
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def export_local_rank(args) -> None:
    """Set ``LOCAL_RANK`` from ``--local-rank`` unless the launcher has set it."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


def destroy_dist() -> None:
    """Leave the process group, if any, before the tool exits.

    A gloo / NCCL group left to interpreter exit can abort ("terminate called
    without an active exception") and fail a finished run.
    """
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()
