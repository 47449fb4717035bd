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
        # mmengine's init_dist('pytorch') calls torch.cuda.set_device, which fails
        # without CUDA; join the (torchrun env://) group here and the Runner uses it.
        if cfg.get('launcher', 'none') == 'pytorch' and \
                not torch.distributed.is_initialized():
            torch.distributed.init_process_group(backend='gloo')
        # and its default DDP wrapper passes device_ids=[LOCAL_RANK], which CPU
        # modules reject
        if cfg.get('launcher', 'none') != 'none':
            wrapper = cfg.get('model_wrapper_cfg') or dict(
                type='MMDistributedDataParallel',
                broadcast_buffers=False,
                find_unused_parameters=cfg.get('find_unused_parameters', False))
            wrapper.setdefault('device_ids', None)
            cfg.model_wrapper_cfg = wrapper
    else:
        dist_cfg.setdefault('backend', 'nccl')
