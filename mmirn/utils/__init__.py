from .checkpoint import check_checkpoint_fits, register_safe_globals
from .dist import prepare_dist_cfg
from .provenance import claim_output_dirs, file_sha256, output_dirs
from .setup_env import load_tool_config, register_all_modules

__all__ = [
    'check_checkpoint_fits',
    'register_safe_globals', 'prepare_dist_cfg', 'register_all_modules',
    'load_tool_config', 'claim_output_dirs', 'file_sha256', 'output_dirs'
]
