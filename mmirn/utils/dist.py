import torch


def prepare_dist_cfg(cfg) -> None:
    """Choose the distributed backend for the machine: gloo without CUDA.

    ``cfg.env_cfg.dist_cfg.backend`` stays as configured when CUDA is available; on a
    CPU-only machine NCCL cannot work, so it becomes ``gloo``.
    """
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    if not torch.cuda.is_available():
        dist_cfg['backend'] = 'gloo'
    else:
        dist_cfg.setdefault('backend', 'nccl')
