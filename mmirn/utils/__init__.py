from .checkpoint import (check_checkpoint_fits, find_resume_checkpoint,
                         register_safe_globals)
from .config_keys import check_cfg_keys
from .file_faults import name_path_in_os_errors, remove_temp_files
from .dist import (add_launch_args, destroy_dist, dist_backend, export_local_rank,
                   init_dist, prepare_dist_cfg, slurm_dist_env)
from .provenance import (claim_output_dirs, file_sha256, output_dirs,
                         producer_record)
from .setup_env import load_tool_config, register_all_modules

__all__ = [
    'check_checkpoint_fits', 'find_resume_checkpoint', 'check_cfg_keys', 'register_safe_globals', 'prepare_dist_cfg',
    'dist_backend', 'init_dist', 'slurm_dist_env', 'register_all_modules',
    'load_tool_config', 'claim_output_dirs', 'file_sha256', 'output_dirs',
    'producer_record',
    'name_path_in_os_errors', 'remove_temp_files', 'add_launch_args',
    'export_local_rank', 'destroy_dist'
]
