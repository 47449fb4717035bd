"""mmirn's registries.

Each registry has the scope ``mmirn`` and the matching mmseg registry as parent, so a config
with ``default_scope='mmirn'`` names mmirn, mmseg and mmengine components without a prefix
and mmdet ones as ``mmdet.X``. A module registered here is also exposed in the parent (mmseg)
registry when that name is free there, so a config that keeps ``default_scope='mmseg'`` and
imports ``mmirn`` through ``custom_imports`` reaches it unprefixed too.
"""
from mmengine.registry import Registry as _Registry
from mmseg import registry as mmseg_registry


class Registry(_Registry):
    """A registry that also exposes its modules in its parent scope."""

    def _register_module(self, module, module_name=None, force=False):
        super()._register_module(module, module_name, force)
        if self.parent is None:
            return
        names = module_name or module.__name__
        if isinstance(names, str):
            names = [names]
        for name in names:
            if name not in self.parent.module_dict:
                self.parent.module_dict[name] = module


def _child(name, parent, location):
    return Registry(name, parent=parent, scope='mmirn', locations=[location])


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
MODELS = _child('model', mmseg_registry.MODELS, 'mmirn.models')
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
