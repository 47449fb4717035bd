import json
import os
import os.path as osp

from mmengine import DefaultScope
from mmengine.config import Config

from .dist import prepare_dist_cfg


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmirn module so that its components are registered.

    Args:
        init_default_scope (bool): Whether to make ``mmirn`` the default scope.
            Defaults to True.
    """
    import mmirn.datasets  # noqa: F401
    import mmirn.engine  # noqa: F401
    import mmirn.evaluation  # noqa: F401
    import mmirn.models  # noqa: F401
    import mmirn.visualization  # noqa: F401

    if init_default_scope:
        if DefaultScope.get_current_instance() is None or \
                not DefaultScope.check_instance_created('mmirn'):
            DefaultScope.get_instance('mmirn', scope_name='mmirn')


def load_tool_config(args):
    """The config of ``tools/train.py`` / ``tools/test.py`` with their CLI applied.

    Reads ``args.config`` (``NAME`` for ``NAME.py`` too), records ``args.launcher``,
    merges ``args.cfg_options`` (then the JSON file that the environment variable
    ``MMIRN_CFG_OPTIONS`` names, if set), picks the distributed backend
    (:func:`prepare_dist_cfg`) and sets ``work_dir``:
    ``--work-dir`` > the config's > ``./work_dirs/<config name>``. A tool without
    ``--launcher`` / ``--work-dir`` runs without a launcher (``'none'``).
    """
    if not osp.splitext(args.config)[1] and osp.isfile(args.config + '.py'):
        args.config += '.py'  # a config named without .py (as `mim train mmirn NAME`)
    cfg = Config.fromfile(args.config)
    cfg.launcher = getattr(args, 'launcher', 'none')
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if os.environ.get('MMIRN_CFG_OPTIONS'):
        # options too awkward for the command line (paths with spaces / commas), as
        # written by tools/run_pipeline.py: a JSON file of {dotted key: value}
        with open(os.environ['MMIRN_CFG_OPTIONS']) as f:
            cfg.merge_from_dict(json.load(f))
    prepare_dist_cfg(cfg)
    if getattr(args, 'work_dir', None) is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    return cfg
