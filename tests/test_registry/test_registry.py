"""Registry scoping: mmirn, mmseg, mmengine names unprefixed, mmdet as `mmdet.X`;
from mmseg's scope mmirn components as `mmirn.X` (no mirroring)."""
import subprocess
import sys
import textwrap

import pytest
from mmengine.registry import DefaultScope
from mmengine.registry import MODELS as ENGINE_MODELS
from mmengine.registry import init_default_scope

from mmirn.registry import MODELS
from tests.utils import ToyRegressor


@pytest.fixture
def mmirn_scope():
    with DefaultScope.overwrite_default_scope('mmirn'):
        yield


def test_mmirn_scope_reaches_every_library(mmirn_scope):
    init_default_scope('mmirn')
    # mmirn's own (registered in tests/utils.py)
    assert isinstance(ENGINE_MODELS.build(dict(type='ToyRegressor')), ToyRegressor)
    # mmseg's, unprefixed
    backbone = ENGINE_MODELS.build(dict(type='ResNetV1c', depth=18))
    assert type(backbone).__module__.startswith('mmseg.')
    # mmdet's, prefixed
    neck = ENGINE_MODELS.build(
        dict(type='mmdet.FPN', in_channels=[8, 16], out_channels=8, num_outs=2))
    assert type(neck).__module__.startswith('mmdet.')
    # mmengine's (root registry), unprefixed
    from mmirn.registry import OPTIMIZERS, PARAM_SCHEDULERS
    assert OPTIMIZERS.get('SGD') is not None
    assert PARAM_SCHEDULERS.get('PolyLR') is not None


def test_mmseg_scope_reaches_mmirn_by_prefix_only():
    from mmseg.registry import MODELS as SEG_MODELS
    with DefaultScope.overwrite_default_scope('mmseg'):
        # no copy in mmseg's registry: the unprefixed name is unknown there
        assert 'ToyRegressor' not in SEG_MODELS.module_dict
        assert SEG_MODELS.get('ToyRegressor') is None
        assert isinstance(SEG_MODELS.build(dict(type='mmirn.ToyRegressor')),
                          ToyRegressor)


def test_registering_leaves_mmseg_untouched():
    """No mirroring: an mmirn module never enters the parent's dict."""
    from mmseg.registry import MODELS as SEG_MODELS
    before = dict(SEG_MODELS.module_dict)

    @MODELS.register_module(name='ResNetV1c', force=True)
    class Shadow(ToyRegressor):
        pass

    @MODELS.register_module()
    class OnlyInMmirn(ToyRegressor):
        pass

    try:
        assert SEG_MODELS.module_dict == before
        assert MODELS.get('ResNetV1c') is Shadow
        assert MODELS.get('mmseg.ResNetV1c') is before['ResNetV1c']
        assert SEG_MODELS.get('OnlyInMmirn') is None
    finally:
        MODELS.module_dict.pop('ResNetV1c')
        MODELS.module_dict.pop('OnlyInMmirn')


def test_deeplabv2_head_in_mmirn_scope():
    import mmirn.seg  # noqa: F401
    from mmseg.registry import MODELS as SEG_MODELS
    assert 'DeepLabV2Head' in MODELS.module_dict
    assert 'DeepLabV2Head' not in SEG_MODELS.module_dict
    with DefaultScope.overwrite_default_scope('mmseg'):
        head = SEG_MODELS.build(dict(type='mmirn.DeepLabV2Head', in_channels=8,
                                     num_classes=3, in_index=-1))
    assert type(head).__name__ == 'DeepLabV2Head'


def test_unknown_name_fails(mmirn_scope):
    with pytest.raises(KeyError, match='not in the mmirn::model registry'):
        MODELS.build(dict(type='NoSuchModel'))


def _run(code):
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300)


def test_default_scope_alone_imports_mmirn_lazily():
    """A config with default_scope='mmirn' and no custom_imports finds mmirn modules."""
    proc = _run('''
        import sys
        from mmengine.config import Config
        from mmengine.registry import TRANSFORMS, init_default_scope
        cfg = Config(dict(default_scope='mmirn',
                          pipeline=[dict(type='PackWSSSInputs')]))
        assert 'mmirn.datasets' not in sys.modules
        init_default_scope(cfg.default_scope)
        t = TRANSFORMS.build(cfg.pipeline[0])
        print(type(t).__module__)
    ''')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().startswith('mmirn.datasets')


def test_custom_imports_with_mmseg_scope():
    """With default_scope='mmseg', mmirn components are named mmirn.X."""
    proc = _run('''
        from mmengine.config import Config
        from mmengine.registry import TRANSFORMS, init_default_scope
        from mmengine.utils import import_modules_from_strings
        cfg = Config(dict(default_scope='mmseg',
                          custom_imports=dict(imports=['mmirn'],
                                              allow_failed_imports=False),
                          pipeline=[dict(type='mmirn.PackWSSSInputs'),
                                    dict(type='PackWSSSInputs')]))
        import_modules_from_strings(**cfg.custom_imports)
        init_default_scope(cfg.default_scope)
        t = TRANSFORMS.build(cfg.pipeline[0])
        print(type(t).__module__)
        try:
            TRANSFORMS.build(cfg.pipeline[1])
        except KeyError as e:
            print('unprefixed: KeyError', e)
    ''')
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith('mmirn.datasets')
    assert lines[1].startswith('unprefixed: KeyError')
