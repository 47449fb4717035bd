"""mmirn's registries: children of mmseg's, with the scope ``mmirn``.

This is mmengine's standard hierarchy and the only mechanism: every registry
here has the scope ``mmirn`` and the matching mmseg registry as parent (whose
parent is mmengine's root), and a module registered here lives in mmirn's
registry only. A name therefore resolves the same whatever was imported first:

- With ``default_scope='mmirn'`` (``configs/_base_/default_runtime.py``) a
  config names mmirn, mmseg and mmengine components without a prefix (looked
  up in that order) and mmdet ones as ``mmdet.X``. The registries'
  ``locations`` import mmirn's modules on first use.
- With another default scope (e.g. ``mmseg`` in ``configs/seg``) a config
  names mmirn components as ``mmirn.X``; the module that registers them must
  be imported, by ``locations`` or ``custom_imports`` (e.g.
  ``custom_imports=dict(imports=['mmirn.seg'])``). From ``mmdet``'s scope
  mmirn is not reachable (mmirn is no child of mmdet): such configs use only
  mmdet components.
"""
from mmengine.registry import Registry
from mmseg import registry as mmseg_registry


def _child(name, parent, *locations):
    return Registry(name, parent=parent, scope='mmirn', locations=list(locations))


RUNNERS = _child('runner', mmseg_registry.RUNNERS, 'mmirn.engine')
RUNNER_CONSTRUCTORS = _child('runner constructor',
                             mmseg_registry.RUNNER_CONSTRUCTORS, 'mmirn.engine')
LOOPS = _child('loop', mmseg_registry.LOOPS, 'mmirn.engine')
HOOKS = _child('hook', mmseg_registry.HOOKS, 'mmirn.engine')
DATASETS = _child('dataset', mmseg_registry.DATASETS, 'mmirn.datasets')
DATA_SAMPLERS = _child('data sampler', mmseg_registry.DATA_SAMPLERS,
                       'mmirn.datasets')
TRANSFORMS = _child('transform', mmseg_registry.TRANSFORMS,
                    'mmirn.datasets.transforms')
MODELS = _child('model', mmseg_registry.MODELS, 'mmirn.models', 'mmirn.seg')
WEIGHT_INITIALIZERS = _child('weight initializer',
                             mmseg_registry.WEIGHT_INITIALIZERS, 'mmirn.models')
OPTIMIZERS = _child('optimizer', mmseg_registry.OPTIMIZERS, 'mmirn.engine')
OPTIM_WRAPPERS = _child('optim wrapper', mmseg_registry.OPTIM_WRAPPERS,
                        'mmirn.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    mmseg_registry.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmirn.engine')
PARAM_SCHEDULERS = _child('parameter scheduler',
                          mmseg_registry.PARAM_SCHEDULERS, 'mmirn.engine')
METRICS = _child('metric', mmseg_registry.METRICS, 'mmirn.evaluation')
EVALUATOR = _child('evaluator', mmseg_registry.EVALUATOR, 'mmirn.evaluation')
TASK_UTILS = _child('task util', mmseg_registry.TASK_UTILS, 'mmirn.models')
VISUALIZERS = _child('visualizer', mmseg_registry.VISUALIZERS,
                     'mmirn.visualization')
VISBACKENDS = _child('vis_backend', mmseg_registry.VISBACKENDS,
                     'mmirn.visualization')
LOG_PROCESSORS = _child('log_processor', mmseg_registry.LOG_PROCESSORS,
                        'mmirn.engine')
