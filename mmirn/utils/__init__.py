from .checkpoint import check_checkpoint_fits, register_safe_globals
from .dist import prepare_dist_cfg
from .setup_env import load_tool_config, register_all_modules

__all__ = [
    'check_checkpoint_fits',
    'register_safe_globals', 'prepare_dist_cfg', 'register_all_modules',
    'load_tool_config'
]
